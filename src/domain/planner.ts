import { freezeIntervals, type FreezeInterval } from "./freezes.js";
import {
  imageFamily,
  nodeCount,
  type Inventory,
  type InventoryCluster,
  type WindowSource,
} from "./inventory.js";
import type { Policy } from "./policy-schema.js";
import { concurrencyBucket, kubernetesChannelConflict, nodeOsChannelConflict } from "./auto-upgrade.js";
import { assignRings, effectiveRings, type EffectiveRing } from "./rings.js";
import { mustParseVersion, parseVersion, upgradeLevel, versionMatches } from "./versions.js";
import { windowIntervals } from "./window-source.js";
import { nextFit, type Interval } from "./windows.js";

/**
 * The rollout planner: who goes when. From an inventory, a policy, a target and "now" it produces, for
 * every cluster, its ring, the window it will use, a predicted start and end — or the reason it will not
 * be upgraded. Rings run in order: a ring starts only after the previous ring's last predicted upgrade
 * plus its soak; within a ring at most `maxConcurrentPerSubscriptionRegion` clusters of one
 * subscription-region upgrade at once. Pure and deterministic: the same input gives the same plan.
 */
export type PlanTarget =
  | { readonly kind: "kubernetes"; readonly version: string }
  | { readonly kind: "nodeImage"; readonly pinned?: Readonly<Record<string, string>> };

export interface PlanInput {
  readonly policy: Policy;
  readonly inventory: Inventory;
  readonly target: PlanTarget;
  readonly now: number;
  /** How far ahead to look for windows; 90 days by default. */
  readonly horizonDays?: number;
}

export const SkipReason = {
  noRing: "no-ring",
  atTarget: "already-at-target",
  newerThanTarget: "newer-than-target",
  wouldSkipMinor: "would-skip-minor",
  deniedVersion: "denied-version",
  autoUpgradeConflict: "auto-upgrade-conflict",
  noWindow: "no-window",
  noWindowInHorizon: "no-window-in-horizon",
  frozen: "frozen",
  stopped: "stopped",
} as const;
export type SkipReason = (typeof SkipReason)[keyof typeof SkipReason];

export interface ClusterPlan {
  readonly clusterId: string;
  readonly name: string;
  readonly subscriptionId: string;
  readonly location: string;
  readonly ring: string | null;
  readonly currentVersion: string;
  /** Kubernetes version or node image the cluster goes to. */
  readonly target: string;
  readonly nodes: number;
  readonly durationMinutes: number;
  readonly status: "scheduled" | "skipped";
  readonly reasonCode?: SkipReason;
  readonly reason?: string;
  readonly windowSource?: "cluster" | "ring" | "none";
  /** The window the predicted upgrade starts in (ISO). */
  readonly window?: { readonly start: string; readonly end: string };
  readonly predictedStart?: string;
  readonly predictedEnd?: string;
}

export interface RingPlan {
  readonly name: string;
  readonly index: number;
  readonly approvalRequired: boolean;
  readonly approvalTimeoutMinutes: number;
  /** Earliest instant the ring may start: now for the first ring, the previous ring's soak end after. */
  readonly readyAt: string;
  readonly firstStart: string | null;
  readonly lastEnd: string | null;
  readonly soakUntil: string | null;
  readonly maxConcurrentPerSubscriptionRegion: number;
  readonly clusters: readonly string[];
}

export interface Plan {
  readonly policy: string;
  readonly kind: PlanTarget["kind"];
  readonly target: string;
  readonly now: string;
  readonly horizonEnd: string;
  readonly rings: readonly RingPlan[];
  readonly clusters: readonly ClusterPlan[];
  readonly freezes: readonly { name: string; start: string; end: string }[];
}

export class RingOverlapError extends Error {
  override readonly name = "RingOverlapError";
  constructor(readonly overlaps: readonly { clusterId: string; rings: readonly string[] }[]) {
    super(
      `Planner: ${overlaps.length} cluster(s) selected by more than one ring; each cluster belongs to at most one ring: ` +
        overlaps
          .map((o) => `${o.clusterId.split("/").pop()} (rings ${o.rings.map((r) => `"${r}"`).join(" and ")})`)
          .join(", "),
    );
  }
}

const MINUTE = 60_000;
const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

