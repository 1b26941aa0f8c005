import type { FreezeInterval } from "./freezes.js";
import { concurrencyBucket } from "./auto-upgrade.js";
import type { Candidate } from "./cluster-eligibility.js";
import { nodeCount } from "./inventory.js";
import { Code } from "./codes.js";
import { skipped, type ClusterPlan } from "./plan-types.js";
import type { EffectiveRing } from "./rings.js";
import { windowIntervals } from "./window-source.js";
import { nextFit, type Interval } from "./windows.js";

/**
 * When each eligible cluster of one ring upgrades: the earliest window that fits its duration after the
 * ring may start, outside freezes, with at most `maxConcurrentPerSubscriptionRegion` clusters of one
 * subscription-region at once; or why none fits before the horizon (a freeze, or no window or slot).
 */
const MINUTE = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();

export function scheduleRing(
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
          frozenOut ? Code.Frozen : Code.NoWindowInHorizon,
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
          Code.NoWindowInHorizon,
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
