import type { WindowSource } from "../domain/inventory.js";
import { windowIntervals } from "../domain/window-source.js";
import type { WriteGuard } from "../contracts/write-guard.js";

/** `latestStart`: the last instant the write may still go out (the fitting window's end minus the duration). */
export type WriteVerdict = { ok: true; latestStart: number } | { ok: false; reason: string };

const DAY_MS = 86_400_000;
const minutes = (ms: number) => `${Math.max(0, Math.round(ms / 60_000))} min`;
const hhmm = (ms: number) => `${new Date(ms).toISOString().slice(11, 16)}Z`;

/**
 * The last check before an upgrade writes: read at the moment of the write (the clock the adapters use,
 * not the orchestration's replay time, which can lag far behind after an outage or a starved host), the
 * cluster's window must be open, the predicted duration must fit what is left of it, and no freeze may
 * apply. A timer that fired late, a retry that came late, an activity that ran late: none of them writes.
 * The guard's shape is the contract's (contracts/write-guard.ts): it crosses the durable boundary.
 */
export function checkWriteTime(guard: WriteGuard, now: number): WriteVerdict {
  const source = (guard.window ?? undefined) as WindowSource | undefined;
  const windows = windowIntervals(source, now, now + guard.durationMs + DAY_MS, guard.blocked);
  const fits = windows.find((w) => w.start <= now && now + guard.durationMs <= w.end);
  if (fits) return { ok: true, latestStart: fits.end - guard.durationMs };
  const freeze = guard.blocked.find((b) => b.start <= now && now < b.end);
  if (freeze)
    return {
      ok: false,
      reason: `a freeze applies at ${hhmm(now)} (until ${new Date(freeze.end).toISOString()})`,
    };
  const open = windows.find((w) => w.start <= now && now < w.end);
  if (open) {
    const endsBy = guard.blocked.some((b) => b.start === open.end) ? "a freeze begins" : "the window ends";
    return {
      ok: false,
      reason: `only ${minutes(open.end - now)} were left at ${hhmm(now)} before ${endsBy}, and the upgrade needs ${minutes(guard.durationMs)}`,
    };
  }
  return {
    ok: false,
    reason:
      now >= guard.planned.end
        ? `it was ${new Date(now).toISOString()} when the write was due, after the window closed (the host was down or late)`
        : `it was ${new Date(now).toISOString()}, outside any window`,
  };
}