export function planRollout(input: PlanInput): Plan {
  const { policy, inventory, target, now } = input;
  const horizonEnd = now + (input.horizonDays ?? 90) * DAY;
  const freezes = freezeIntervals(policy.spec.freezes);
  const assignment = assignRings(policy, inventory.clusters);
  if (assignment.overlaps.length > 0) throw new RingOverlapError(assignment.overlaps);
  const rings = effectiveRings(policy);
  const windowCache = new Map<string, Interval[]>();
  const targetLabel = target.kind === "kubernetes" ? target.version : "node-image";

  const clusterPlans: ClusterPlan[] = [];
  const ringPlans: RingPlan[] = [];
  let readyAt = now;
  for (const ring of rings) {
    const members = [...(assignment.byRing.get(ring.name) ?? [])].sort((a, b) => a.id.localeCompare(b.id));
    const candidates: Candidate[] = [];
    for (const cluster of members) {
      const decided = evaluate(cluster, ring, input);
      if ("skip" in decided) clusterPlans.push(decided.skip);
      else candidates.push(decided.candidate);
    }
    const scheduled = schedule(candidates, ring, readyAt, horizonEnd, freezes, windowCache);
    clusterPlans.push(...scheduled);
    const ends = scheduled.filter((c) => c.predictedEnd).map((c) => Date.parse(c.predictedEnd!));
    const starts = scheduled.filter((c) => c.predictedStart).map((c) => Date.parse(c.predictedStart!));
    const lastEnd = ends.length ? Math.max(...ends) : null;
    const soakUntil = lastEnd === null ? null : lastEnd + ring.soakMs;
    ringPlans.push({
      name: ring.name,
      index: ring.index,
      approvalRequired: ring.approval.required,
      approvalTimeoutMinutes: Math.round(ring.approval.timeoutMs / MINUTE),
      readyAt: iso(readyAt),
      firstStart: starts.length ? iso(Math.min(...starts)) : null,
      lastEnd: lastEnd === null ? null : iso(lastEnd),
      soakUntil: soakUntil === null ? null : iso(soakUntil),
      maxConcurrentPerSubscriptionRegion: ring.maxConcurrentPerSubscriptionRegion,
      clusters: members.map((m) => m.id),
    });
    if (soakUntil !== null) readyAt = Math.max(readyAt, soakUntil);
  }
  for (const cluster of [...assignment.unassigned].sort((a, b) => a.id.localeCompare(b.id))) {
    clusterPlans.push(
      skipped(
        cluster,
        null,
        targetOf(cluster, target),
        0,
        SkipReason.noRing,
        "no ring of the policy selects this cluster",
      ),
    );
  }
  return {
    policy: policy.metadata.name,
    kind: target.kind,
    target: targetLabel,
    now: iso(now),
    horizonEnd: iso(horizonEnd),
    rings: ringPlans,
    clusters: clusterPlans,
    freezes: freezes.map((f) => ({ name: f.name, start: iso(f.start), end: iso(f.end) })),
  };
}

interface Candidate {
  readonly cluster: InventoryCluster;
  readonly target: string;
  readonly durationMs: number;
  readonly windowSource: "cluster" | "ring" | "none";
  readonly windowKey: string;
  readonly window: WindowSource | undefined;
}

type Evaluated = { skip: ClusterPlan } | { candidate: Candidate };

function targetOf(cluster: InventoryCluster, target: PlanTarget): string {
  if (target.kind === "kubernetes") return target.version;
  const pool = cluster.nodePools[0];
  if (!pool) return "";
  return (
    target.pinned?.[imageFamily(pool.nodeImageVersion)] ??
    pool.latestNodeImageVersion ??
    pool.nodeImageVersion
  );
}

