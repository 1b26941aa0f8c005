import { z } from "zod";
import { parseClusterId } from "../domain/cluster-ref.js";
import type { ArmRestClient } from "./arm-rest.js";
import type { CallKind, ThrottleBudget } from "./throttle-budget.js";

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
  /**
   * With a budget, every call takes its ARM token first: the per-cluster fallback lists thousands, and
   * unpaced about half of them drew a 429 first (963 of 2,012 requests at 1,000 clusters).
   */
  constructor(
    private readonly rest: ArmRestClient,
    private readonly budget?: ThrottleBudget,
  ) {}

  private async token(idOrSubscription: string, kind: CallKind): Promise<void> {
    const sub = /^\/subscriptions\/([^/]+)/i.exec(idOrSubscription)?.[1] ?? idOrSubscription;
    await this.budget?.acquire(sub, "*", kind);
  }

  private base(clusterId: string): string {
    const ref = parseClusterId(clusterId);
    if (!ref) throw new Error(`Maintenance: "${clusterId}" is not a managed cluster id`);
    return `${ref.id}/providers/Microsoft.Maintenance/configurationAssignments`;
  }

  async listAssignments(clusterId: string): Promise<ConfigurationAssignment[]> {
    await this.token(clusterId, "read");
    const body = await this.rest.get<unknown>(this.base(clusterId), MAINTENANCE_API_VERSION);
    return checked(AssignmentListSchema, body, `assignments of ${clusterId}`).value;
  }

  async getAssignment(clusterId: string, name: string): Promise<ConfigurationAssignment> {
    await this.token(clusterId, "read");
    return this.rest.get(`${this.base(clusterId)}/${encodeURIComponent(name)}`, MAINTENANCE_API_VERSION);
  }

  async assign(
    clusterId: string,
    name: string,
    location: string,
    maintenanceConfigurationId: string,
  ): Promise<ConfigurationAssignment> {
    await this.token(clusterId, "write");
    return this.rest.put(`${this.base(clusterId)}/${encodeURIComponent(name)}`, MAINTENANCE_API_VERSION, {
      location,
      properties: { maintenanceConfigurationId },
    });
  }

  async unassign(clusterId: string, name: string): Promise<void> {
    await this.token(clusterId, "write");
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
