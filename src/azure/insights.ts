import { parseClusterId } from "../domain/cluster-ref.js";
import type { ArmRestClient } from "./arm-rest.js";

/**
 * Fleet-wide reads besides the inventory (Resource Graph, resource-graph.ts): Cost Management for daily
 * cost per cluster, and Azure Monitor for the alerts that fired on a cluster (health gates).
 */
export interface DailyCost {
  readonly clusterId: string;
  readonly day: string;
  readonly cost: number;
  readonly currency: string;
}

export class CostAdapter {
  constructor(private readonly rest: ArmRestClient) {}

  /** Daily actual cost per resource between two dates (inclusive), for one subscription. */
  async dailyCosts(subscriptionId: string, from: string, to: string): Promise<DailyCost[]> {
    const result = await this.rest.post<{ properties: { columns: { name: string }[]; rows: unknown[][] } }>(
      `/subscriptions/${subscriptionId}/providers/Microsoft.CostManagement/query`,
      "2023-11-01",
      {
        type: "ActualCost",
        timeframe: "Custom",
        timePeriod: { from: `${from}T00:00:00Z`, to: `${to}T23:59:59Z` },
        dataset: {
          granularity: "Daily",
          aggregation: { totalCost: { name: "Cost", function: "Sum" } },
          grouping: [{ type: "Dimension", name: "ResourceId" }],
        },
      },
    );
    const cols = result.properties.columns.map((c) => c.name.toLowerCase());
    const at = (name: string) => cols.indexOf(name.toLowerCase());
    return result.properties.rows
      .map((row) => {
        const date = String(row[at("UsageDate")]);
        return {
          clusterId: String(row[at("ResourceId")]),
          day: `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}`,
          cost: Number(row[at("Cost")]),
          currency: typeof row[at("Currency")] === "string" ? (row[at("Currency")] as string) : "USD",
        };
      })
      .filter((r) => parseClusterId(r.clusterId) !== undefined);
  }
}

export interface FiredAlert {
  readonly id: string;
  readonly rule: string;
  readonly severity: string;
  readonly condition: string;
  readonly startDateTime: string;
}

export class AlertsAdapter {
  constructor(private readonly rest: ArmRestClient) {}

  /** Alerts on a cluster in the last `hours` (Azure Monitor's timeRange: 1h, 1d, 7d, 30d). */
  async firedAlerts(clusterId: string, hours: number): Promise<FiredAlert[]> {
    const ref = parseClusterId(clusterId);
    if (!ref) throw new Error(`Alerts: "${clusterId}" is not a managed cluster id`);
    const timeRange = hours <= 1 ? "1h" : hours <= 24 ? "1d" : hours <= 168 ? "7d" : "30d";
    const result = await this.rest.get<{
      value: {
        id: string;
        name: string;
        properties: {
          essentials: {
            severity: string;
            monitorCondition: string;
            startDateTime: string;
            alertRule?: string;
          };
        };
      }[];
    }>(
      `/subscriptions/${ref.subscriptionId}/providers/Microsoft.AlertsManagement/alerts`,
      "2019-05-05-preview",
      { targetResource: ref.id, timeRange },
    );
    return result.value.map((a) => ({
      id: a.id,
      rule: a.properties.essentials.alertRule ?? a.name,
      severity: a.properties.essentials.severity,
      condition: a.properties.essentials.monitorCondition,
      startDateTime: a.properties.essentials.startDateTime,
    }));
  }
}
