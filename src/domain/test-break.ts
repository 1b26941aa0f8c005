/**
 * Deliberate breaks for the safety net's proof that it can fail (test/safety, issue 15): with
 * `RINGMASTER_TEST_BREAK=window|soak|budget|cap` one safety rule is switched off — every window is open,
 * soaks last nothing, the failure budget is endless, the concurrency cap is gone — so the randomized suite
 * must catch it. Read here and nowhere else, once, and refused (the process throws at the first check)
 * unless `RINGMASTER_TEST_FLAG=break-safety-on-purpose` is set too and the app is not in Azure mode: a
 * stray variable in a real deployment stops the app instead of silently unsafing it.
 */
export const TEST_BREAKS = ["window", "soak", "budget", "cap"] as const;
export type TestBreak = (typeof TEST_BREAKS)[number];
export const TEST_BREAK_FLAG = "break-safety-on-purpose";

/** Reads a break from an environment; throws when one is asked for outside a test. */
export function readTestBreak(env: Readonly<Record<string, string | undefined>>): TestBreak | undefined {
  const asked = env.RINGMASTER_TEST_BREAK;
  if (asked === undefined || asked === "") return undefined;
  if (env.RINGMASTER_TEST_FLAG !== TEST_BREAK_FLAG || env.RINGMASTER_MODE === "azure")
    throw new Error(
      `RINGMASTER_TEST_BREAK=${asked} switches a safety rule off and is for the safety suite only: it needs RINGMASTER_TEST_FLAG=${TEST_BREAK_FLAG} and never runs in Azure mode; unset RINGMASTER_TEST_BREAK`,
    );
  if (!(TEST_BREAKS as readonly string[]).includes(asked))
    throw new Error(`RINGMASTER_TEST_BREAK: expected one of ${TEST_BREAKS.join(", ")}, got "${asked}"`);
  return asked as TestBreak;
}

let read: { value: TestBreak | undefined } | undefined;

/** The break this process runs with, if any: the process environment, read once. */
export function testBreak(): TestBreak | undefined {
  read ??= { value: readTestBreak(globalThis.process?.env ?? {}) };
  return read.value;
}
