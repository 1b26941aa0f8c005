import type { ClusterOperation, CostAnomaly } from "../contracts/cost-anomalies.js";
import type { MessageInput } from "../contracts/messages.js";

/**
 * The on-call notice for a cost anomaly: the cluster, what the day cost against the range it usually
 * stays in, the resources that grew, and every Ringmaster operation on the cluster in the 48 hours up to
 * the end of that day — an upgrade that left surge nodes behind, or a pool that did not scale down, shows
 * up as cost before anything else. It goes through the digests like every notice (activities/notify.ts),
 * urgent, so a day's anomalies leave together in the next minute's email, within ACS's quotas.
 */
const money = (n: number, currency: string) =>
  `${n.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })} ${currency}`;

/** The last two segments of an ARM id (type and name), which say what the resource is. */
const shortName = (id: string) => id.split("/").slice(-2).join("/");

function operationLine(o: ClusterOperation): string {
  const when = o.start
    ? ` from ${o.start.slice(0, 16).replace("T", " ")}${o.end ? ` to ${o.end.slice(0, 16).replace("T", " ")}` : ""} UTC`
    : "";
  const what =
    o.kind === "nodeImage" ? `node-image upgrade to ${o.target}` : `upgrade to Kubernetes ${o.target}`;
  return `Ringmaster ${what} (rollout ${o.rollout}${o.ring ? `, ring ${o.ring}` : ""})${when}: ${o.status}.`;
}

export function costAnomalyMessage(a: CostAnomaly, time: string): MessageInput {
  const ratio = a.expected > 0 ? ` (${(a.amount / a.expected).toFixed(1)}× expected)` : "";
  const preceded = a.operations.length
    ? ` after ${a.operations.map((o) => `${o.kind === "nodeImage" ? "a node-image upgrade" : "an upgrade"} to ${o.target}`).join(", ")}`
    : "";
  return {
    kind: "costAnomaly",
    key: `cost:${a.clusterId.toLowerCase()}:${a.day}`,
    title: `Cost anomaly: ${a.name} cost ${money(a.amount, a.currency)} on ${a.day}${preceded}`,
    summary: `${a.name} cost ${money(a.amount, a.currency)} on ${a.day}${ratio}; expected range ${money(a.low, a.currency)} – ${money(a.high, a.currency)}.`,
    lines: [
      `Expected about ${money(a.expected, a.currency)} (median of ${a.historyDays} days, weekday-adjusted); usual range ${money(a.low, a.currency)} – ${money(a.high, a.currency)}.`,
      ...(a.operations.length
        ? [
            "Ringmaster operations on this cluster in the 48 h before the end of that day:",
            ...a.operations.map(operationLine),
          ]
        : ["No Ringmaster operation on this cluster in the 48 h before the end of that day."]),
      `Cluster: ${a.clusterId}`,
    ],
    ...(a.grown.length
      ? {
          table: [
            ["Resource that grew", `Cost on ${a.day}`, "Usual day"],
            ...a.grown.map((g) => [
              shortName(g.resourceId),
              money(g.amount, a.currency),
              money(g.usual, a.currency),
            ]),
          ],
        }
      : {}),
    urgent: true,
    time,
  };
}

/** When more anomalies were found than the policy lists (`cost.anomaly.maxPerDay`). */
export function moreAnomaliesMessage(day: string, more: number, time: string): MessageInput {
  return {
    kind: "costAnomaly",
    key: `cost:more:${day}`,
    title: `Cost anomalies: ${more} more clusters on ${day}`,
    summary: `${more} more clusters cost more than their usual range on ${day} than this email lists (spec.cost.anomaly.maxPerDay).`,
    lines: ["Raise spec.cost.anomaly.maxPerDay to list them, or look in Cost Management's cost analysis."],
    urgent: true,
    time,
  };
}
