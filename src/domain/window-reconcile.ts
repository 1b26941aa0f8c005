import { toAksWindow } from "./window-source.js";
import type { WindowSpec } from "./window-spec.js";
import type { Interval } from "./windows.js";

/**
 * When the window reconcile needs to read a cluster's maintenance configurations at all. Ringmaster knows
 * what it wants AKS to hold (the ring's window as of now, domain/window-source.ts), so between two runs only
 * two things can make a cluster's stored windows wrong:
 * - what Ringmaster wants changed: the UTC offset a named zone has at the next window (a daylight-saving
 *   transition came near) or the policy's window: every cluster of that ring is read (and written) now;
 * - someone else changed them (drift): checked once a day per cluster, at an instant spread over the day by
 *   the cluster's id, so a fleet's reads do not all land in one reconcile run.
 * Everything else is skipped: a steady fleet costs one list call per cluster per day, however often the
 * reconcile timer fires. A rollout reads every cluster of a ring before relying on its windows (no `since`).
 */
export const DAY_MS = 86_400_000;

/** The cluster's daily drift-check instant, as milliseconds after UTC midnight (FNV-1a of its id). */
export function dailyCheckOffsetMs(clusterId: string): number {
  let h = 0x811c9dc5;
  for (const ch of clusterId.toLowerCase()) {
    h ^= ch.codePointAt(0)!;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  // Whole minutes keep the instants readable in logs; 1,440 slots spread a fleet well enough.
  return (h % 1440) * 60_000;
}

/** Whether the cluster's daily drift check fell in (sinceMs, nowMs]. */
export function dailyCheckDue(clusterId: string, sinceMs: number, nowMs: number): boolean {
  if (nowMs - sinceMs >= DAY_MS) return true;
  const offset = dailyCheckOffsetMs(clusterId);
  const latest = Math.floor((nowMs - offset) / DAY_MS) * DAY_MS + offset;
  return latest > sinceMs;
}

/**
 * Whether AKS should now hold something else for this window than at `sinceMs`: the payload Ringmaster
 * would write, compared without `startDate` (an anchor AKS already holds is kept; a wrong one is drift).
 */
export function desiredWindowChanged(
  spec: WindowSpec,
  freezes: readonly Interval[],
  sinceMs: number,
  nowMs: number,
): boolean {
  const at = (ms: number) => {
    const { startDate: _anchor, ...rest } = toAksWindow(spec, ms, freezes);
    return JSON.stringify(rest);
  };
  return at(sinceMs) !== at(nowMs);
}

export type ReadReason = "rollout" | "desiredChanged" | "dailyDriftCheck";

/**
 * Why a cluster's configurations are read in this run, or undefined when they need not be. Without
 * `sinceMs` (a rollout about to rely on the windows) every cluster is read.
 */
export function readReason(
  clusterId: string,
  ringChanged: boolean,
  nowMs: number,
  sinceMs: number | undefined,
): ReadReason | undefined {
  if (sinceMs === undefined) return "rollout";
  if (ringChanged) return "desiredChanged";
  return dailyCheckDue(clusterId, sinceMs, nowMs) ? "dailyDriftCheck" : undefined;
}
