import type { AksAdapter } from "./aks.js";
import type { ClusterInfo } from "./aks-types.js";
import { describeAzureError } from "./errors.js";
import type { ResourceGraphAdapter } from "./resource-graph.js";

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
