import type { MaintenanceConfiguration } from "@azure/arm-containerservice";
import type { ClusterInfo } from "../azure/aks.js";
import { listClusterAssignments, listManagedClusters } from "../azure/cluster-inventory.js";
import type { ClusterAssignment } from "../azure/resource-graph.js";
import type { Inventory, InventoryCluster, WindowSource } from "../domain/inventory.js";
import { imageFamily } from "../domain/inventory.js";
import { nodeImageNewer } from "../domain/node-image-version.js";
import { assignmentWindows, legacyAssignmentsOf } from "./inventory-assignments.js";
import { AksMaintenanceWindowSchema, fromAksWindow, WEEK_DAYS } from "../domain/window-spec.js";
import { STALE_SAMPLE_MAX, type StaleNodeImages } from "../contracts/stale-images.js";
import type { ActivityDeps } from "./deps.js";

/**
 * The fleet as it is now: every cluster of the managed subscriptions with its pools, windows and auto-upgrade
 * settings, the GA versions of each region, and (for node-image rollouts) each pool's latest image.
 */
export async function loadInventory(
  deps: ActivityDeps,
  input: { withNodeImages: boolean; withWindows?: boolean },
): Promise<Inventory> {
  const adapters = deps.adapters();
  const { aks } = adapters;
  const clusters: InventoryCluster[] = [];
  const versions: Record<string, string[]> = {};
  // One paged Resource Graph query for the whole fleet (ARM list per subscription as the fallback).
  const listing = await listManagedClusters(adapters, deps.settings().RINGMASTER_SUBSCRIPTION_IDS);
  // A region offers one newest image per image family: one pool's upgrade profile answers for every pool
  // of that family there (a plan's hint; preflight reads each pool's own profile before writing).
  const newest = new Map<string, Promise<string | undefined>>();
  const latestFor = (c: ClusterInfo, pool: ClusterInfo["pools"][number]) => {
    const key = `${c.subscriptionId}|${c.location}|${imageFamily(pool.nodeImageVersion)}`.toLowerCase();
    let latest = newest.get(key);
    if (!latest) {
      latest = aks.latestNodeImage(c.id, pool.name);
      newest.set(key, latest);
    }
    return latest;
  };
  // Microsoft.Maintenance assignments: one Resource Graph query for the fleet (per-cluster REST as the
  // fallback), and one read per distinct public configuration they name (inventory-assignments.ts).
  const assignments =
    input.withWindows === false
      ? undefined
      : await listClusterAssignments(
          adapters,
          deps.settings().RINGMASTER_SUBSCRIPTION_IDS,
          listing.clusters,
          listing.source === "resourceGraph",
        );
  const publicWindows = assignments ? await assignmentWindows(adapters.maintenance, assignments) : new Map();
  const unreadable = new Map(assignments?.unreadable.map((u) => [u.clusterId.toLowerCase(), u.reason]));
  for (const c of listing.clusters) {
    // Windows cost one list call per cluster; the stale-image scan does not need them.
    const configs = input.withWindows === false ? [] : await aks.listMaintenanceConfigurations(c.id);
    const latest = input.withNodeImages ? await Promise.all(c.pools.map((p) => latestFor(c, p))) : [];
    const legacy = legacyAssignmentsOf(assignments?.byCluster.get(c.id.toLowerCase()), publicWindows);
    clusters.push(toInventoryCluster(c, configs, latest, legacy, unreadable.get(c.id.toLowerCase())));
    const region = c.location.toLowerCase();
    versions[region] ??= await aks.listKubernetesVersions(c.subscriptionId, region);
  }
  return { clusters, availableVersions: versions };
}

/**
 * A cluster as the domain sees it. `legacy` are its `aks-mrp-cfg-*` assignments with their windows: the
 * first one that has a window governs the cluster's upgrades when AKS holds no native configuration for
 * them (aksManagedAutoUpgradeSchedule, or the `default` one that replaced these public configurations).
 * `unreadable` says why its assignments could not be read: without a native configuration its window is
 * then unknown (the planner skips it, WindowUnknown); with one, the native configuration governs anyway.
 */
