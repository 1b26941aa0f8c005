/**
 * Telemetry through the Functions host's Application Insights pipeline, with no SDK of our own: every
 * line written with `context.log`/`info` becomes an App Insights trace carrying the invocation's
 * operation id (so an activity's lines join its orchestration's), and the host authenticates to App
 * Insights with the app's identity (`APPLICATIONINSIGHTS_AUTHENTICATION_STRING`, infra/app/api.bicep).
 * A telemetry line is one JSON object whose `telemetry` field says what it is, so KQL reads it with
 * `traces | extend t = parse_json(message) | where isnotempty(t.telemetry)`:
 *
 * - `{"telemetry":"metric","name":…,"value":…,…dimensions}` — ringmaster.rollouts.running (+1/-1),
 *   ringmaster.clusters.phase (1 per transition, dimension `phase`), ringmaster.arm.calls,
 *   ringmaster.arm.throttled (429s), ringmaster.emails.sent.
 * - `{"telemetry":"span","trace":…,"name":…,"event":"start"|"end",…}` — one trace per rollout (trace = the
 *   rollout id) and one per cluster upgrade (trace = rollout id + cluster id), from the audit transitions.
 */
export const METRICS = [
  "ringmaster.rollouts.running",
  "ringmaster.clusters.phase",
  "ringmaster.arm.calls",
  "ringmaster.arm.throttled",
  "ringmaster.emails.sent",
] as const;
export type MetricName = (typeof METRICS)[number];
export type Dimensions = Readonly<Record<string, string | number | boolean>>;

export function metricLine(name: MetricName, value: number, dimensions: Dimensions = {}): string {
  return JSON.stringify({ telemetry: "metric", name, value, ...dimensions });
}

export function spanLine(
  trace: string,
  name: string,
  event: "start" | "end" | "point",
  fields: Readonly<Record<string, unknown>> = {},
): string {
  return JSON.stringify({ telemetry: "span", trace, name, event, ...fields });
}

/**
 * ARM calls and 429s, counted by the throttle policy every ARM client carries (src/azure/retry.ts) and
 * written as metrics after each invocation (functions/telemetry.ts), so they land on that invocation.
 */
const arm = { calls: 0, throttled: 0 };

export function countArmResponse(status: number): void {
  arm.calls++;
  if (status === 429) arm.throttled++;
}

/** The counts since the last take, reset. */
export function takeArmCounts(): { calls: number; throttled: number } {
  const taken = { ...arm };
  arm.calls = 0;
  arm.throttled = 0;
  return taken;
}
