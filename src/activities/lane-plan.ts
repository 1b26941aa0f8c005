import type { Policy } from "../config/policy.js";
import { concurrencyBucket } from "../domain/auto-upgrade.js";
import { isQuietSkip } from "../domain/codes.js";
import { freezeIntervals } from "../domain/freezes.js";
import type { Inventory } from "../domain/inventory.js";
import { chooseWindow, type ClusterPlan, type Plan } from "../domain/planner.js";
import { effectiveRings } from "../domain/rings.js";
import { LANE_SIZE, laneInstanceId, type LaneCluster, type LaneInput } from "../contracts/lanes.js";
import { FORECAST_ROWS, type ForecastRow, type PlanSummary } from "../contracts/prepared-rollout.js";
import type { WindowSourceJson } from "../contracts/workflow-inputs.js";

/**
 * Splits a plan into lanes: per ring, per subscription-region (the scope of the concurrency cap), in chunks
 * of `LANE_SIZE` clusters sorted by name; and sums it up for the rollout. Pure: the same plan gives the same
 * lanes, so a retried preparation starts the same ids with the same inputs. The summary's shape is the
 * contract's (contracts/prepared-rollout.ts): the rollout workflow reads it.
 */
export function splitIntoLanes(
  rollout: {
    rolloutId: string;
    kind: "kubernetes" | "nodeImage";
    level?: "patch" | "minor" | undefined;
    target: string;
    nowMs: number;
  },
  plan: Plan,
  policy: Policy,
  inventory: Inventory,
): { summary: PlanSummary; lanes: { id: string; input: LaneInput }[] } {
  const rings = effectiveRings(policy);
  const blocked = freezeIntervals(policy.spec.freezes).map((f) => ({ start: f.start, end: f.end }));
  const byId = new Map(inventory.clusters.map((c) => [c.id, c]));
  const lanes: { id: string; input: LaneInput }[] = [];
  const laneCounts = new Map<string, number[]>();
  for (const [ringIndex, ring] of rings.entries()) {
    const members = plan.clusters.filter((c) => c.ring === ring.name);
    const buckets = new Map<string, ClusterPlan[]>();
    for (const c of members) {
      const key = concurrencyBucket(c);
      buckets.set(key, [...(buckets.get(key) ?? []), c]);
    }
    let n = 0;
    const perBucket: number[] = [];
    for (const bucket of [...buckets.keys()].sort()) {
      const first = n;
      const all = buckets.get(bucket)!.sort((a, b) => a.name.localeCompare(b.name));
      for (let i = 0; i < all.length; i += LANE_SIZE) {
        const chunk = all.slice(i, i + LANE_SIZE);
        const clusters: LaneCluster[] = chunk
          .filter((c) => c.status === "scheduled")
          .map((c) => {
            const window = chooseWindow(byId.get(c.clusterId)!, ring, policy, rollout.kind).window;
            return {
              clusterId: c.clusterId,
              name: c.name,
              durationMs: c.durationMinutes * 60_000,
              window: window ? (JSON.parse(JSON.stringify(window)) as WindowSourceJson) : null,
              ...(c.predictedStart ? { predictedStart: c.predictedStart } : {}),
            };
          });
        lanes.push({
          id: laneInstanceId(rollout.rolloutId, ringIndex, n),
          input: {
            rolloutId: rollout.rolloutId,
            runId: plan.now,
            ring: ring.name,
            ringIndex,
            lane: n,
            bucket,
            kind: rollout.kind,
            ...(rollout.level ? { level: rollout.level } : {}),
            target: rollout.target,
            cap: ring.maxConcurrentPerSubscriptionRegion,
            notify: [...ring.notify],
            blocked,
            notBefore: rollout.nowMs,
            horizonEnd: Date.parse(plan.horizonEnd),
            retries: ring.retries,
            slowPollMs: policy.spec.defaults.slowPoll.ms,
            clusters,
            skipped: chunk
              .filter((c) => c.status === "skipped")
              .map((c) => ({
                name: c.name,
                clusterId: c.clusterId,
                reason: c.reason ?? "",
                code: c.reasonCode ?? "",
              })),
          },
        });
        n++;
      }
      perBucket.push(n - first);
    }
    laneCounts.set(ring.name, perBucket);
  }
  const row = (c: ClusterPlan): ForecastRow => ({
    name: c.name,
    ring: c.ring,
    currentVersion: c.currentVersion,
    target: c.target,
    ...(c.predictedStart ? { predictedStart: c.predictedStart } : {}),
    ...(c.predictedEnd ? { predictedEnd: c.predictedEnd } : {}),
    ...(c.reason ? { reason: c.reason } : {}),
    ...(c.reasonCode ? { reasonCode: c.reasonCode } : {}),
  });
  const noisy = plan.clusters.filter((c) => c.status === "skipped" && !isQuietSkip(c.reasonCode ?? ""));
  const scheduled = plan.clusters.filter((c) => c.status === "scheduled");
  return {
    lanes,
    summary: {
      kind: plan.kind,
      target: plan.target,
      now: plan.now,
      horizonEnd: plan.horizonEnd,
      rings: plan.rings.map((r) => {
        const { clusters, ...rest } = r;
        return {
          ...rest,
          clusters: clusters.length,
          scheduled: scheduled.filter((c) => c.ring === r.name).length,
          lanes: (laneCounts.get(r.name) ?? []).reduce((a, b) => a + b, 0),
          buckets: laneCounts.get(r.name) ?? [],
        };
      }),
      total: plan.clusters.length,
      scheduled: scheduled.length,
      nothingToDo: plan.clusters.every((c) => c.status === "skipped" && isQuietSkip(c.reasonCode ?? "")),
      // Scheduled clusters first (soonest first), then the skipped ones: what the reader acts on.
      forecast: [...scheduled, ...plan.clusters.filter((c) => c.status === "skipped")]
        .slice(0, FORECAST_ROWS)
        .map(row),
      noisySkips: { count: noisy.length, rows: noisy.slice(0, FORECAST_ROWS).map(row) },
    },
  };
}
