import type { ResourceGraphClient } from "@azure/arm-resourcegraph";
import type { ManagedCluster } from "@azure/arm-containerservice";
import { z } from "zod";
import { toClusterInfo } from "./aks-cluster-info.js";
import type { ClusterInfo } from "./aks-types.js";
import { naming } from "./errors.js";

/**
 * The fleet's managed clusters through Azure Resource Graph: one paged query across all managed
 * subscriptions (1,000 rows a page, so 5,000 clusters are 5 requests) instead of one ARM list per
 * subscription. Rows are validated (zod) and reduced to the same ClusterInfo an ARM read gives. Resource
 * Graph's per-user quota (15 queries per 5 s) answers 429 with a wait; every client carries the throttle
 * retry (retry.ts), which honours it.
 */
export const MANAGED_CLUSTERS_QUERY =
  "resources | where type =~ 'microsoft.containerservice/managedclusters' | project id, name, subscriptionId, resourceGroup, location, tags, properties | order by id asc";

/** Resource Graph's largest page. */
export const GRAPH_PAGE_SIZE = 1000;

/** More pages than this is a service looping on its token, not a fleet (a million clusters). */
const MAX_PAGES = 1000;

const PoolRowSchema = z.object({
  name: z.string({ error: "missing; every agent pool profile has a name" }),
  mode: z.string().optional(),
  count: z.number().optional(),
  orchestratorVersion: z.string().optional(),
  currentOrchestratorVersion: z.string().optional(),
  nodeImageVersion: z.string().optional(),
  provisioningState: z.string().optional(),
});

/** The part of a managed cluster's `resources` row Ringmaster reads (the ARM resource, unflattened). */
export const GraphClusterRowSchema = z.object({
  id: z.string({ error: "missing; expected the cluster's ARM id" }),
  name: z.string({ error: "missing; expected the cluster's name" }),
  location: z.string({ error: "missing; expected the cluster's region" }),
  tags: z.record(z.string(), z.string()).nullish(),
  properties: z.object(
    {
      kubernetesVersion: z.string().optional(),
      currentKubernetesVersion: z.string().optional(),
      nodeResourceGroup: z.string().optional(),
      provisioningState: z.string().optional(),
      powerState: z.object({ code: z.string().optional() }).nullish(),
      autoUpgradeProfile: z
        .object({ upgradeChannel: z.string().optional(), nodeOSUpgradeChannel: z.string().optional() })
        .nullish(),
      agentPoolProfiles: z.array(PoolRowSchema).nullish(),
      status: z
        .object({
          provisioningError: z
            .object({ code: z.string().optional(), message: z.string().optional() })
            .nullish(),
        })
        .nullish(),
    },
    { error: "missing; expected the managed cluster's properties (project properties)" },
  ),
});
export type GraphClusterRow = z.infer<typeof GraphClusterRowSchema>;

export class ResourceGraphAdapter {
  /** The client may be built on first use: the composition root loads the SDK then (cold start, compose.ts). */
  constructor(private readonly client: () => ResourceGraphClient | Promise<ResourceGraphClient>) {}

  /** Every Microsoft.Maintenance assignment on the subscriptions' managed clusters (one paged query). */
  async clusterAssignments(subscriptions: readonly string[]): Promise<ClusterAssignment[]> {
    return naming("Resource Graph query of maintenance assignments", async () =>
      clusterAssignmentsFromGraph(await this.client(), subscriptions),
    );
  }

  /** Every managed cluster of the subscriptions, as of this query (Resource Graph may lag ARM by seconds). */
  async managedClusters(subscriptions: readonly string[]): Promise<ClusterInfo[]> {
    return naming("Resource Graph query of managed clusters", async () => {
      const client = await this.client();
      const out: ClusterInfo[] = [];
      const seen = new Set<string>();
      let skipToken: string | undefined;
      for (let pages = 0; ; pages++) {
        if (pages >= MAX_PAGES) throw new Error(`Resource Graph returned more than ${MAX_PAGES} pages`);
        const page = await client.resources({
          query: MANAGED_CLUSTERS_QUERY,
          subscriptions: [...subscriptions],
          options: { top: GRAPH_PAGE_SIZE, ...(skipToken ? { skipToken } : {}), resultFormat: "objectArray" },
        });
        if (page.resultTruncated === "true" && !page.skipToken)
          throw new Error("Resource Graph truncated the result without a $skipToken to page on");
        const rows = Array.isArray(page.data) ? (page.data as unknown[]) : [];
        rows.forEach((row, i) => out.push(clusterFromRow(row, out.length + i)));
        if (!page.skipToken) return out;
        if (seen.has(page.skipToken)) throw new Error("Resource Graph handed back a $skipToken twice");
        seen.add(page.skipToken);
        skipToken = page.skipToken;
      }
    });
  }
}

