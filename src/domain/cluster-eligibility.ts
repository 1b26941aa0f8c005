import { kubernetesChannelConflict, nodeOsChannelConflict } from "./auto-upgrade.js";
import { imageFamily, type InventoryCluster, type WindowSource } from "./inventory.js";
import { SkipReason, skipped, type ClusterPlan, type PlanInput, type PlanTarget } from "./plan-types.js";
import type { Policy } from "./policy-schema.js";
import type { EffectiveRing } from "./rings.js";
import { kubernetesUpgradeMs, nodeImageUpgradeMs } from "./upgrade-estimate.js";
import { mustParseVersion, parseVersion, upgradeLevel, versionMatches } from "./versions.js";

/**
 * Whether a cluster of a ring takes the target at all, and if so what it needs to be scheduled: its
 * target, its expected duration and the window that governs it. Otherwise the skip code and reason.
 * Time is not considered here; ring-schedule.ts finds when.
 */
const MINUTE = 60_000;

export interface Candidate {
  readonly cluster: InventoryCluster;
  readonly target: string;
  readonly durationMs: number;
  readonly windowSource: "cluster" | "ring" | "none";
  readonly windowKey: string;
  readonly window: WindowSource | undefined;
}

export type Evaluated = { skip: ClusterPlan } | { candidate: Candidate };

export function targetOf(cluster: InventoryCluster, target: PlanTarget): string {
  if (target.kind === "kubernetes") return target.version;
  const pool = cluster.nodePools[0];
  if (!pool) return "";
  return (
    target.pinned?.[imageFamily(pool.nodeImageVersion)] ??
    pool.latestNodeImageVersion ??
    pool.nodeImageVersion
  );
}

export function evaluateCluster(cluster: InventoryCluster, ring: EffectiveRing, input: PlanInput): Evaluated {
  const { policy, target } = input;
  const est = policy.spec.estimates;
  const skip = (
    code: SkipReason,
    reason: string,
    to = targetOf(cluster, target),
    minutes = 0,
  ): Evaluated => ({
    skip: skipped(cluster, ring.name, to, minutes, code, reason),
  });
  if ((cluster.powerState ?? "Running").toLowerCase() === "stopped")
    return skip(SkipReason.stopped, "cluster is stopped; AKS upgrades only running clusters");

  let durationMs: number;
  let to: string;
  if (target.kind === "kubernetes") {
    to = target.version;
    const current = mustParseVersion(cluster.kubernetesVersion);
    const wanted = mustParseVersion(target.version);
    const denied = policy.spec.versions.deny.find((d) => versionMatches(d, wanted));
    if (denied) return skip(SkipReason.deniedVersion, `${to} is denied by spec.versions.deny ("${denied}")`);
    const level = upgradeLevel(current, wanted);
    if (level === "none") return skip(SkipReason.atTarget, `already on ${to}`);
    if (level === "downgrade")
      return skip(SkipReason.newerThanTarget, `on ${cluster.kubernetesVersion}, newer than ${to}`);
    if (level === "skip") {
      return skip(
        SkipReason.wouldSkipMinor,
        `on ${cluster.kubernetesVersion}; ${to} would skip a minor (AKS upgrades one minor at a time)`,
      );
    }
    const available = (input.inventory.availableVersions[cluster.location.toLowerCase()] ?? [])
      .map((v) => parseVersion(v))
      .filter((v) => v !== undefined);
    const conflict = kubernetesChannelConflict(cluster.upgradeChannel, current, available);
    if (conflict) return skip(SkipReason.autoUpgradeConflict, conflict);
    durationMs = kubernetesUpgradeMs(est, cluster);
  } else {
    to = targetOf(cluster, target);
    const stale = cluster.nodePools.filter((p) => {
      const wanted = target.pinned?.[imageFamily(p.nodeImageVersion)] ?? p.latestNodeImageVersion;
      return wanted !== undefined && wanted > p.nodeImageVersion;
    });
    if (stale.length === 0)
      return skip(SkipReason.atTarget, "every node pool already runs the target node image");
    const osConflict = nodeOsChannelConflict(cluster.nodeOSUpgradeChannel);
    if (osConflict) return skip(SkipReason.autoUpgradeConflict, osConflict);
    durationMs = nodeImageUpgradeMs(est, stale);
  }

  const { source, window } = chooseWindow(cluster, ring, input.policy, target.kind);
  if (!window && policy.spec.requireWindow) {
    return skip(
      SkipReason.noWindow,
      "no maintenance window (cluster or ring) and spec.requireWindow is true",
      to,
      Math.round(durationMs / MINUTE),
    );
  }
  return {
    candidate: {
      cluster,
      target: to,
      durationMs,
      windowSource: source,
      window,
      windowKey: window ? JSON.stringify(window) : "always",
    },
  };
}

/**
 * Which window governs a cluster. With `manageWindows`, Ringmaster writes the ring window onto the cluster,
 * so the ring window is the truth; otherwise the cluster's own AKS configuration wins and the ring window
 * applies only to clusters that have none.
 */
export function chooseWindow(
  cluster: InventoryCluster,
  ring: EffectiveRing,
  policy: Policy,
  kind: PlanTarget["kind"],
): { source: "cluster" | "ring" | "none"; window: WindowSource | undefined } {
  const own =
    kind === "kubernetes"
      ? cluster.windows.autoUpgrade
      : (cluster.windows.nodeOS ?? cluster.windows.autoUpgrade);
  const ringWindow: WindowSource | undefined = ring.window
    ? { kind: "window", spec: ring.window }
    : undefined;
  if (policy.spec.manageWindows && ringWindow) return { source: "ring", window: ringWindow };
  if (own) return { source: "cluster", window: own };
  if (ringWindow) return { source: "ring", window: ringWindow };
  return { source: "none", window: undefined };
}
