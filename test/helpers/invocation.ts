import { InvocationContext, type RetryContext } from "@azure/functions";

/** One shared fake InvocationContext for handler tests; logs are collected instead of printed. */
export function invocationContext(
  name = "test",
  retryContext?: RetryContext,
): InvocationContext & { logs: string[] } {
  const logs: string[] = [];
  const ctx = new InvocationContext({
    invocationId: "00000000-0000-0000-0000-000000000001",
    functionName: name,
    logHandler: (level, ...args) => logs.push(`${level}: ${args.map(String).join(" ")}`),
    ...(retryContext ? { retryContext } : {}),
  });
  return Object.assign(ctx, { logs });
}
