import type { ForecastRow, PreparedRollout } from "../contracts/prepared-rollout.js";
import { Code } from "../domain/codes.js";
import type { MessageInput } from "../contracts/messages.js";
import type { ClusterResult } from "../contracts/cluster-results.js";
import type { LaneFailure } from "../contracts/lanes.js";
import type { RolloutInput } from "../contracts/workflow-inputs.js";
import type { RolloutStatus } from "../contracts/rollout-status.js";

/** The emails a rollout sends, as messages (pure: built in the orchestrator from recorded data). */
const when = (iso?: string | null) => (iso ? `${iso.slice(0, 16).replace("T", " ")} UTC` : "—");
const iso = (ms: number) => new Date(ms).toISOString();
const what = (input: Pick<RolloutInput, "kind" | "target">) =>
  input.kind === "kubernetes" ? `Kubernetes ${input.target}` : `node image refresh ${input.target}`;
const api = (base: string, id: string) => `${base}/api/rollouts/${encodeURIComponent(id)}`;
/** A halt waits for a person as long as it takes; its one-click links last this long (then: the dashboard). */
export const HALT_LINK_MS = 3 * 24 * 3_600_000;
/** Tables in emails stop here; the last line says how many more there are and where to see them all. */
const more = (shown: number, total: number, where: string): string[][] =>
  total > shown ? [[`… and ${total - shown} more`, "", "", where]] : [];

export function forecastMessage(
  id: string,
  input: RolloutInput,
  prepared: PreparedRollout,
  now: number,
): MessageInput {
  const { plan } = prepared;
  return {
    kind: "forecast",
    key: `${id}:forecast`,
    title: `Forecast: ${what(input)} (${input.policy})`,
    summary: `${plan.scheduled} cluster(s) will be upgraded ring by ring; ${plan.total - plan.scheduled} will not.${input.requiresApproval ? " This rollout waits for an approval before its first ring." : ""}`,
    lines: [
      ...prepared.plan.rings.map(
        (r) =>
          `Ring ${r.name}: ${r.clusters} cluster(s), first start ${when(r.firstStart)}, last end ${when(r.lastEnd)}${r.approvalRequired ? ", approval required" : ""}${r.soakUntil ? `, soak until ${when(r.soakUntil)}` : ""}`,
      ),
      ...legacyLines(plan.legacyAssignments),
    ],
    table: [
      ["cluster", "ring", "from", "to", "predicted start", "predicted end", "note"],
      ...plan.forecast.map((c) => [
        c.name,
        c.ring ?? "—",
        c.currentVersion,
        c.target,
        when(c.predictedStart),
        when(c.predictedEnd),
        c.reason ?? "",
      ]),
      ...more(
        plan.forecast.length,
        plan.total,
        `every cluster: ${api(prepared.settings.baseUrl, id)}/clusters`,
      ).map((r) => [r[0]!, "", "", "", "", "", r[3]!]),
    ],
    actions: [{ label: "Rollout status", url: api(prepared.settings.baseUrl, id), method: "GET" }],
    time: iso(now),
    rollout: id,
  };
}

/** Clusters on legacy Microsoft.Maintenance assignments: named, with what Ringmaster does with them. */
function legacyLines(legacy: PreparedRollout["plan"]["legacyAssignments"]): string[] {
  if (!legacy?.count) return [];
  return [
    `Legacy: ${legacy.count} cluster(s) still carry a Microsoft.Maintenance assignment to an AKS public configuration (aks-mrp-cfg-*), which AKS-native maintenance configurations replaced; \`ringmaster windows migrate\` converts them.`,
    ...legacy.rows.map(
      (r) =>
        `Legacy: ${r.name}: ${r.configuration} (${r.honoured ? "its window governs this cluster's upgrades" : "not used: the cluster has an AKS maintenance configuration"})`,
    ),
    ...(legacy.count > legacy.rows.length ? [`Legacy: … and ${legacy.count - legacy.rows.length} more`] : []),
  ];
}

