import { parseClusterId } from "../domain/cluster-ref.js";
import type { ArmRestClient } from "./arm-rest.js";

/**
 * Azure Monitor: the alerts that fired on a cluster (health gates). Daily cost is Cost Management's
 * (cost-management.ts).
 */
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
