import { Code, isSkip } from "./codes.js";
import { rolloutExecutor } from "./executor-schema.js";
import { decideEligibility, type EligibilityFacts } from "./eligibility.js";
import { imageFamily, type Inventory, type InventoryCluster, type WindowSource } from "./inventory.js";
import { skipped, type ClusterPlan, type PlanInput, type PlanTarget, type SkipReason } from "./plan-types.js";
import type { Policy } from "./policy-schema.js";
import type { EffectiveRing } from "./rings.js";
import { kubernetesUpgradeMs, nodeImageUpgradeMs } from "./upgrade-estimate.js";

/**
 * Whether a cluster of a ring takes the target at all (the shared rule of eligibility.ts, as the preflight
 * decides it too), and if so what it needs to be scheduled: its target, its expected duration and the
 * window that governs it. Otherwise the skip code and reason. Time is not considered here;
 * ring-schedule.ts finds when.
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

/** The planner's view of a cluster as the shared eligibility rule reads it (the preflight builds the same from AKS). */
export function inventoryFacts(cluster: InventoryCluster, inventory: Inventory): EligibilityFacts {
  return {
    location: cluster.location,
    powerState: cluster.powerState,
    provisioningState: cluster.provisioningState,
    kubernetesVersion: cluster.kubernetesVersion,
    upgradeChannel: cluster.upgradeChannel,
    nodeOSUpgradeChannel: cluster.nodeOSUpgradeChannel,
    pools: cluster.nodePools.map((p) => ({
      name: p.name,
      orchestratorVersion: p.orchestratorVersion,
      nodeImageVersion: p.nodeImageVersion,
      latestNodeImageVersion: p.latestNodeImageVersion,
    })),
    availableVersions: inventory.availableVersions[cluster.location.toLowerCase()],
  };
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
  const verdict = decideEligibility(inventoryFacts(cluster, input.inventory), target, {
    deny: policy.spec.versions.deny,
  });
  // A hold (the target not yet offered in the region) is planned: AKS releases region by region, and the
  // preflight decides again right before writing.
  if (!verdict.ok && isSkip(verdict.code)) return skip(verdict.code, verdict.message);
  const to = targetOf(cluster, target);
  let durationMs: number;
  if (target.kind === "kubernetes") durationMs = kubernetesUpgradeMs(est, cluster);
  else {
    const moved = new Set(verdict.ok ? verdict.pools.map((p) => p.pool) : []);
    durationMs = nodeImageUpgradeMs(
      est,
      cluster.nodePools.filter((p) => moved.has(p.name)),
    );
  }

  // An unread aks-mrp-cfg-* assignment may hold the window that governs the cluster: falling back to the
  // ring window (or to any time) would be a guess that AKS's own schedule may contradict.
  if (cluster.assignmentsUnreadable !== undefined) {
    return skip(
      Code.WindowUnknown,
      `window unknown: Microsoft.Maintenance assignments could not be read: ${cluster.assignmentsUnreadable}; retried at the next inventory`,
      to,
      Math.round(durationMs / MINUTE),
    );
  }
  const { source, window } = chooseWindow(cluster, ring, input.policy, target.kind);
  if (!window && policy.spec.requireWindow) {
    return skip(
      Code.NoWindow,
      "no maintenance window (cluster or ring) and spec.requireWindow is true",
      to,
      Math.round(durationMs / MINUTE),
    );
  }
  const ignored =
    rolloutExecutor(policy) === "fleet" ? fleetIgnores(cluster, source, window, policy, target.kind) : "";
  if (ignored) return skip(Code.FleetIgnoresWindow, ignored, to, Math.round(durationMs / MINUTE));
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

/**
 * Why Fleet would not keep a cluster in the window the plan gives it ("" when it would). A Fleet update run
 * honours only the member's `aksManagedAutoUpgradeSchedule` (Full, ControlPlaneOnly) or
 * `aksManagedNodeOSUpgradeSchedule` (NodeImageOnly) — not `default`, not a Microsoft.Maintenance assignment,
 * not a policy window Ringmaster does not write (research/aks-apis.md §4.5). Such a cluster would be
 * upgraded at any time, so it is left out. A ring window with `manageWindows` is fine (Ringmaster writes
 * it to that configuration before the run), and so is no window at all: the plan says "any time" too.
 */
export function fleetIgnores(
  cluster: InventoryCluster,
  source: "cluster" | "ring" | "none",
  window: WindowSource | undefined,
  policy: Policy,
  kind: PlanTarget["kind"],
): string {
  const config = kind === "kubernetes" ? "aksManagedAutoUpgradeSchedule" : "aksManagedNodeOSUpgradeSchedule";
  if (source === "none") return "";
  if (source === "ring")
    return policy.spec.manageWindows
      ? ""
      : `its window is the ring's policy window, which Fleet does not read: set spec.manageWindows: true (Ringmaster writes it to ${config}) or give the cluster its own ${config}`;
  const fleetReads = kind === "kubernetes" ? cluster.windows.autoUpgrade : cluster.windows.nodeOS;
  if (window?.kind === "assignment")
    return `its window is a Microsoft.Maintenance assignment, which Fleet does not honour: migrate it to ${config}`;
  if (window !== fleetReads)
    return `its window is aksManagedAutoUpgradeSchedule, but a NodeImageOnly run honours only ${config}: give the cluster one`;
  return "";
}
