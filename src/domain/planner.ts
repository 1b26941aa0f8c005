import { evaluateCluster, targetOf, type Candidate } from "./cluster-eligibility.js";
import { freezeIntervals } from "./freezes.js";
import { Code } from "./codes.js";
import {
  skipped,
  RingOverlapError,
  type ClusterPlan,
  type Plan,
  type PlanInput,
  type RingPlan,
} from "./plan-types.js";
import { scheduleRing } from "./ring-schedule.js";
import { assignRings, effectiveRings } from "./rings.js";
import type { Interval } from "./windows.js";

export { chooseWindow } from "./cluster-eligibility.js";
export {
  RingOverlapError,
  type ClusterPlan,
  type Plan,
  type PlanInput,
  type PlanTarget,
  type RingPlan,
  type SkipReason,
} from "./plan-types.js";

/**
 * The rollout planner: who goes when. From an inventory, a policy, a target and "now" it produces, for
 * every cluster, its ring, the window it will use, a predicted start and end — or the reason it will not
 * be upgraded. Rings run in order: a ring starts only after the previous ring's last predicted upgrade
 * plus its soak; within a ring at most `maxConcurrentPerSubscriptionRegion` clusters of one
 * subscription-region upgrade at once. Pure and deterministic: the same input gives the same plan.
 * Split by job: the plan's shape (plan-types.ts), whether each cluster can take the target
 * (cluster-eligibility.ts), how long it takes (upgrade-estimate.ts) and when it goes (ring-schedule.ts).
 */
const MINUTE = 60_000;
const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

export function planRollout(input: PlanInput): Plan {
  const { policy, inventory, target, now } = input;
  const horizonEnd = now + (input.horizonDays ?? 90) * DAY;
  const freezes = freezeIntervals(policy.spec.freezes);
  const assignment = assignRings(policy, inventory.clusters);
  if (assignment.overlaps.length > 0) throw new RingOverlapError(assignment.overlaps);
  const rings = effectiveRings(policy);
  const windowCache = new Map<string, Interval[]>();
  const targetLabel = target.kind === "kubernetes" ? target.version : "node-image";

  const clusterPlans: ClusterPlan[] = [];
  const ringPlans: RingPlan[] = [];
  let readyAt = now;
  for (const ring of rings) {
    const members = [...(assignment.byRing.get(ring.name) ?? [])].sort((a, b) => a.id.localeCompare(b.id));
    const candidates: Candidate[] = [];
    for (const cluster of members) {
      const decided = evaluateCluster(cluster, ring, input);
      if ("skip" in decided) clusterPlans.push(decided.skip);
      else candidates.push(decided.candidate);
    }
    const scheduled = scheduleRing(candidates, ring, readyAt, horizonEnd, freezes, windowCache);
    clusterPlans.push(...scheduled);
    const ends = scheduled.filter((c) => c.predictedEnd).map((c) => Date.parse(c.predictedEnd!));
    const starts = scheduled.filter((c) => c.predictedStart).map((c) => Date.parse(c.predictedStart!));
    const lastEnd = ends.length ? Math.max(...ends) : null;
    const soakUntil = lastEnd === null ? null : lastEnd + ring.soakMs;
    ringPlans.push({
      name: ring.name,
      index: ring.index,
      approvalRequired: ring.approval.required,
      approvalTimeoutMinutes: Math.round(ring.approval.timeoutMs / MINUTE),
      readyAt: iso(readyAt),
      firstStart: starts.length ? iso(Math.min(...starts)) : null,
      lastEnd: lastEnd === null ? null : iso(lastEnd),
      soakUntil: soakUntil === null ? null : iso(soakUntil),
      maxConcurrentPerSubscriptionRegion: ring.maxConcurrentPerSubscriptionRegion,
      clusters: members.map((m) => m.id),
    });
    if (soakUntil !== null) readyAt = Math.max(readyAt, soakUntil);
  }
  for (const cluster of [...assignment.unassigned].sort((a, b) => a.id.localeCompare(b.id))) {
    clusterPlans.push(
      skipped(
        cluster,
        null,
        targetOf(cluster, target),
        0,
        Code.NoRing,
        "no ring of the policy selects this cluster",
      ),
    );
  }
  return {
    policy: policy.metadata.name,
    kind: target.kind,
    target: targetLabel,
    now: iso(now),
    horizonEnd: iso(horizonEnd),
    rings: ringPlans,
    clusters: clusterPlans,
    freezes: freezes.map((f) => ({ name: f.name, start: iso(f.start), end: iso(f.end) })),
  };
}
