import { Cron } from "croner";

/**
 * NCRONTAB as the Functions host reads it: six fields (second minute hour day month day-of-week), UTC,
 * day-of-month AND day-of-week. Checked by croner alone (its "6-part" mode refuses five- and seven-field
 * patterns), with the options the local host's timers use, so an expression accepted here is one the host
 * can schedule.
 */
export const NCRONTAB_OPTIONS = { timezone: "UTC", domAndDow: true, mode: "6-part" } as const;

/** Why the expression cannot be scheduled, or undefined when it can. */
export function ncrontabProblem(expression: string): string | undefined {
  try {
    new Cron(expression, { paused: true, ...NCRONTAB_OPTIONS });
    return undefined;
  } catch (error) {
    return (error instanceof Error ? error.message : String(error)).replace(/^CronPattern: /, "");
  }
}

/**
 * The scheduled instant a run at `nowMs` stands for (the latest at or just before now: a timer may fire a
 * little late) and the one before it. Consecutive runs then cover consecutive, non-overlapping spans
 * (previous, current], however late each fired. Undefined when the schedule has no such instants.
 */
export function scheduledRunSpan(
  expression: string,
  nowMs: number,
): { previous: number; current: number } | undefined {
  const runs = new Cron(expression, { paused: true, ...NCRONTAB_OPTIONS }).previousRuns(
    2,
    new Date(nowMs + 1000),
  );
  return runs[0] && runs[1] ? { current: runs[0].getTime(), previous: runs[1].getTime() } : undefined;
}
