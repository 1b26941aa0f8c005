import { Cron } from "croner";

/**
 * NCRONTAB as the Functions host reads it: six fields (second minute hour day month day-of-week), UTC,
 * day-of-month AND day-of-week. Checked with croner and the options the local host's timers use, so an
 * expression accepted here is one the host can schedule.
 */
const SIX_FIELDS = /^\S+(\s+\S+){5}$/;

/** Why the expression cannot be scheduled, or undefined when it can. */
export function ncrontabProblem(expression: string): string | undefined {
  if (!SIX_FIELDS.test(expression.trim())) return "it does not have six fields";
  try {
    new Cron(expression, { paused: true, timezone: "UTC", domAndDow: true });
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
