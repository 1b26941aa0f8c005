import type { Command } from "commander";
import type { MaintenanceConfiguration } from "@azure/arm-containerservice";
import { composeAdapters, type Adapters } from "../../azure/compose.js";
import { listClusterAssignments, listManagedClusters } from "../../azure/cluster-inventory.js";
import { describeAzureError } from "../../azure/errors.js";
import type { ClusterAssignment } from "../../azure/resource-graph.js";
import { parseSettings } from "../../config/settings.js";
import {
  migratedWindow,
  publicConfigNameOf,
  publicConfigWindow,
  type MaintenanceWindowProperties,
} from "../../domain/maintenance-assignment-window.js";
import type { CliIo } from "../main.js";

/**
 * `ringmaster windows migrate [--apply]`: turns each managed cluster's Microsoft.Maintenance assignment to
 * an AKS public configuration (`aks-mrp-cfg-*`, legacy) into the AKS-native `aksManagedAutoUpgradeSchedule`
 * it stands for, then deletes the assignment, one cluster at a time, against the ARM endpoint of the
 * settings (RINGMASTER_MODE / RINGMASTER_ARM_ENDPOINT / RINGMASTER_SUBSCRIPTION_IDS, as the app reads them).
 * A dry run (the default) reads only. The AKS configuration is written first and read back before the
 * assignment goes, so a failure in between leaves the cluster with both (never with neither).
 */
export type MigrationOutcome =
  | {
      readonly cluster: string;
      readonly status: "migrated" | "wouldMigrate";
      readonly assignment: string;
      readonly configuration: string;
      readonly maintenanceWindow: NonNullable<ReturnType<typeof migratedWindow>>["maintenanceWindow"];
      readonly nightsDropped: readonly string[];
    }
  | { readonly cluster: string; readonly status: "skipped" | "failed"; readonly reason: string };

const AUTO_UPGRADE = "aksManagedAutoUpgradeSchedule";

export function registerWindowsMigrateCommand(
  windows: Command,
  io: CliIo,
  setExit: (code: number) => void,
): void {
  windows
    .command("migrate")
    .description(
      "Turn Microsoft.Maintenance aks-mrp-cfg-* assignments into AKS aksManagedAutoUpgradeSchedule configurations (dry run unless --apply)",
    )
    .option("--apply", "write the AKS configurations and delete the assignments (default: dry run)")
    .option("--cluster <name...>", "only these clusters (names)")
    .option("--json", "print the summary as JSON")
    .action(async (opts: { apply?: boolean; cluster?: string[]; json?: boolean }) => {
      let adapters: Adapters;
      let subscriptions: readonly string[];
      try {
        const settings = parseSettings(process.env);
        adapters = composeAdapters(settings);
        subscriptions = settings.RINGMASTER_SUBSCRIPTION_IDS;
      } catch (error) {
        io.err(`ringmaster windows migrate: ${error instanceof Error ? error.message : String(error)}\n`);
        return setExit(2);
      }
      const only = opts.cluster ? new Set(opts.cluster.map((c) => c.toLowerCase())) : undefined;
      let outcomes: MigrationOutcome[];
      try {
        outcomes = await migrateAssignments(adapters, subscriptions, {
          apply: opts.apply === true,
          only,
          progress: (o) => {
            if (!opts.json) io.out(`${describeOutcome(o)}\n`);
          },
        });
      } catch (error) {
        io.err(`ringmaster windows migrate: ${describeAzureError(error).message}\n`);
        return setExit(1);
      }
      const count = (s: MigrationOutcome["status"]) => outcomes.filter((o) => o.status === s).length;
      const summary = {
        mode: opts.apply ? "apply" : "dryRun",
        migrated: count(opts.apply ? "migrated" : "wouldMigrate"),
        skipped: count("skipped"),
        failed: count("failed"),
        clusters: outcomes,
      };
      if (opts.json) io.out(`${JSON.stringify(summary, null, 2)}\n`);
      else
        io.out(
          `${opts.apply ? "Migrated" : "Would migrate (dry run; --apply writes)"}: ${summary.migrated}; skipped: ${summary.skipped}; failed: ${summary.failed}\n`,
        );
      if (summary.failed > 0) setExit(1);
    });
}

function describeOutcome(o: MigrationOutcome): string {
  if (!("maintenanceWindow" in o)) return `${o.status} ${o.cluster}: ${o.reason}`;
  const w = o.maintenanceWindow;
  const night = `${w.schedule.weekly.dayOfWeek}s ${w.startTime} for ${w.durationHours} h at ${w.utcOffset}`;
  const dropped = o.nightsDropped.length
    ? ` (AKS weekly schedules take one day: ${o.nightsDropped.join(", ")} nights are dropped)`
    : "";
  return `${o.status === "migrated" ? "migrated" : "would migrate"} ${o.cluster}: ${o.configuration} (assignment ${o.assignment}) → ${AUTO_UPGRADE} weekly ${night}${dropped}; the assignment ${o.status === "migrated" ? "was" : "would be"} deleted`;
}