/**
 * Microsoft.Maintenance configuration assignments on managed clusters: one paged query of the
 * `maintenanceresources` table for the whole fleet, so reading them costs a handful of Resource Graph
 * queries and no ARM read per cluster.
 */
export const CLUSTER_ASSIGNMENTS_QUERY =
  "maintenanceresources | where type =~ 'microsoft.maintenance/configurationassignments' | where id contains '/providers/microsoft.containerservice/managedclusters/' | project id, name, subscriptionId, properties | order by id asc";

export const GraphAssignmentRowSchema = z.object({
  id: z.string({ error: "missing; expected the assignment's ARM id" }),
  name: z.string({ error: "missing; expected the assignment's name" }),
  properties: z.object(
    {
      maintenanceConfigurationId: z.string({
        error: "missing; expected the id of the maintenance configuration assigned",
      }),
      resourceId: z.string().nullish(),
    },
    { error: "missing; expected the assignment's properties (project properties)" },
  ),
});

/** An assignment on a cluster: the cluster's id as its own id spells it up to `/providers/Microsoft.Maintenance`. */
export interface ClusterAssignment {
  readonly clusterId: string;
  readonly name: string;
  readonly maintenanceConfigurationId: string;
}

export async function clusterAssignmentsFromGraph(
  client: ResourceGraphClient,
  subscriptions: readonly string[],
): Promise<ClusterAssignment[]> {
  const out: ClusterAssignment[] = [];
  const seen = new Set<string>();
  let skipToken: string | undefined;
  for (let pages = 0; ; pages++) {
    if (pages >= MAX_PAGES) throw new Error(`Resource Graph returned more than ${MAX_PAGES} pages`);
    const page = await client.resources({
      query: CLUSTER_ASSIGNMENTS_QUERY,
      subscriptions: [...subscriptions],
      options: { top: GRAPH_PAGE_SIZE, ...(skipToken ? { skipToken } : {}), resultFormat: "objectArray" },
    });
    if (page.resultTruncated === "true" && !page.skipToken)
      throw new Error("Resource Graph truncated the result without a $skipToken to page on");
    const rows = Array.isArray(page.data) ? (page.data as unknown[]) : [];
    rows.forEach((row, i) => {
      const parsed = GraphAssignmentRowSchema.safeParse(row);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        throw new Error(
          `Resource Graph assignment row ${out.length + i}: ${issue.path.join(".") || "row"}: ${issue.message}`,
        );
      }
      const r = parsed.data;
      const cut = r.id.search(/\/providers\/Microsoft\.Maintenance\//i);
      out.push({
        clusterId: r.properties.resourceId ?? (cut > 0 ? r.id.slice(0, cut) : r.id),
        name: r.name,
        maintenanceConfigurationId: r.properties.maintenanceConfigurationId,
      });
    });
    if (!page.skipToken) return out;
    if (seen.has(page.skipToken)) throw new Error("Resource Graph handed back a $skipToken twice");
    seen.add(page.skipToken);
    skipToken = page.skipToken;
  }
}

/** A row as ClusterInfo, through the same reduction an ARM read takes; a malformed row names its field. */
export function clusterFromRow(row: unknown, index: number): ClusterInfo {
  const parsed = GraphClusterRowSchema.safeParse(row);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`Resource Graph row ${index}: ${issue.path.join(".") || "row"}: ${issue.message}`);
  }
  const r = parsed.data;
  const p = r.properties;
  // The SDK's model is flattened (no `.properties`); a row's properties are ARM's, so lift them the same way.
  const mc: ManagedCluster = {
    id: r.id,
    name: r.name,
    location: r.location,
    tags: r.tags ?? {},
    ...(p.kubernetesVersion !== undefined ? { kubernetesVersion: p.kubernetesVersion } : {}),
    ...(p.currentKubernetesVersion !== undefined
      ? { currentKubernetesVersion: p.currentKubernetesVersion }
      : {}),
    ...(p.provisioningState !== undefined ? { provisioningState: p.provisioningState } : {}),
    ...(p.nodeResourceGroup ? { nodeResourceGroup: p.nodeResourceGroup } : {}),
    ...(p.powerState?.code ? { powerState: { code: p.powerState.code } } : {}),
    ...(p.autoUpgradeProfile
      ? {
          autoUpgradeProfile: {
            ...(p.autoUpgradeProfile.upgradeChannel
              ? { upgradeChannel: p.autoUpgradeProfile.upgradeChannel }
              : {}),
            ...(p.autoUpgradeProfile.nodeOSUpgradeChannel
              ? { nodeOSUpgradeChannel: p.autoUpgradeProfile.nodeOSUpgradeChannel }
              : {}),
          },
        }
      : {}),
    ...(p.status?.provisioningError ? { status: { provisioningError: p.status.provisioningError } } : {}),
    agentPoolProfiles: (p.agentPoolProfiles ?? []).map((pool) => ({ ...pool })),
  };
  return toClusterInfo(mc);
}
