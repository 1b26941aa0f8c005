import { agentPoolJson, clusterJson, type SimCluster } from "./aks-state.js";
import { legalUpgrades } from "./aks-rules.js";
import { cmp, minor, minorNumber } from "./sim-versions.js";
import type { World } from "./world.js";

/** What AKS says a cluster or pool can upgrade to: upgrade profiles and the region's Kubernetes versions. */
export function upgradeProfile(world: World, c: SimCluster): Record<string, unknown> {
  const available = world.availableVersions(c.location);
  const upgrades = legalUpgrades(c, available).map((v) => ({ kubernetesVersion: v, isPreview: false }));
  return {
    id: `${clusterJson(c).id as string}/upgradeProfiles/default`,
    name: "default",
    type: "Microsoft.ContainerService/managedClusters/upgradeProfiles",
    properties: {
      controlPlaneProfile: {
        kubernetesVersion: c.currentKubernetesVersion,
        // `name` is "The Agent Pool name" (ManagedClusterPoolUpgradeProfile); the control plane has none.
        // Captured `az aks get-upgrades` output shows null; the REST spec example's "master" is a sample
        // value, and nothing documents "default" here (that is the upgrade profile resource's own name).
        name: null,
        osType: "Linux",
        upgrades,
      },
      agentPoolProfiles: c.pools.map((p) => ({
        kubernetesVersion: p.currentOrchestratorVersion,
        name: p.name,
        osType: "Linux",
        upgrades: available
          .filter((v) => cmp(v, p.currentOrchestratorVersion) > 0 && cmp(v, c.currentKubernetesVersion) <= 0)
          .map((v) => ({ kubernetesVersion: v })),
      })),
    },
  };
}

export function poolUpgradeProfile(
  world: World,
  c: SimCluster,
  p: SimCluster["pools"][number],
): Record<string, unknown> {
  const upgrades = world
    .availableVersions(c.location)
    .filter((v) => cmp(v, p.currentOrchestratorVersion) > 0 && cmp(v, c.currentKubernetesVersion) <= 0);
  return {
    id: `${agentPoolJson(c, p).id as string}/upgradeProfiles/default`,
    name: "default",
    type: "Microsoft.ContainerService/managedClusters/agentPools/upgradeProfiles",
    properties: {
      kubernetesVersion: p.currentOrchestratorVersion,
      osType: "Linux",
      upgrades: upgrades.map((v) => ({ kubernetesVersion: v, isPreview: false })),
      latestNodeImageVersion: world.latestImage(c.location, p.nodeImageVersion),
    },
  };
}

export function kubernetesVersions(available: readonly string[]): Record<string, unknown> {
  const minors = [...new Set(available.map(minor))].sort(cmp);
  const newest = minors[minors.length - 1];
  return {
    values: minors.map((m) => ({
      version: m,
      isDefault: m === (minors[minors.length - 2] ?? newest),
      isPreview: false,
      capabilities: { supportPlan: ["KubernetesOfficial"] },
      patchVersions: Object.fromEntries(
        available
          .filter((v) => minor(v) === m)
          .map((v) => [
            v,
            { upgrades: available.filter((u) => cmp(u, v) > 0 && minorNumber(u) - minorNumber(v) <= 1) },
          ]),
      ),
    })),
  };
}