export function skippedMessage(
  id: string,
  input: RolloutInput,
  skipped: readonly ForecastRow[],
  now: number,
  count = skipped.length,
): MessageInput {
  const conflicts = skipped.filter((c) => c.reasonCode === Code.AutoUpgradeChannelConflict);
  return {
    kind: "conflict",
    key: `${id}:skipped`,
    title: `${count <= 3 ? skipped.map((c) => c.name).join(", ") : `${count} clusters`} will not get ${what(input)}${conflicts.length ? ` (${conflicts.length === skipped.length ? "" : `${conflicts.length} `}in conflict with AKS auto-upgrade)` : ""}`,
    summary: "Ringmaster will not upgrade these clusters; each line says why and what would change that.",
    table: [
      ["cluster", "ring", "reason"],
      ...skipped.map((c) => [c.name, c.ring ?? "—", c.reason ?? c.reasonCode ?? ""]),
      ...(count > skipped.length ? [[`… and ${count - skipped.length} more`, "", ""]] : []),
    ],
    time: iso(now),
    rollout: id,
  };
}

export function approvalMessage(
  id: string,
  prepared: PreparedRollout,
  ring: string,
  teams: readonly string[],
  deadline: number,
  onTimeout: string,
  now: number,
  /** When the target was seen in every region of the ring's clusters (workflows/target-wait.ts). */
  seen?: { at: number; regions: readonly string[]; waited: boolean },
): MessageInput {
  const r = prepared.plan.rings.find((x) => x.name === ring);
  const availability = seen
    ? [
        `Kubernetes ${prepared.plan.target} is available in every region of this ring's clusters (${seen.regions.join(", ")}) ${seen.waited ? "since" : "as of"} ${when(iso(seen.at))}${seen.waited ? " (the request waited for it)" : ""}.`,
      ]
    : [];
  const base = api(prepared.settings.baseUrl, id);
  return {
    kind: "approvalRequest",
    key: `${id}:approval:${ring}`,
    title: `Approval needed: ${prepared.plan.kind === "kubernetes" ? `Kubernetes ${prepared.plan.target}` : "node image refresh"} for ${ring === "rollout" ? "this rollout" : `ring ${ring}`}`,
    summary: `Approve or reject before ${when(iso(deadline))}; without an answer the request is ${onTimeout === "approve" ? "approved" : "rejected"}.`,
    lines: [
      ...(r ? [`${r.clusters} cluster(s), first planned start ${when(r.firstStart)}.`] : []),
      ...availability,
    ],
    actions: [
      {
        label: "Approve",
        url: `${base}/approve${ring === "rollout" ? "" : `?ring=${encodeURIComponent(ring)}`}`,
        method: "POST",
        link: { rollout: id, ring, action: "approve", expiresAt: deadline },
      },
      {
        label: "Reject",
        url: `${base}/reject${ring === "rollout" ? "" : `?ring=${encodeURIComponent(ring)}`}`,
        method: "POST",
        link: { rollout: id, ring, action: "reject", expiresAt: deadline },
      },
    ],
    urgent: true,
    teams: [...teams],
    time: iso(now),
    rollout: id,
  };
}

export function failureMessage(
  id: string,
  input: Pick<RolloutInput, "kind" | "target">,
  teams: readonly string[],
  r: ClusterResult,
  now: number,
): MessageInput {
  return {
    kind: "clusterFailure",
    key: `${id}:failure:${r.clusterId}`,
    title: `Upgrade failed: ${r.name}${r.pool ? ` (pool ${r.pool})` : ""} — ${r.code ?? "error"}`,
    summary: `${what(input)} failed on ${r.name} in ring ${r.ring} after ${r.attempts} attempt(s).`,
    lines: [`AKS error ${r.code ?? ""}: ${r.reason ?? ""}`, `Cluster: ${r.clusterId}`],
    urgent: true,
    teams: [...teams],
    time: iso(now),
    rollout: id,
  };
}

