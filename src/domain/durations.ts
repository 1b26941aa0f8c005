/**
 * ISO 8601 durations as policies write them ("PT24H", "P2D", "PT30M"). Months and years are refused:
 * their length depends on the calendar, and a soak must mean the same time in every month.
 *
 * Only the policy schema (policy-schema.ts) parses durations: it turns each one into a `PolicyDuration`
 * once, so every other module reads `.ms` for arithmetic and `.iso` for what the operator wrote.
 */
export interface PolicyDuration {
  /** As written in the policy, for messages and evidence ("over the last PT2H"). */
  readonly iso: string;
  readonly ms: number;
}

const ISO_DURATION = /^P(?!$)(?:(\d+)W)?(?:(\d+)D)?(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;
const HOUR_MS = 3_600_000;

/**
 * Milliseconds of an ISO 8601 duration in weeks, days, hours, minutes or seconds; undefined otherwise. A day
 * is 24 hours and a week 7 days (what luxon's `Duration.as` computes). Plain arithmetic rather than luxon:
 * the policy schema parses a default at module load, and luxon's first use initialises Intl (~15 ms of
 * every cold start, issue 12).
 */
export function parseIsoDuration(text: string): number | undefined {
  const m = ISO_DURATION.exec(text);
  if (!m) return undefined;
  const [, weeks, days, hours, minutes, seconds] = m.map((g) => (g === undefined ? 0 : Number(g)));
  return (weeks! * 7 + days!) * 24 * HOUR_MS + hours! * HOUR_MS + minutes! * 60_000 + seconds! * 1000;
}
