import type { Clock } from "../clock/clock.js";
import type { Duration, RetryOptions } from "./core-api.js";
import type { InvocationRequest, InvocationResult, Invoker } from "./invoker.js";

/**
 * The host-side retry policy of timer and Event Hub triggers (`retry` in the v4 options): the same
 * invocation again, with `retryContext`, after a fixed or exponentially growing delay on the host's clock.
 */
export async function invokeWithRetry(
  invoker: Invoker,
  clock: Clock,
  request: InvocationRequest,
  retry: RetryOptions | undefined,
): Promise<InvocationResult> {
  if (!retry) return invoker.invoke(request);
  // The first run already carries retryContext (retryCount 0), as the Functions host sends it.
  let result = await invoker.invoke({
    ...request,
    retryContext: { retryCount: 0, maxRetryCount: retry.maxRetryCount },
  });
  if (result.ok) return result;
  const strategy = retry.retryStrategy ?? retry.strategy ?? "fixedDelay";
  for (let attempt = 1; attempt <= retry.maxRetryCount && !result.ok; attempt++) {
    const delay =
      strategy === "fixedDelay"
        ? toMs(retry.delayInterval)
        : Math.min(
            toMs(retry.minimumInterval) * 2 ** (attempt - 1),
            toMs(retry.maximumInterval) || Number.POSITIVE_INFINITY,
          );
    await clock.sleep(delay);
    result = await invoker.invoke({
      ...request,
      retryContext: {
        retryCount: attempt,
        maxRetryCount: retry.maxRetryCount,
        exception: { message: result.error?.message ?? "" },
      },
    });
  }
  return result;
}

export function toMs(d: Duration | number | undefined): number {
  if (d === undefined) return 0;
  if (typeof d === "number") return d;
  return (d.seconds ?? 0) * 1000 + Math.round((d.nanos ?? 0) / 1e6);
}
