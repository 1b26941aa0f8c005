import type { AksAdapter } from "./aks.js";
import type { ClusterInfo } from "./aks-types.js";
import { describeAzureError } from "./errors.js";
import pLimit from "p-limit";
import type { MaintenanceAdapter } from "./maintenance.js";
import type { ClusterAssignment, ResourceGraphAdapter } from "./resource-graph.js";

/**
 * Where the fleet's clusters are read: one paged Resource Graph query across the managed subscriptions, and,
 * when Resource Graph fails or is not permitted (no Reader on it, a 403; a query it refuses; throttled after
 * every retry), one ARM list per subscription. Which source answered, and why the fallback was taken, is
 * part of the answer, so callers log it.
 */
export interface ClusterListing {
  readonly clusters: ClusterInfo[];
  readonly source: "resourceGraph" | "armList";
  /** Why Resource Graph was not used (present when source is armList). */
  readonly fallbackReason?: string;
}

export async function listManagedClusters(
  adapters: { readonly graph: ResourceGraphAdapter; readonly aks: AksAdapter },
  subscriptions: readonly string[],
): Promise<ClusterListing> {
  if (subscriptions.length === 0) return { clusters: [], source: "resourceGraph" };
  let fallbackReason: string;
  try {
    const clusters = await adapters.graph.managedClusters(subscriptions);
    // Resource Graph also answers for subscriptions given but not managed; keep only the managed ones.
    const managed = new Set(subscriptions.map((s) => s.toLowerCase()));
    return {
      clusters: clusters.filter((c) => managed.has(c.subscriptionId.toLowerCase())),
      source: "resourceGraph",
    };
  } catch (error) {
    const f = describeAzureError(error);
    fallbackReason = f.status === undefined ? f.message : `HTTP ${f.status} ${f.code}: ${f.message}`;
  }
  const perSubscription = await Promise.all(subscriptions.map((s) => adapters.aks.listClusters(s)));
  return { clusters: perSubscription.flat(), source: "armList", fallbackReason };
}

/** Microsoft.Maintenance assignments of the fleet's clusters, by lower-case cluster id, and where they came from. */
export interface AssignmentListing {
  readonly byCluster: ReadonlyMap<string, readonly ClusterAssignment[]>;
  readonly source: "resourceGraph" | "armList";
  readonly fallbackReason?: string;
  /**
   * Clusters whose assignments could not be read (per-cluster list failed): the inventory marks them, and
   * the planner skips those without an AKS-native configuration (WindowUnknown) rather than guess.
   */
  readonly unreadable: readonly { clusterId: string; reason: string }[];
}

/** Per-cluster lists at once in the fallback: 5,000 clusters at 8 at a time, inside ARM's read bucket. */
const ASSIGNMENT_LISTS_IN_PARALLEL = 8;

/**
 * Every cluster's configuration assignments: one paged Resource Graph query of `maintenanceresources` for
 * the fleet (no ARM read per cluster), and, when Resource Graph is not usable (the cluster listing already
 * fell back, or this query fails), one REST list per cluster. A cluster whose list fails is reported
 * (`unreadable`), not thrown: one unreadable cluster must not stop a rollout of thousands, and the planner
 * skips just that cluster until a later inventory reads it.
 */
export async function listClusterAssignments(
  adapters: { readonly graph: ResourceGraphAdapter; readonly maintenance: MaintenanceAdapter },
  subscriptions: readonly string[],
  clusters: readonly { readonly id: string }[],
  graphUsable: boolean,
): Promise<AssignmentListing> {
  const group = (list: readonly ClusterAssignment[]) => {
    const map = new Map<string, ClusterAssignment[]>();
    for (const a of list)
      map.set(a.clusterId.toLowerCase(), [...(map.get(a.clusterId.toLowerCase()) ?? []), a]);
    return map;
  };
  let fallbackReason: string | undefined;
  if (clusters.length === 0) return { byCluster: new Map(), source: "resourceGraph", unreadable: [] };
  if (graphUsable) {
    try {
      return {
        byCluster: group(await adapters.graph.clusterAssignments(subscriptions)),
        source: "resourceGraph",
        unreadable: [],
      };
    } catch (error) {
      const f = describeAzureError(error);
      fallbackReason = f.status === undefined ? f.message : `HTTP ${f.status} ${f.code}: ${f.message}`;
    }
  } else fallbackReason = "the cluster listing came from ARM lists";
  const limit = pLimit(ASSIGNMENT_LISTS_IN_PARALLEL);
  const unreadable: { clusterId: string; reason: string }[] = [];
  const lists = await Promise.all(
    clusters.map((c) =>
      limit(async () => {
        try {
          return (await adapters.maintenance.listAssignments(c.id)).map((a) => ({
            clusterId: c.id,
            name: a.name,
            maintenanceConfigurationId: a.properties.maintenanceConfigurationId,
          }));
        } catch (error) {
          unreadable.push({ clusterId: c.id, reason: describeAzureError(error).message });
          return [];
        }
      }),
    ),
  );
  return { byCluster: group(lists.flat()), source: "armList", fallbackReason, unreadable };
}
