import { planRollout } from "../domain/planner.js";
import { formatVersion, latestPatchOf, mustParseVersion, parseVersion } from "../domain/versions.js";
import type { SupportPlan, SupportPlanInput } from "../contracts/support-plan.js";
import type { ActivityDeps } from "./deps.js";
import { loadInventory } from "./inventory.js";

/**
 * For a cluster whose version leaves support: the next minor's newest patch in its region, and when the
 * policy would upgrade it there (its ring, window, predicted start) — the plan the urgent notice carries
 * (contracts/support-plan.ts).
 */
export async function planSupportUpgrade(deps: ActivityDeps, input: SupportPlanInput): Promise<SupportPlan> {
  const inventory = await loadInventory(deps, { withNodeImages: false });
  const cluster = inventory.clusters.find((c) => c.id.toLowerCase() === input.clusterId.toLowerCase());
  const name = input.clusterId.split("/").pop() ?? input.clusterId;
  if (!cluster)
    return {
      cluster: name,
      current: "unknown",
      note: `${name} is not in the managed subscriptions (RINGMASTER_SUBSCRIPTION_IDS)`,
    };
  const current = mustParseVersion(cluster.kubernetesVersion);
  const available = (inventory.availableVersions[cluster.location.toLowerCase()] ?? [])
    .map((v) => parseVersion(v))
    .filter((v) => v !== undefined);
  const next = latestPatchOf({ major: current.major, minor: current.minor + 1, patch: 0 }, available);
  if (!next)
    return {
      cluster: name,
      current: cluster.kubernetesVersion,
      note: `no ${current.major}.${current.minor + 1} version is available in ${cluster.location} yet`,
    };
  const target = formatVersion(next);
  const plan = planRollout({
    policy: deps.policy(),
    inventory,
    target: { kind: "kubernetes", version: target },
    now: input.nowMs,
  }).clusters.find((c) => c.clusterId === cluster.id);
  return {
    cluster: name,
    current: cluster.kubernetesVersion,
    target,
    ...(plan
      ? {
          plan: {
            ring: plan.ring,
            status: plan.status,
            predictedStart: plan.predictedStart,
            predictedEnd: plan.predictedEnd,
            reason: plan.reason,
            reasonCode: plan.reasonCode,
          },
        }
      : {}),
  };
}