/** Every cluster with an `aks-mrp-cfg-*` assignment, migrated (or, in a dry run, planned) one at a time. */
export async function migrateAssignments(
  adapters: Adapters,
  subscriptions: readonly string[],
  o: {
    readonly apply: boolean;
    readonly only?: ReadonlySet<string> | undefined;
    readonly progress?: (outcome: MigrationOutcome) => void;
  },
): Promise<MigrationOutcome[]> {
  const listing = await listManagedClusters(adapters, subscriptions);
  const clusters = listing.clusters
    .filter((c) => !o.only || o.only.has(c.name.toLowerCase()))
    .sort((a, b) => a.name.localeCompare(b.name));
  const assignments = await listClusterAssignments(
    adapters,
    subscriptions,
    clusters,
    listing.source === "resourceGraph",
  );
  const outcomes: MigrationOutcome[] = [];
  const windows = new Map<string, MaintenanceWindowProperties | undefined>();
  for (const c of clusters) {
    const legacy = (assignments.byCluster.get(c.id.toLowerCase()) ?? []).filter((a) => {
      const name = publicConfigNameOf(a.maintenanceConfigurationId);
      return name !== undefined && publicConfigWindow(name) !== undefined;
    });
    const unreadable = assignments.unreadable.find((u) => u.clusterId === c.id);
    if (unreadable) {
      const outcome = {
        cluster: c.name,
        status: "failed" as const,
        reason: `assignments: ${unreadable.reason}`,
      };
      outcomes.push(outcome);
      o.progress?.(outcome);
      continue;
    }
    if (legacy.length === 0) continue;
    const outcome = await migrateOne(adapters, c, legacy, o.apply, windows);
    outcomes.push(outcome);
    o.progress?.(outcome);
  }
  return outcomes;
}

async function migrateOne(
  adapters: Adapters,
  c: { readonly id: string; readonly name: string },
  legacy: readonly ClusterAssignment[],
  apply: boolean,
  windows: Map<string, MaintenanceWindowProperties | undefined>,
): Promise<MigrationOutcome> {
  const skip = (reason: string): MigrationOutcome => ({ cluster: c.name, status: "skipped", reason });
  const fail = (reason: string): MigrationOutcome => ({ cluster: c.name, status: "failed", reason });
  if (legacy.length > 1)
    return skip(
      `${legacy.length} aks-mrp-cfg assignments (${legacy.map((a) => a.name).join(", ")}); AKS takes one auto-upgrade window: delete all but one and run again`,
    );
  const assignment = legacy[0]!;
  const name = publicConfigNameOf(assignment.maintenanceConfigurationId)!;
  let configs: MaintenanceConfiguration[];
  try {
    configs = await adapters.aks.listMaintenanceConfigurations(c.id);
  } catch (error) {
    return fail(`reading its AKS maintenance configurations: ${describeAzureError(error).message}`);
  }
  const native = configs.find((m) => m.name === AUTO_UPGRADE || m.name === "default");
  if (native)
    return skip(
      `it has the AKS configuration "${native.name}", which governs it already (the assignment ${assignment.name} is not used): review it, then delete the assignment`,
    );
  if (!windows.has(name.toLowerCase())) {
    const sub = /^\/subscriptions\/([^/]+)\//i.exec(assignment.maintenanceConfigurationId)?.[1];
    try {
      windows.set(
        name.toLowerCase(),
        sub
          ? (await adapters.maintenance.getPublicConfiguration(sub, name)).properties.maintenanceWindow
          : undefined,
      );
    } catch (error) {
      return fail(`reading the public configuration ${name}: ${describeAzureError(error).message}`);
    }
  }
  const window = publicConfigWindow(name, windows.get(name.toLowerCase()));
  const target = window ? migratedWindow(window) : undefined;
  if (!window || !target)
    return skip(
      `${name}'s window (${window ? `${window.durationMinutes} minutes` : "unreadable"}) has no AKS equivalent: AKS windows last whole hours, 4 to 24`,
    );
  const planned = {
    cluster: c.name,
    assignment: assignment.name,
    configuration: name,
    maintenanceWindow: target.maintenanceWindow,
    nightsDropped: target.nightsDropped,
  };
  if (!apply) return { ...planned, status: "wouldMigrate" };
  try {
    await adapters.aks.putMaintenanceConfiguration(c.id, AUTO_UPGRADE, {
      maintenanceWindow: {
        schedule: { weekly: { ...target.maintenanceWindow.schedule.weekly } },
        startTime: target.maintenanceWindow.startTime,
        durationHours: target.maintenanceWindow.durationHours,
        utcOffset: target.maintenanceWindow.utcOffset,
      },
    });
    const written = await adapters.aks.getMaintenanceConfiguration(c.id, AUTO_UPGRADE);
    if (!written?.maintenanceWindow)
      return fail(
        `${AUTO_UPGRADE} was written but does not read back; the assignment ${assignment.name} is kept`,
      );
  } catch (error) {
    return fail(`writing ${AUTO_UPGRADE}: ${describeAzureError(error).message}; the assignment is kept`);
  }
  try {
    await adapters.maintenance.unassign(c.id, assignment.name);
  } catch (error) {
    return fail(
      `${AUTO_UPGRADE} is written, but deleting the assignment ${assignment.name} failed: ${describeAzureError(error).message}; delete it by hand (az maintenance assignment delete)`,
    );
  }
  return { ...planned, status: "migrated" };
}
