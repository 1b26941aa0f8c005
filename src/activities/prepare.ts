import { concurrencyBucket } from "../domain/auto-upgrade.js";
import { freezeIntervals } from "../domain/freezes.js";
import { chooseWindow, planRollout, type PlanTarget } from "../domain/planner.js";
import { effectiveRings } from "../domain/rings.js";
import type { PreparedRollout, PrepareRolloutInput } from "../contracts/prepared-rollout.js";
import type { ClusterUpgradeInput } from "../contracts/workflow-inputs.js";
import type { ActivityDeps } from "./deps.js";
import { loadInventory } from "./inventory.js";

/**
 * Everything a rollout decides before it starts, done once in an activity so its result is recorded in
 * history instead of being recomputed on every replay: the inventory, the plan (forecast) and, per ring,
 * the input of each cluster workflow (window source, predicted duration, retries). Its shape is the
 * contract's (contracts/prepared-rollout.ts).
 */
export async function prepareRollout(
  deps: ActivityDeps,
  input: PrepareRolloutInput,
): Promise<PreparedRollout> {
  const policy = deps.policy();
  const inventory = await loadInventory(deps, { withNodeImages: input.kind === "nodeImage" });
  const target: PlanTarget =
    input.kind === "kubernetes" ? { kind: "kubernetes", version: input.target } : { kind: "nodeImage" };
  const plan = planRollout({ policy, inventory, target, now: input.nowMs });
  const rings = effectiveRings(policy);
  const blocked = freezeIntervals(policy.spec.freezes).map((f) => ({ start: f.start, end: f.end }));
  const slowPollMs = policy.spec.defaults.slowPoll.ms;
  const byId = new Map(inventory.clusters.map((c) => [c.id, c]));
  return {
    plan,
    settings: {
      manageWindows: policy.spec.manageWindows,
      baseUrl: deps.publicBaseUrl(),
      rolloutApproval: {
        timeoutMs: policy.spec.versions.approval.timeout.ms,
        onTimeout: policy.spec.versions.approval.onTimeout,
      },
      rings: rings.map((r) => ({
        name: r.name,
        approvalRequired: r.approval.required,
        approvalTimeoutMs: r.approval.timeoutMs,
        onTimeout: r.approval.onTimeout,
        cap: r.maxConcurrentPerSubscriptionRegion,
        failureBudget: r.failureBudget,
        soakMs: r.soakMs,
        gates: r.gates,
        notify: r.notify,
      })),
    },
    rings: rings.map((ring) => ({
      name: ring.name,
      clusters: plan.clusters
        .filter((c) => c.ring === ring.name && c.status === "scheduled")
        .map((c) => {
          const cluster = byId.get(c.clusterId)!;
          const window = chooseWindow(cluster, ring, policy, input.kind).window;
          return {
            rolloutId: input.rolloutId,
            runId: plan.now,
            ring: ring.name,
            clusterId: c.clusterId,
            name: c.name,
            bucket: concurrencyBucket(c),
            kind: input.kind,
            target: input.target,
            pinnedImages: {},
            durationMs: c.durationMinutes * 60_000,
            window: window ? (JSON.parse(JSON.stringify(window)) as ClusterUpgradeInput["window"]) : null,
            blocked,
            notBefore: input.nowMs,
            horizonEnd: Date.parse(plan.horizonEnd),
            retries: ring.retries,
            slowPollMs,
          };
        }),
    })),
  };
}