export function haltMessage(
  id: string,
  input: RolloutInput,
  ring: string,
  failed: readonly LaneFailure[],
  budget: number,
  baseUrl: string,
  now: number,
  failedGates: readonly { gate: string; evidence: readonly string[] }[] = [],
  failedCount = failed.length,
): MessageInput {
  const base = api(baseUrl, id);
  const reason = failedGates.length
    ? `health gate(s) failed after ring ${ring}: ${failedGates.map((g) => g.gate).join(", ")}`
    : `${failedCount} cluster(s) failed in ring ${ring}, more than its failure budget of ${budget}`;
  return {
    kind: "halt",
    key: `${id}:halt:${ring}:${failedGates.length ? "gates" : "budget"}`,
    title: `Rollout halted: ${what(input)} — ${reason}`,
    summary: reason,
    lines: [
      ...failed.map((f) => `${f.name}${f.pool ? `/${f.pool}` : ""}: ${f.code ?? ""} ${f.reason ?? ""}`),
      ...(failedCount > failed.length
        ? [
            `… and ${failedCount - failed.length} more: ${base}/clusters?ring=${encodeURIComponent(ring)}&status=failed`,
          ]
        : []),
      ...failedGates.flatMap((g) => g.evidence.map((e) => `${g.gate}: ${e}`)),
    ],
    actions: [
      {
        label: "Resume",
        url: `${base}/resume`,
        method: "POST",
        link: { rollout: id, ring, action: "resume", expiresAt: now + HALT_LINK_MS },
      },
      {
        label: "Cancel",
        url: `${base}/cancel`,
        method: "POST",
        link: { rollout: id, ring, action: "cancel", expiresAt: now + HALT_LINK_MS },
      },
    ],
    urgent: true,
    time: iso(now),
    rollout: id,
  };
}

export function completionMessage(
  id: string,
  input: RolloutInput,
  status: RolloutStatus,
  outcome: string,
  now: number,
  baseUrl = "",
): MessageInput {
  const count = (k: "succeeded" | "failed" | "skipped" | "canceled") =>
    status.rings.reduce((n, r) => n + r.counts[k], 0);
  const attention = status.attention ?? { clusters: [], more: 0 };
  return {
    kind: "completion",
    key: `${id}:completion`,
    title: `Rollout ${outcome}: ${what(input)}`,
    summary: `${count("succeeded")} upgraded, ${count("failed")} failed, ${count("skipped")} skipped, ${count("canceled")} canceled.`,
    lines: status.rings.map(
      (r) =>
        `Ring ${r.name}: ${r.status} (${r.counts.succeeded} upgraded, ${r.counts.failed} failed, ${r.counts.skipped} skipped, ${r.counts.canceled} canceled)`,
    ),
    table: [
      ["cluster", "ring", "result", "detail"],
      ...attention.clusters.map((c) => [
        c.name,
        c.ring,
        c.status,
        c.code ? `${c.code}: ${c.reason ?? ""}` : (c.reason ?? ""),
      ]),
      ...more(0, attention.more, `${api(baseUrl, id)}/clusters`),
    ],
    time: iso(now),
    rollout: id,
  };
}

/** The rollout could not even be planned (the inventory could not be read): on-call hears the cause, not a stack. */
export function preparationFailedMessage(
  id: string,
  input: RolloutInput,
  cause: string,
  now: number,
): MessageInput {
  return {
    kind: "clusterFailure",
    key: `${id}:preparation-failed:${iso(now)}`,
    title: `${what(input)} (${input.policy}) failed before it started: the fleet could not be read`,
    summary: `Ringmaster could not prepare the rollout of ${what(input)}: ${cause}. Nothing was upgraded.`,
    lines: [
      `Preparing reads every cluster, its maintenance configurations and the versions of its region; that failed after retries with: ${cause}.`,
      "No cluster was touched. Once Azure answers again the same target can be rolled out anew.",
    ],
    urgent: true,
    time: iso(now),
    rollout: id,
  };
}
