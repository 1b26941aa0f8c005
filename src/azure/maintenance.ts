import { parseClusterId } from "../domain/cluster-ref.js";
import type { ArmRestClient } from "./arm-rest.js";

/**
 * Microsoft.Maintenance over REST (api-version 2023-04-01): configuration assignments on a managed
 * cluster, and the public configurations. AKS's own windows live in maintenanceConfigurations (aks.ts);
 * assignments found here are legacy state Ringmaster reports.
 */
export const MAINTENANCE_API_VERSION = "2023-04-01";

export interface ConfigurationAssignment {
  readonly id: string;
  readonly name: string;
  readonly location?: string;
  readonly properties: { readonly maintenanceConfigurationId: string; readonly resourceId?: string };
}

export interface PublicMaintenanceConfiguration {
  readonly id: string;
  readonly name: string;
  readonly properties: {
    readonly maintenanceScope?: string;
    readonly maintenanceWindow?: Record<string, string>;
    readonly extensionProperties?: Record<string, string>;
  };
}

export class MaintenanceAdapter {
  constructor(private readonly rest: ArmRestClient) {}

  private base(clusterId: string): string {
    const ref = parseClusterId(clusterId);
    if (!ref) throw new Error(`Maintenance: "${clusterId}" is not a managed cluster id`);
    return `${ref.id}/providers/Microsoft.Maintenance/configurationAssignments`;
  }

  async listAssignments(clusterId: string): Promise<ConfigurationAssignment[]> {
    return (
      await this.rest.get<{ value: ConfigurationAssignment[] }>(this.base(clusterId), MAINTENANCE_API_VERSION)
    ).value;
  }

  getAssignment(clusterId: string, name: string): Promise<ConfigurationAssignment> {
    return this.rest.get(`${this.base(clusterId)}/${encodeURIComponent(name)}`, MAINTENANCE_API_VERSION);
  }

  assign(
    clusterId: string,
    name: string,
    location: string,
    maintenanceConfigurationId: string,
  ): Promise<ConfigurationAssignment> {
    return this.rest.put(`${this.base(clusterId)}/${encodeURIComponent(name)}`, MAINTENANCE_API_VERSION, {
      location,
      properties: { maintenanceConfigurationId },
    });
  }

  unassign(clusterId: string, name: string): Promise<void> {
    return this.rest.delete(`${this.base(clusterId)}/${encodeURIComponent(name)}`, MAINTENANCE_API_VERSION);
  }

  async listPublicConfigurations(subscriptionId: string): Promise<PublicMaintenanceConfiguration[]> {
    return (
      await this.rest.get<{ value: PublicMaintenanceConfiguration[] }>(
        `/subscriptions/${subscriptionId}/providers/Microsoft.Maintenance/publicMaintenanceConfigurations`,
        MAINTENANCE_API_VERSION,
      )
    ).value;
  }
}