function evaluate(cluster: InventoryCluster, ring: EffectiveRing, input: PlanInput): Evaluated {
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
    durationMs = (est.controlPlaneMinutes + est.perNodeMinutes * nodeCount(cluster)) * MINUTE;
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
    const perNode = est.nodeImagePerNodeMinutes ?? est.perNodeMinutes;
    durationMs = perNode * stale.reduce((n, p) => n + p.count, 0) * MINUTE;
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

function schedule(
  candidates: readonly Candidate[],
  ring: EffectiveRing,
  readyAt: number,
  horizonEnd: number,
  freezes: readonly FreezeInterval[],
  cache: Map<string, Interval[]>,
): ClusterPlan[] {
  const windowsFor = (c: Candidate, blocked: readonly Interval[], tag: string) => {
    const key = `${tag}|${c.windowKey}|${readyAt}`;
    let windows = cache.get(key);
    if (!windows) {
      windows = windowIntervals(c.window, readyAt, horizonEnd, blocked);
      cache.set(key, windows);
    }
    return windows;
  };
  // Earliest possible start first, so the concurrency cap delays the latecomers, not the early birds.
  const ordered = candidates
    .map((c) => ({ c, windows: windowsFor(c, freezes, "frozen") }))
    .map((x) => ({ ...x, earliest: nextFit(x.windows, readyAt, x.c.durationMs) ?? Number.POSITIVE_INFINITY }))
    .sort((a, b) => a.earliest - b.earliest || a.c.cluster.id.localeCompare(b.c.cluster.id));

  const busy = new Map<string, Interval[]>();
  const out: ClusterPlan[] = [];
  for (const { c, windows, earliest } of ordered) {
    const minutes = Math.round(c.durationMs / MINUTE);
    if (!Number.isFinite(earliest) || earliest >= horizonEnd) {
      const unfrozen = nextFit(windowsFor(c, [], "open"), readyAt, c.durationMs);
      const frozenOut = unfrozen !== undefined && unfrozen < horizonEnd;
      out.push({
        ...skipped(
          c.cluster,
          ring.name,
          c.target,
          minutes,
          frozenOut ? SkipReason.frozen : SkipReason.noWindowInHorizon,
          frozenOut
            ? `every window that fits a ${minutes}-minute upgrade before ${iso(horizonEnd).slice(0, 10)} falls in a freeze`
            : `no window fits a ${minutes}-minute upgrade before ${iso(horizonEnd).slice(0, 10)}`,
        ),
        windowSource: c.windowSource,
      });
      continue;
    }
    const bucketKey = concurrencyBucket(c.cluster);
    const bucket = busy.get(bucketKey) ?? [];
    let start: number | undefined = earliest;
    while (start !== undefined) {
      const s: number = start;
      const overlapping = bucket.filter((b) => b.start < s + c.durationMs && s < b.end);
      if (overlapping.length < ring.maxConcurrentPerSubscriptionRegion) break;
      start = nextFit(windows, Math.min(...overlapping.map((b) => b.end)), c.durationMs);
    }
    if (start === undefined || start >= horizonEnd) {
      out.push({
        ...skipped(
          c.cluster,
          ring.name,
          c.target,
          minutes,
          SkipReason.noWindowInHorizon,
          `no window before ${iso(horizonEnd).slice(0, 10)} with a free concurrency slot`,
        ),
        windowSource: c.windowSource,
      });
      continue;
    }
    const end = start + c.durationMs;
    bucket.push({ start, end });
    busy.set(bucketKey, bucket);
    const w = windows.find((x) => x.start <= start && end <= x.end)!;
    out.push({
      clusterId: c.cluster.id,
      name: c.cluster.name,
      subscriptionId: c.cluster.subscriptionId,
      location: c.cluster.location,
      ring: ring.name,
      currentVersion: c.cluster.kubernetesVersion,
      target: c.target,
      nodes: nodeCount(c.cluster),
      durationMinutes: minutes,
      status: "scheduled",
      windowSource: c.windowSource,
      window: { start: iso(w.start), end: iso(w.end) },
      predictedStart: iso(start),
      predictedEnd: iso(end),
    });
  }
  return out.sort((a, b) => a.clusterId.localeCompare(b.clusterId));
}

function skipped(
  cluster: InventoryCluster,
  ring: string | null,
  target: string,
  minutes: number,
  code: SkipReason,
  reason: string,
): ClusterPlan {
  return {
    clusterId: cluster.id,
    name: cluster.name,
    subscriptionId: cluster.subscriptionId,
    location: cluster.location,
    ring,
    currentVersion: cluster.kubernetesVersion,
    target,
    nodes: nodeCount(cluster),
    durationMinutes: minutes,
    status: "skipped",
    reasonCode: code,
    reason,
  };
}
