import type { AssignmentListing } from "../azure/cluster-inventory.js";
import { describeAzureError } from "../azure/errors.js";
import type { MaintenanceAdapter } from "../azure/maintenance.js";
import type { ClusterAssignment } from "../azure/resource-graph.js";
import type { Inventory, WindowSource } from "../domain/inventory.js";
import { FORECAST_ROWS, type PlanSummary } from "../contracts/prepared-rollout.js";
import {
  publicConfigNameOf,
  publicConfigWindow,
  type MaintenanceWindowProperties,
} from "../domain/maintenance-assignment-window.js";

/**
 * The windows of the `aks-mrp-cfg-*` public configurations the fleet's assignments name. Each distinct
 * configuration is read once per inventory (there are 50 of them, whatever the fleet size), so its own
 * `maintenanceWindow` is preferred to what its name says; when the read fails, the name answers.
 */
export async function assignmentWindows(
  maintenance: MaintenanceAdapter,
  listing: AssignmentListing,
): Promise<Map<string, WindowSource>> {
  const ids = new Map<string, string>();
  for (const list of listing.byCluster.values())
    for (const a of list) {
      const name = publicConfigNameOf(a.maintenanceConfigurationId);
      if (name && publicConfigWindow(name) && !ids.has(name.toLowerCase()))
        ids.set(name.toLowerCase(), a.maintenanceConfigurationId);
    }
  const out = new Map<string, WindowSource>();
  for (const [key, id] of ids) {
    const name = publicConfigNameOf(id)!;
    const sub = /^\/subscriptions\/([^/]+)\//i.exec(id)?.[1];
    let properties: MaintenanceWindowProperties | undefined;
    try {
      if (sub)
        properties = (await maintenance.getPublicConfiguration(sub, name)).properties.maintenanceWindow;
    } catch (error) {
      // The name carries the window (weekday/weekend, offset); a failed read loses only the refinements.
      console.warn(
        `Inventory: public configuration ${name}: ${describeAzureError(error).message}; using its name`,
      );
    }
    const window = publicConfigWindow(name, properties);
    if (window) out.set(key, { kind: "assignment", window });
  }
  return out;
}

/** A cluster's assignments to AKS public configurations, each with its window (other assignments are not ours). */
export function legacyAssignmentsOf(
  assignments: readonly ClusterAssignment[] | undefined,
  windows: ReadonlyMap<string, WindowSource>,
): { assignment: ClusterAssignment; window?: WindowSource | undefined }[] {
  return (assignments ?? [])
    .map((assignment) => ({ assignment, name: publicConfigNameOf(assignment.maintenanceConfigurationId) }))
    .filter((a) => a.name && publicConfigWindow(a.name))
    .sort((a, b) => a.assignment.name.localeCompare(b.assignment.name))
    .map(({ assignment, name }) => ({ assignment, window: windows.get(name!.toLowerCase()) }));
}

/** The forecast's list of clusters that still carry `aks-mrp-cfg-*` assignments (bounded; absent when none). */
export function legacyAssignmentSummary(inventory: Inventory): Pick<PlanSummary, "legacyAssignments"> {
  const rows = inventory.clusters
    .filter((c) => c.maintenanceAssignments?.length)
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((c) => ({
      name: c.name,
      configuration: c
        .maintenanceAssignments!.map((a) => publicConfigNameOf(a.maintenanceConfigurationId) ?? a.name)
        .join(", "),
      honoured: c.windows.autoUpgrade?.kind === "assignment",
    }));
  return rows.length ? { legacyAssignments: { count: rows.length, rows: rows.slice(0, FORECAST_ROWS) } } : {};
}