export function toInventoryCluster(
  c: ClusterInfo,
  configs: readonly MaintenanceConfiguration[],
  latestImages: readonly (string | undefined)[] = [],
  legacy: readonly { assignment: ClusterAssignment; window?: WindowSource | undefined }[] = [],
  unreadable?: string,
): InventoryCluster {
  const byName = new Map(configs.map((m) => [m.name ?? "", m]));
  const native = byName.has("aksManagedAutoUpgradeSchedule") || byName.has("default");
  const fromAssignment = native ? undefined : legacy.find((l) => l.window)?.window;
  return {
    id: c.id,
    name: c.name,
    subscriptionId: c.subscriptionId,
    resourceGroup: c.resourceGroup,
    location: c.location,
    tags: c.tags,
    kubernetesVersion: c.currentKubernetesVersion,
    provisioningState: c.provisioningState,
    powerState: c.powerState,
    upgradeChannel: c.upgradeChannel,
    nodeOSUpgradeChannel: c.nodeOSUpgradeChannel,
    nodePools: c.pools.map((p, i) => ({
      name: p.name,
      mode: p.mode,
      count: p.count,
      orchestratorVersion: p.currentOrchestratorVersion,
      nodeImageVersion: p.nodeImageVersion,
      ...(latestImages[i] ? { latestNodeImageVersion: latestImages[i] } : {}),
    })),
    ...(legacy.length
      ? {
          maintenanceAssignments: legacy.map((l) => ({
            name: l.assignment.name,
            maintenanceConfigurationId: l.assignment.maintenanceConfigurationId,
          })),
        }
      : {}),
    ...(unreadable !== undefined && !native ? { assignmentsUnreadable: unreadable } : {}),
    windows: {
      autoUpgrade: windowOf(byName.get("aksManagedAutoUpgradeSchedule")) ?? fromAssignment,
      nodeOS: windowOf(byName.get("aksManagedNodeOSUpgradeSchedule")),
      default: windowOf(byName.get("default")),
    },
  };
}

const isoDate = (d: Date | string | undefined) =>
  d === undefined ? undefined : typeof d === "string" ? d.slice(0, 10) : d.toISOString().slice(0, 10);

/** An AKS maintenance configuration (SDK model, dates as Date) as a domain window source. */
export function windowOf(config: MaintenanceConfiguration | undefined): WindowSource | undefined {
  if (!config) return undefined;
  const w = config.maintenanceWindow;
  if (w) {
    const parsed = AksMaintenanceWindowSchema.safeParse({
      schedule: w.schedule,
      startTime: w.startTime,
      durationHours: w.durationHours,
      utcOffset: w.utcOffset ?? "+00:00",
      ...(w.startDate ? { startDate: isoDate(w.startDate) } : {}),
      ...(w.notAllowedDates?.length
        ? {
            notAllowedDates: w.notAllowedDates.map((d) => ({
              start: isoDate(d.start)!,
              end: isoDate(d.end)!,
            })),
          }
        : {}),
    });
    // Without a startDate AKS anchors at the configuration's creation date (planned-maintenance docs).
    const created = isoDate(config.systemData?.createdAt);
    return parsed.success ? { kind: "window", spec: fromAksWindow(parsed.data, created) } : undefined;
  }
  if (config.timeInWeek?.length) {
    return {
      kind: "legacy",
      config: {
        timeInWeek: config.timeInWeek
          .filter((t) => t.day && WEEK_DAYS.includes(t.day as (typeof WEEK_DAYS)[number]))
          .map((t) => ({ day: t.day as (typeof WEEK_DAYS)[number], hourSlots: t.hourSlots ?? [] })),
        notAllowedTime: (config.notAllowedTime ?? []).map((t) => ({
          start: new Date(t.start ?? 0).toISOString(),
          end: new Date(t.end ?? 0).toISOString(),
        })),
      },
    };
  }
  return undefined;
}

/** Node pools whose image is older than the newest in their region (AKS emits no event for new images). */
export async function findStaleNodeImages(deps: ActivityDeps): Promise<StaleNodeImages> {
  const inventory = await loadInventory(deps, { withNodeImages: true, withWindows: false });
  const stale = inventory.clusters.flatMap((c) =>
    c.nodePools
      .filter((p) => p.latestNodeImageVersion && nodeImageNewer(p.latestNodeImageVersion, p.nodeImageVersion))
      .map((p) => ({
        clusterId: c.id,
        pool: p.name,
        current: p.nodeImageVersion,
        latest: p.latestNodeImageVersion!,
      })),
  );
  return {
    staleCount: stale.length,
    sample: stale.slice(0, STALE_SAMPLE_MAX),
    families: [...new Set(stale.map((s) => imageFamily(s.latest)))].sort(),
  };
}
