import type { InvocationContext } from "@azure/functions";
import { listManagedClusters } from "../azure/cluster-inventory.js";
import { ClusterResultSchema } from "../contracts/cluster-results.js";
import type {
  ClusterOperation,
  CostAnomaly,
  CostCheckInput,
  CostCheckResult,
} from "../contracts/cost-anomalies.js";
import type { InstancePort } from "../contracts/durable-port.js";
import { clusterInstanceId } from "../contracts/instance-ids.js";
import { ClusterUpgradeInputSchema } from "../contracts/workflow-inputs.js";
import { addDays, judgeDailyCost } from "../domain/cost-baseline.js";
import { CostAttribution, grownResources, round, type ClusterCosts } from "./cost-attribution.js";
import type { ActivityDeps } from "./deps.js";

/**
 * The daily check of one spend day: per managed subscription one Cost Management query (paged) of the
 * day and the `historyDays` before it, grouped by resource; rows attributed to clusters
 * (cost-attribution.ts) and folded into per-cluster daily totals as the pages arrive; each cluster judged
 * against its own baseline (domain/cost-baseline.ts). Only anomalies leave the activity, each with the
 * resources that grew and Ringmaster's own operations on the cluster around that day. A subscription
 * whose rows for the day have not landed yet is named in `pending`, so the workflow asks again later.
 */
export async function findCostAnomalies(
  deps: ActivityDeps,
  input: CostCheckInput,
  context: InvocationContext,
): Promise<CostCheckResult> {
  const t = deps.policy().spec.cost.anomaly;
  const adapters = deps.adapters();
  const managed = deps.settings().RINGMASTER_SUBSCRIPTION_IDS;
  const wanted = new Set((input.subscriptions ?? managed).map((s) => s.toLowerCase()));
  const listing = await listManagedClusters(adapters, managed);
  const from = addDays(input.day, -t.historyDays);
  const result = { checked: 0, insufficient: 0, rows: 0, pages: 0 };
  const pending: string[] = [];
  const anomalies: (CostAnomaly & { excess: number })[] = [];
  for (const sub of managed.filter((s) => wanted.has(s.toLowerCase()))) {
    const clusters = listing.clusters.filter((c) => c.subscriptionId.toLowerCase() === sub.toLowerCase());
    if (clusters.length === 0) continue;
    const tally = new CostAttribution(clusters, input.day);
    for await (const page of adapters.cost.dailyCostPages(sub, from, input.day)) {
      result.pages++;
      tally.add(page);
    }
    result.rows += tally.rows;
    // No row at all for the day: its usage has not landed (a cluster costs something every day it exists).
    if (tally.targetRows === 0) {
      pending.push(sub);
      continue;
    }
    for (const c of tally.clusters()) {
      const amount = c.daily.get(input.day);
      if (amount === undefined) continue;
      const history = [...c.daily].map(([day, cost]) => ({ day, cost }));
      const j = judgeDailyCost(history, { day: input.day, cost: amount }, t);
      if (j.verdict === "insufficient") {
        result.insufficient++;
        continue;
      }
      result.checked++;
      if (j.verdict === "anomaly")
        anomalies.push({
          ...anomalyOf(c, input.day, amount, j, j.historyDays),
          excess: amount - j.expected,
        });
    }
  }
  anomalies.sort((a, b) => b.excess - a.excess);
  const listed = anomalies.slice(0, t.maxPerDay);
  const durable = deps.durable(context);
  const withOperations = await Promise.all(
    listed.map(async ({ excess: _excess, ...a }) => ({
      ...a,
      operations: await operationsAround(durable, a.clusterId, input.day),
    })),
  );
  return {
    day: input.day,
    ...result,
    pending,
    anomalies: withOperations,
    more: anomalies.length - listed.length,
  };
}

function anomalyOf(
  c: ClusterCosts,
  day: string,
  amount: number,
  j: { expected: number; low: number; high: number },
  historyDays: number,
): CostAnomaly {
  return {
    clusterId: c.cluster.id,
    name: c.cluster.name,
    day,
    amount: round(amount),
    currency: c.currency,
    expected: round(j.expected),
    low: round(j.low),
    high: round(j.high),
    historyDays,
    grown: grownResources(c, historyDays, amount - j.expected),
    operations: [],
  };
}

const HOUR_MS = 3_600_000;

/**
 * Ringmaster's operations on the cluster in the 48 hours up to the end of the spend day: its cluster
 * workflow (instance `cluster:<sub>:<rg>:<name>`, one per cluster at a time) — the upgrade's rollout,
 * kind, target, outcome and times, from the instance's input and output as the durable store keeps them.
 */
export async function operationsAround(
  durable: InstancePort,
  clusterId: string,
  day: string,
): Promise<ClusterOperation[]> {
  const id = clusterInstanceId(clusterId);
  if (!id) return [];
  const view = await durable.describe(id);
  if (!view) return [];
  const input = ClusterUpgradeInputSchema.safeParse(view.input);
  if (!input.success) return [];
  const output = ClusterResultSchema.safeParse(view.output);
  const end = Date.parse(`${day}T00:00:00Z`) + 24 * HOUR_MS;
  const begin = end - 48 * HOUR_MS;
  const started = Date.parse(output.data?.start ?? view.createdTime ?? "");
  const ended = Date.parse(output.data?.end ?? view.lastUpdatedTime ?? "");
  // A workflow still running (or that never wrote a start) overlaps from its creation on.
  const from = Number.isNaN(started) ? Date.parse(view.createdTime ?? "") : started;
  const to = Number.isNaN(ended) || !output.success ? end : ended;
  if (Number.isNaN(from) || from >= end || to < begin) return [];
  return [
    {
      kind: input.data.kind,
      target: input.data.target,
      rollout: input.data.rolloutId,
      ring: input.data.ring,
      status: output.success ? output.data.status : view.runtimeStatus,
      ...(output.data?.start ? { start: output.data.start } : {}),
      ...(output.data?.end ? { end: output.data.end } : {}),
    },
  ];
}
