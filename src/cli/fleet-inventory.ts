import { clusterRef } from "../domain/cluster-ref.js";
import type { Inventory, InventoryCluster, WindowSource } from "../domain/inventory.js";
import { publicConfigWindow } from "../domain/maintenance-assignment-window.js";
import { nodeImageNewer } from "../domain/node-image-version.js";
import { AksMaintenanceWindowSchema, fromAksWindow, WeekDaySchema } from "../domain/window-spec.js";
import type { Fleet, FleetCluster } from "../simulator/fleet-schema.js";
import { z } from "zod";

/**
 * A simulated fleet file seen as Ringmaster's inventory at `now`: releases published by then are
 * available, and each pool's latest node image is the newest released in its region by then. This is what
 * the inventory activity would read from Azure at that moment.
 */
export function inventoryFromFleet(fleet: Fleet, now: number): Inventory {
  const released = (list: { version: string; regions: string[]; at: string }[], region: string) =>
    list
      .filter(
        (r) => Date.parse(r.at) <= now && r.regions.some((x) => x.toLowerCase() === region.toLowerCase()),
      )
      .map((r) => r.version);
  const clusters: InventoryCluster[] = [];
  const versions = new Map<string, Set<string>>();
  for (const sub of fleet.subscriptions) {
    for (const c of sub.clusters) {
      const region = c.location.toLowerCase();
      const set = versions.get(region) ?? new Set<string>();
      set.add(c.kubernetesVersion);
      for (const v of released(fleet.releases.kubernetes, region)) set.add(v);
      versions.set(region, set);
      const images = released(fleet.releases.nodeImages, region);
      clusters.push(toCluster(sub.id, c, images));
    }
  }
  return { clusters, availableVersions: Object.fromEntries([...versions].map(([k, v]) => [k, [...v]])) };
}

function toCluster(subscriptionId: string, c: FleetCluster, imagesReleased: string[]): InventoryCluster {
  const ref = clusterRef(subscriptionId, c.resourceGroup, c.name);
  // An aks-mrp-cfg assignment governs only where AKS has no native configuration (activities/inventory.ts).
  const native =
    c.maintenanceConfigurations?.aksManagedAutoUpgradeSchedule ?? c.maintenanceConfigurations?.default;
  const assigned = (c.maintenanceAssignments ?? [])
    .map((a) => publicConfigWindow(a.configuration))
    .find((w) => w !== undefined);
  return {
    id: ref.id,
    name: c.name,
    subscriptionId,
    resourceGroup: c.resourceGroup,
    location: c.location,
    tags: c.tags,
    kubernetesVersion: c.kubernetesVersion,
    provisioningState: "Succeeded",
    powerState: c.powerState,
    upgradeChannel: c.autoUpgradeProfile?.upgradeChannel,
    nodeOSUpgradeChannel: c.autoUpgradeProfile?.nodeOSUpgradeChannel,
    nodePools: c.nodePools.map((p) => {
      const family = p.nodeImageVersion.slice(0, p.nodeImageVersion.lastIndexOf("-"));
      const newest = imagesReleased
        .filter((i) => i.startsWith(`${family}-`))
        .reduce<string | undefined>((best, i) => (best && !nodeImageNewer(i, best) ? best : i), undefined);
      return {
        name: p.name,
        mode: p.mode,
        count: p.count,
        orchestratorVersion: p.orchestratorVersion ?? c.kubernetesVersion,
        nodeImageVersion: p.nodeImageVersion,
        latestNodeImageVersion:
          newest && nodeImageNewer(newest, p.nodeImageVersion) ? newest : p.nodeImageVersion,
      };
    }),
    ...(c.maintenanceAssignments?.length
      ? {
          maintenanceAssignments: c.maintenanceAssignments.map((a) => ({
            name: a.name ?? a.configuration,
            maintenanceConfigurationId: `/subscriptions/${subscriptionId}/providers/Microsoft.Maintenance/publicMaintenanceConfigurations/${a.configuration}`,
          })),
        }
      : {}),
    windows: {
      autoUpgrade:
        windowSource(c.maintenanceConfigurations?.aksManagedAutoUpgradeSchedule) ??
        (!native && assigned ? { kind: "assignment", window: assigned } : undefined),
      nodeOS: windowSource(c.maintenanceConfigurations?.aksManagedNodeOSUpgradeSchedule),
      default: windowSource(c.maintenanceConfigurations?.default),
    },
  };
}

const LegacySchema = z.object({
  timeInWeek: z.array(z.object({ day: WeekDaySchema, hourSlots: z.array(z.number().int().min(0).max(23)) })),
  notAllowedTime: z.array(z.object({ start: z.string(), end: z.string() })).optional(),
});

/** Reads one AKS maintenance configuration; throws with the field path when it is not valid. */
export function windowSource(config: Record<string, unknown> | undefined): WindowSource | undefined {
  if (!config) return undefined;
  if (config.maintenanceWindow)
    return {
      kind: "window",
      spec: fromAksWindow(AksMaintenanceWindowSchema.parse(config.maintenanceWindow)),
    };
  if (config.timeInWeek) return { kind: "legacy", config: LegacySchema.parse(config) };
  return undefined;
}
