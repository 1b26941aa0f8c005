import { z } from "zod";
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
  readonly type?: string;
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

const AssignmentSchema = z.object({
  id: z.string({ error: "missing; expected the assignment's ARM id" }),
  name: z.string({ error: "missing; expected the assignment's name" }),
  type: z.string().optional(),
  location: z.string().optional(),
  properties: z.object({
    maintenanceConfigurationId: z.string({
      error: "missing; expected the id of the maintenance configuration assigned",
    }),
    resourceId: z.string().optional(),
  }),
});
const AssignmentListSchema = z.object({ value: z.array(AssignmentSchema) });
const PublicConfigSchema = z.object({
  id: z.string(),
  name: z.string(),
  properties: z
    .object({
      maintenanceScope: z.string().optional(),
      maintenanceWindow: z.record(z.string(), z.string()).optional(),
      extensionProperties: z.record(z.string(), z.string()).optional(),
    })
    .default({}),
});

/** A response read against its schema; a malformed one names the field. */
function checked<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new Error(`Maintenance: ${what}: ${issue.path.join(".") || "body"}: ${issue.message}`);
}

export class MaintenanceAdapter {
  constructor(private readonly rest: ArmRestClient) {}

  private base(clusterId: string): string {
    const ref = parseClusterId(clusterId);
    if (!ref) throw new Error(`Maintenance: "${clusterId}" is not a managed cluster id`);
    return `${ref.id}/providers/Microsoft.Maintenance/configurationAssignments`;
  }

  async listAssignments(clusterId: string): Promise<ConfigurationAssignment[]> {
    const body = await this.rest.get<unknown>(this.base(clusterId), MAINTENANCE_API_VERSION);
    return checked(AssignmentListSchema, body, `assignments of ${clusterId}`).value;
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

  /** One public configuration (the same in every subscription; any managed one answers). */
  async getPublicConfiguration(
    subscriptionId: string,
    name: string,
  ): Promise<PublicMaintenanceConfiguration> {
    const body = await this.rest.get<unknown>(
      `/subscriptions/${subscriptionId}/providers/Microsoft.Maintenance/publicMaintenanceConfigurations/${encodeURIComponent(name)}`,
      MAINTENANCE_API_VERSION,
    );
    return checked(PublicConfigSchema, body, `public configuration ${name}`);
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
