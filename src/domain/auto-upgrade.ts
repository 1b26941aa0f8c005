import {
  channelTarget,
  compareVersions,
  formatVersion,
  type AksChannel,
  type KubeVersion,
} from "./versions.js";

/**
 * When AKS's own auto-upgrade would race Ringmaster for a cluster, and how to say so. One rule for the planner
 * (forecast) and the preflight (just before writing): a Kubernetes channel other than `none`, or a node OS
 * channel that reimages nodes (`NodeImage`, `SecurityPatch`).
 */
export function kubernetesChannelConflict(
  channel: string | undefined,
  current: KubeVersion,
  available: readonly KubeVersion[],
): string | undefined {
  const normalized = (channel ?? "none").toLowerCase();
  if (normalized === "none") return undefined;
  const pick = channelTarget(normalized as AksChannel, current, available);
  const would =
    pick && compareVersions(pick, current) > 0
      ? ` (AKS would take it to ${formatVersion(pick)} on its own)`
      : "";
  return `AKS auto-upgrade channel "${channel}" is set${would}; set upgradeChannel to none so Ringmaster owns upgrades`;
}

export function nodeOsChannelConflict(channel: string | undefined): string | undefined {
  const normalized = (channel ?? "None").toLowerCase();
  if (normalized !== "nodeimage" && normalized !== "securitypatch") return undefined;
  return `AKS node OS channel "${channel}" is set; AKS reimages this cluster on its own. Set nodeOSUpgradeChannel to None so Ringmaster owns node images`;
}

/** The scope of `maxConcurrentPerSubscriptionRegion`. */
export function concurrencyBucket(cluster: { subscriptionId: string; location: string }): string {
  return `${cluster.subscriptionId}|${cluster.location}`.toLowerCase();
}
