import { Duration } from "luxon";

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

/** Milliseconds of an ISO 8601 duration in weeks, days, hours, minutes or seconds; undefined otherwise. */
export function parseIsoDuration(text: string): number | undefined {
  if (!/^P(?!$)(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/.test(text)) return undefined;
  const d = Duration.fromISO(text);
  return d.isValid ? d.as("milliseconds") : undefined;
}
