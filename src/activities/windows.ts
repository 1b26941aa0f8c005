import type { MaintenanceConfiguration } from "@azure/arm-containerservice";
import { listManagedClusters } from "../azure/cluster-inventory.js";
import { freezeIntervals } from "../domain/freezes.js";
import { assignRings, effectiveRings } from "../domain/rings.js";
import { desiredWindowChanged, readReason } from "../domain/window-reconcile.js";
import { toAksWindow, type AksWindowPayload } from "../domain/window-source.js";
import {
  WRITTEN_ROWS,
  type ApplyRingWindowsInput,
  type RingWindowsResult,
  type WindowChange,
} from "../contracts/ring-windows.js";
import type { ActivityDeps } from "./deps.js";

/**
 * Writes each ring's declared window onto its clusters as AKS maintenance configurations (named zone →
 * the utcOffset in force at the next window; freezes → notAllowedDates), so AKS's own windows agree with
 * Ringmaster's. Runs before a rollout relies on them (every cluster read) and on the reconcile timer, which
 * re-applies offsets when daylight saving time changes them and corrects drift, a different `startDate`
 * included (it is where AKS starts counting intervalWeeks/Days/Months), reading a cluster only when that
 * can matter (domain/window-reconcile.ts): about once a day. Input and result: contracts/ring-windows.ts.
 */
const CONFIG = {
  kubernetes: "aksManagedAutoUpgradeSchedule",
  nodeImage: "aksManagedNodeOSUpgradeSchedule",
} as const;

export async function applyRingWindows(
  deps: ActivityDeps,
  input: ApplyRingWindowsInput,
): Promise<RingWindowsResult> {
  const policy = deps.policy();
  if (!policy.spec.manageWindows)
    return {
      written: [],
      writtenCount: 0,
      unchanged: 0,
      read: 0,
      skipped: 0,
      source: "none (manageWindows is off)",
    };
  const adapters = deps.adapters();
  const { aks } = adapters;
  const freezes = freezeIntervals(policy.spec.freezes);
  const rings = new Map(effectiveRings(policy).map((r) => [r.name, r]));
  const listing = await listManagedClusters(adapters, deps.settings().RINGMASTER_SUBSCRIPTION_IDS);
  const inventoryLike = listing.clusters.map((c) => ({
    ...c,
    kubernetesVersion: c.currentKubernetesVersion,
    nodePools: [],
    windows: {},
  }));
  const assignment = assignRings(policy, inventoryLike);
  const written: WindowChange[] = [];
  let unchanged = 0;
  let read = 0;
  let skipped = 0;
  const since = input.sinceMs;
  for (const [ringName, members] of assignment.byRing) {
    const ring = rings.get(ringName);
    if (!ring?.window) continue;
    const window = ring.window;
    const ringChanged = since !== undefined && desiredWindowChanged(window, freezes, since, input.nowMs);
    for (const c of members) {
      if (!readReason(c.id, ringChanged, input.nowMs, since)) {
        skipped++;
        continue;
      }
      // One list call answers for all of the cluster's configurations (not one GET per configuration).
      read++;
      const configs = await aks.listMaintenanceConfigurations(c.id);
      for (const name of input.kinds.map((k) => CONFIG[k])) {
        const current = configs.find((m) => m.name === name);
        // AKS's startDate is the anchor of its interval counting: a different one is drift.
        const configured = current?.maintenanceWindow?.startDate;
        const desired = toAksWindow(window, input.nowMs, freezes, configured ? day(configured) : undefined);
        const now = describeWindow(desired);
        const was = describe(current);
        if (was === now) {
          unchanged++;
          continue;
        }
        await aks.putMaintenanceConfiguration(c.id, name, { maintenanceWindow: toSdk(desired) });
        written.push({ cluster: c.name, config: name, was, now });
      }
    }
  }
  const source =
    listing.source === "resourceGraph"
      ? "Resource Graph"
      : `ARM list per subscription (Resource Graph failed: ${listing.fallbackReason ?? "unknown"})`;
  return {
    written: input.everyRow ? written : written.slice(0, WRITTEN_ROWS),
    writtenCount: written.length,
    unchanged,
    read,
    skipped,
    source,
  };
}

function toSdk(w: AksWindowPayload): NonNullable<MaintenanceConfiguration["maintenanceWindow"]> {
  // The 25.x serializer calls toISOString() on these dates, so they must be Date objects (UTC midnight).
  return {
    schedule: w.schedule,
    startTime: w.startTime,
    durationHours: w.durationHours,
    utcOffset: w.utcOffset,
    ...(w.startDate ? { startDate: new Date(`${w.startDate}T00:00:00Z`) } : {}),
    ...(w.notAllowedDates
      ? {
          notAllowedDates: w.notAllowedDates.map((d) => ({
            start: new Date(`${d.start}T00:00:00Z`),
            end: new Date(`${d.end}T00:00:00Z`),
          })),
        }
      : {}),
  };
}

function describeWindow(w: AksWindowPayload): string {
  return canonical({
    schedule: w.schedule,
    startTime: w.startTime,
    durationHours: w.durationHours,
    utcOffset: w.utcOffset,
    startDate: w.startDate,
    notAllowedDates: w.notAllowedDates ?? [],
  });
}

/** A date as the SDK hands it back (a Date at UTC midnight, or a string) as "YYYY-MM-DD". */
const day = (d: Date | string) => (typeof d === "string" ? d.slice(0, 10) : d.toISOString().slice(0, 10));

function describe(config: MaintenanceConfiguration | undefined): string {
  const w = config?.maintenanceWindow;
  if (!w) return "none";
  const schedule = Object.fromEntries(
    Object.entries(w.schedule).filter(([, v]) => v !== undefined && v !== null),
  );
  return canonical({
    schedule,
    startTime: w.startTime,
    // AKS's defaults, should a configuration come back without them (REST spec: 24 hours, +00:00).
    durationHours: w.durationHours ?? 24,
    utcOffset: w.utcOffset ?? "+00:00",
    startDate: w.startDate ? day(w.startDate) : undefined,
    notAllowedDates: (w.notAllowedDates ?? []).map((d) => ({ start: day(d.start), end: day(d.end) })),
  });
}

/** JSON with keys sorted at every level: ARM hands properties back in its own order, which is not drift. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>)
            .filter(([, x]) => x !== undefined)
            .sort(([a], [b]) => a.localeCompare(b)),
        )
      : v,
  );
}
