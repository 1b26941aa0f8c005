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
 * The scheduled instant before the run at `nowMs` (which may fire a little late): what a timer's previous
 * run covered up to. Undefined when the schedule has no earlier instant.
 */
export function previousScheduledRun(expression: string, nowMs: number): number | undefined {
  // The current run is the latest instant at or just before now; the one before it is the previous run.
  const runs = new Cron(expression, { paused: true, ...NCRONTAB_OPTIONS }).previousRuns(
    2,
    new Date(nowMs + 1000),
  );
  return runs[1]?.getTime();
}
