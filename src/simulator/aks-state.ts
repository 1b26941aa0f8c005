import type { Fleet } from "./fleet-schema.js";

/**
 * The simulated managed clusters: what AKS would hold for each, and how it renders on the wire
 * (api-version 2026-06-01 shapes: `properties` nested, as the REST API sends them).
 */
export interface SimPool {
  readonly name: string;
  mode: string;
  count: number;
  orchestratorVersion: string;
  currentOrchestratorVersion: string;
  nodeImageVersion: string;
  provisioningState: string;
  maxSurge: string;
}

export interface SimCluster {
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly name: string;
  readonly location: string;
  tags: Record<string, string>;
  kubernetesVersion: string;
  currentKubernetesVersion: string;
  provisioningState: string;
  powerState: "Running" | "Stopped";
  upgradeChannel: string;
  nodeOSUpgradeChannel: string;
  readonly pools: SimPool[];
  readonly maintenanceConfigs: Map<string, Record<string, unknown>>;
  deprecatedApiUsage: boolean;
  provisioningError: { code: string; message: string } | undefined;
  /** Id of the operation running on this cluster or one of its pools; AKS allows one at a time. */
  runningOperation: string | undefined;
  eTag: string;
}

export const clusterKey = (sub: string, rg: string, name: string) => `${sub}/${rg}/${name}`.toLowerCase();
// A cluster's identity fields are readonly, so its key is computed once: World.cluster compares it with
// every cluster's on each request (1,000 clusters read one by one cost 0.7 s of key building).
const keys = new WeakMap<SimCluster, string>();
export const keyOf = (c: SimCluster): string => {
  let key = keys.get(c);
  if (key === undefined) {
    key = clusterKey(c.subscriptionId, c.resourceGroup, c.name);
    keys.set(c, key);
  }
  return key;
};
/** Where AKS's concurrent operations are counted in the summary: `subscriptionId/region`. */
export const inFlightScope = (c: Pick<SimCluster, "subscriptionId" | "location">) =>
  `${c.subscriptionId}/${c.location}`.toLowerCase();

export function clusterId(c: Pick<SimCluster, "subscriptionId" | "resourceGroup" | "name">): string {
  return `/subscriptions/${c.subscriptionId}/resourceGroups/${c.resourceGroup}/providers/Microsoft.ContainerService/managedClusters/${c.name}`;
}

export function clustersFromFleet(fleet: Fleet): SimCluster[] {
  return fleet.subscriptions.flatMap((sub) =>
    sub.clusters.map((c) => ({
      subscriptionId: sub.id,
      resourceGroup: c.resourceGroup,
      name: c.name,
      location: c.location.toLowerCase(),
      tags: { ...c.tags },
      kubernetesVersion: c.kubernetesVersion,
      currentKubernetesVersion: c.kubernetesVersion,
      provisioningState: "Succeeded",
      powerState: c.powerState,
      upgradeChannel: c.autoUpgradeProfile?.upgradeChannel ?? "none",
      // A fleet file that declares no autoUpgradeProfile describes a cluster whose owner turned AKS's own
      // upgrades off; only clusters that declare a channel conflict with Ringmaster.
      nodeOSUpgradeChannel: c.autoUpgradeProfile?.nodeOSUpgradeChannel ?? "None",
      pools: c.nodePools.map((p) => ({
        name: p.name,
        mode: p.mode,
        count: p.count,
        orchestratorVersion: p.orchestratorVersion ?? c.kubernetesVersion,
        currentOrchestratorVersion: p.orchestratorVersion ?? c.kubernetesVersion,
        nodeImageVersion: p.nodeImageVersion,
        provisioningState: "Succeeded",
        maxSurge: p.maxSurge ?? "10%",
      })),
      maintenanceConfigs: new Map(
        Object.entries(c.maintenanceConfigurations ?? {}).map(([k, v]) => [k, { ...v }]),
      ),
      deprecatedApiUsage: c.deprecatedApiUsage ?? false,
      provisioningError: undefined,
      runningOperation: undefined,
      eTag: etag(),
    })),
  );
}

let etagCounter = 0;

/** Moves the eTag sequence past a saved one, so a resumed world never hands out an eTag it gave before. */
export function etagsAfter(saved: string): void {
  const n = Number.parseInt(/^"?([0-9a-f]{8})-/.exec(saved)?.[1] ?? "0", 16);
  if (Number.isFinite(n) && n > etagCounter) etagCounter = n;
}

export function etag(): string {
  etagCounter++;
  return `"${etagCounter.toString(16).padStart(8, "0")}-0000-0000-0000-000000000000"`;
}

export function poolJson(p: SimPool, nested: boolean): Record<string, unknown> {
  const props = {
    count: p.count,
    vmSize: "Standard_D4ds_v5",
    osType: "Linux",
    osSKU: "Ubuntu",
    type: "VirtualMachineScaleSets",
    mode: p.mode,
    orchestratorVersion: p.orchestratorVersion,
    currentOrchestratorVersion: p.currentOrchestratorVersion,
    nodeImageVersion: p.nodeImageVersion,
    provisioningState: p.provisioningState,
    powerState: { code: "Running" },
    upgradeSettings: { maxSurge: p.maxSurge },
  };
  return nested ? { name: p.name, ...props } : props;
}

export function clusterJson(c: SimCluster): Record<string, unknown> {
  return {
    id: clusterId(c),
    name: c.name,
    type: "Microsoft.ContainerService/ManagedClusters",
    location: c.location,
    tags: c.tags,
    eTag: c.eTag,
    sku: { name: "Base", tier: "Standard" },
    properties: {
      provisioningState: c.provisioningState,
      powerState: { code: c.powerState },
      kubernetesVersion: c.kubernetesVersion,
      currentKubernetesVersion: c.currentKubernetesVersion,
      dnsPrefix: c.name,
      nodeResourceGroup: `MC_${c.resourceGroup}_${c.name}_${c.location}`,
      fqdn: `${c.name}-dns.hcp.${c.location}.azmk8s.io`,
      agentPoolProfiles: c.pools.map((p) => poolJson(p, true)),
      autoUpgradeProfile: { upgradeChannel: c.upgradeChannel, nodeOSUpgradeChannel: c.nodeOSUpgradeChannel },
      supportPlan: "KubernetesOfficial",
      ...(c.provisioningError ? { status: { provisioningError: c.provisioningError } } : {}),
    },
  };
}

export function agentPoolJson(c: SimCluster, p: SimPool): Record<string, unknown> {
  return {
    id: `${clusterId(c)}/agentPools/${p.name}`,
    name: p.name,
    type: "Microsoft.ContainerService/managedClusters/agentPools",
    properties: poolJson(p, false),
  };
}

export function maintenanceConfigJson(
  c: SimCluster,
  name: string,
  properties: Record<string, unknown>,
): Record<string, unknown> {
  return {
    id: `${clusterId(c)}/maintenanceConfigurations/${name}`,
    name,
    type: "Microsoft.ContainerService/managedClusters/maintenanceConfigurations",
    properties,
  };
}
