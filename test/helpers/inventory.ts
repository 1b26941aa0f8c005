import { clusterRef } from "../../src/domain/cluster-ref.js";
import type { InventoryCluster, InventoryPool } from "../../src/domain/inventory.js";

/** A cluster for planner tests with sensible defaults; override what the test is about. */
export function cluster(name: string, overrides: Partial<InventoryCluster> = {}): InventoryCluster {
  const subscriptionId = overrides.subscriptionId ?? "11111111-1111-1111-1111-111111111111";
  const resourceGroup = overrides.resourceGroup ?? "rg";
  const pools: InventoryPool[] = [
    {
      name: "system",
      mode: "System",
      count: 3,
      // Pools run the control plane's version unless a test says otherwise: "at target" means every pool too.
      orchestratorVersion: overrides.kubernetesVersion ?? "1.30.4",
      nodeImageVersion: "AKSUbuntu-2204gen2containerd-202611.03.0",
      latestNodeImageVersion: "AKSUbuntu-2204gen2containerd-202611.17.0",
    },
  ];
  return {
    id: clusterRef(subscriptionId, resourceGroup, name).id,
    name,
    subscriptionId,
    resourceGroup,
    location: "westeurope",
    tags: { env: "dev" },
    kubernetesVersion: "1.30.4",
    provisioningState: "Succeeded",
    powerState: "Running",
    nodePools: pools,
    windows: {},
    ...overrides,
  };
}
