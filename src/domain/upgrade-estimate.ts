import { nodeCount, type InventoryCluster } from "./inventory.js";
import type { Policy } from "./policy-schema.js";

/**
 * How long an upgrade is expected to take, from the policy's estimates: the control plane plus each node
 * for a Kubernetes upgrade; each node of the pools that change for a node-image upgrade.
 */
const MINUTE = 60_000;

export function kubernetesUpgradeMs(est: Policy["spec"]["estimates"], cluster: InventoryCluster): number {
  return (est.controlPlaneMinutes + est.perNodeMinutes * nodeCount(cluster)) * MINUTE;
}

export function nodeImageUpgradeMs(
  est: Policy["spec"]["estimates"],
  stalePools: readonly { readonly count: number }[],
): number {
  const perNode = est.nodeImagePerNodeMinutes ?? est.perNodeMinutes;
  return perNode * stalePools.reduce((n, p) => n + p.count, 0) * MINUTE;
}
