import type { CostRow } from "../azure/cost-management.js";
import { parseClusterId } from "../domain/cluster-ref.js";

/**
 * Which cluster a cost row belongs to, and what the check keeps of it. A cluster costs its own resource
 * (the control plane) and everything in its node resource group (ARM's `nodeResourceGroup`, by default
 * `MC_<resourceGroup>_<cluster>_<location>`) — the scale sets, disks, load balancers and addresses AKS
 * creates there. Anything else in the subscription is not a cluster's.
 *
 * Kept per cluster: the daily totals over the history (about 29 numbers) and, per resource, the target
 * day's cost and its history's sum — enough to name the resources that grew, never the rows themselves.
 */
export interface ClusterKey {
  readonly id: string;
  readonly name: string;
  readonly resourceGroup: string;
  readonly location: string;
  /** The cluster's `nodeResourceGroup` as ARM reports it (it can be named at creation). */
  readonly nodeResourceGroup?: string | undefined;
}

/** The cluster's node resource group: as ARM reports it, else AKS's default name. */
export const nodeResourceGroupOf = (c: ClusterKey) =>
  c.nodeResourceGroup ?? `MC_${c.resourceGroup}_${c.name}_${c.location}`;

interface ResourceTally {
  target: number;
  historySum: number;
}

export interface ClusterCosts {
  readonly cluster: ClusterKey;
  /** Daily totals by UTC day (YYYY-MM-DD). */
  readonly daily: Map<string, number>;
  readonly resources: Map<string, ResourceTally>;
  currency: string;
}

const RESOURCE_GROUP = /^\/subscriptions\/[^/]+\/resourcegroups\/([^/]+)\//i;

export class CostAttribution {
  private readonly byClusterId = new Map<string, ClusterCosts>();
  private readonly byNodeGroup = new Map<string, ClusterCosts>();
  /** Rows of the target day seen, so a day whose data has not landed is told from a day of zero cost. */
  targetRows = 0;
  rows = 0;
  unattributed = 0;

  constructor(
    clusters: readonly ClusterKey[],
    private readonly targetDay: string,
  ) {
    for (const c of clusters) {
      const costs: ClusterCosts = { cluster: c, daily: new Map(), resources: new Map(), currency: "USD" };
      this.byClusterId.set(c.id.toLowerCase(), costs);
      this.byNodeGroup.set(nodeResourceGroupOf(c).toLowerCase(), costs);
    }
  }

  /** The cluster a resource's cost counts for, if any. */
  clusterOf(resourceId: string): ClusterCosts | undefined {
    const own = parseClusterId(resourceId);
    if (own) return this.byClusterId.get(own.id.toLowerCase());
    const group = RESOURCE_GROUP.exec(resourceId)?.[1];
    return group ? this.byNodeGroup.get(group.toLowerCase()) : undefined;
  }

  add(rows: readonly CostRow[]): void {
    for (const row of rows) {
      this.rows++;
      if (row.day === this.targetDay) this.targetRows++;
      const c = this.clusterOf(row.resourceId);
      if (!c) {
        this.unattributed++;
        continue;
      }
      c.currency = row.currency;
      c.daily.set(row.day, (c.daily.get(row.day) ?? 0) + row.cost);
      const key = row.resourceId.toLowerCase();
      const tally = c.resources.get(key) ?? { target: 0, historySum: 0 };
      if (row.day === this.targetDay) tally.target += row.cost;
      else if (row.day < this.targetDay) tally.historySum += row.cost;
      c.resources.set(key, tally);
    }
  }

  clusters(): IterableIterator<ClusterCosts> {
    return this.byClusterId.values();
  }
}

/**
 * The resources whose cost rose most on the target day over their mean day of the history (at most five),
 * counting only those that carry at least a fifth of the cluster's excess over its expected cost, so a
 * resource's everyday noise is not named as a cause.
 */
export function grownResources(
  c: ClusterCosts,
  historyDays: number,
  excess: number,
): { resourceId: string; amount: number; usual: number }[] {
  return [...c.resources]
    .map(([resourceId, t]) => ({
      resourceId,
      amount: round(t.target),
      usual: round(historyDays > 0 ? t.historySum / historyDays : 0),
    }))
    .filter((r) => r.amount > r.usual && r.amount - r.usual >= excess / 5)
    .sort((a, b) => b.amount - b.usual - (a.amount - a.usual))
    .slice(0, 5);
}

export const round = (n: number) => Math.round(n * 100) / 100;
