import type { ManagedCluster } from "@azure/arm-containerservice";
import { parseClusterId } from "../domain/cluster-ref.js";
import type { ClusterInfo } from "./aks.js";

/** A managed cluster as the SDK returns it, reduced to what Ringmaster reads (ids parsed, defaults filled). */
export function toClusterInfo(mc: ManagedCluster): ClusterInfo {
  const ref = parseClusterId(mc.id ?? "");
  return {
    id: ref?.id ?? mc.id ?? "",
    name: mc.name ?? ref?.name ?? "",
    subscriptionId: ref?.subscriptionId ?? "",
    resourceGroup: ref?.resourceGroup ?? "",
    location: mc.location,
    tags: { ...(mc.tags ?? {}) },
    kubernetesVersion: mc.kubernetesVersion ?? "",
    currentKubernetesVersion: mc.currentKubernetesVersion ?? mc.kubernetesVersion ?? "",
    provisioningState: mc.provisioningState ?? "Unknown",
    powerState: mc.powerState?.code ?? "Running",
    upgradeChannel: mc.autoUpgradeProfile?.upgradeChannel ?? "none",
    nodeOSUpgradeChannel: mc.autoUpgradeProfile?.nodeOSUpgradeChannel ?? "NodeImage",
    ...(mc.nodeResourceGroup ? { nodeResourceGroup: mc.nodeResourceGroup } : {}),
    ...(mc.status?.provisioningError
      ? {
          provisioningError: {
            code: mc.status.provisioningError.code ?? "",
            message: mc.status.provisioningError.message ?? "",
          },
        }
      : {}),
    pools: (mc.agentPoolProfiles ?? []).map((p) => ({
      name: p.name,
      mode: p.mode ?? "User",
      count: p.count ?? 0,
      orchestratorVersion: p.orchestratorVersion ?? "",
      currentOrchestratorVersion: p.currentOrchestratorVersion ?? p.orchestratorVersion ?? "",
      nodeImageVersion: p.nodeImageVersion ?? "",
      provisioningState: p.provisioningState ?? "Unknown",
    })),
  };
}
