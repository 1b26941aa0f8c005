import type * as df from "durable-functions";
import type { WriteGuard } from "../contracts/write-guard.js";
import type { WindowSource } from "../domain/inventory.js";
import { windowIntervals } from "../domain/window-source.js";
import { nextFit, type Interval } from "../domain/windows.js";
import { at, iso, notify, nowMs, type Ctx } from "./call.js";
import { ClusterEvents, ControlEventSchema } from "../contracts/events.js";
import type { ClusterUpgradeInput } from "../contracts/workflow-inputs.js";
import { ClusterPhase, type ClusterStatusDetail } from "../contracts/rollout-status.js";

/**
 * A cluster workflow's windows: waiting for the next one where the upgrade fits, the guard every write
 * carries (so the activity re-checks at the moment of writing), and what happens when a write missed its
 * window: on-call and the rollout status hear why, and the cluster waits for the next fitting window.
 */
export interface ChosenWindow {
  readonly start: number;
  readonly end: number;
  /** When the upgrade is to start (the window start, or later when the rollout began mid-window). */
  readonly at: number;
}

export type StatusFn = (phase: ClusterPhase, extra?: ClusterStatusDetail) => void;

/** What a write needs to check the window itself; `remainingMs` is what is left of the predicted duration. */
export function writeGuard(
  input: ClusterUpgradeInput,
  window: ChosenWindow,
  remainingMs: number,
): WriteGuard {
  return {
    window: input.window,
    blocked: input.blocked,
    durationMs: remainingMs,
    planned: { start: window.start, end: window.end },
  };
}

/** The next fit from `from`, in the same terms as waitForWindow (deterministic: recorded input only). */
export function nextWindow(input: ClusterUpgradeInput, from: number): ChosenWindow | undefined {
  const source = (input.window ?? undefined) as WindowSource | undefined;
  return fitIn(windowIntervals(source, from, input.horizonEnd, input.blocked), from, input.durationMs);
}

/**
 * Waits for the next window start where the upgrade fits (outside freezes). The rollout may hold the cluster
 * meanwhile (pause → wait for resume, then look for the next fit again) or release it (cancel).
 */
export function* waitForWindow(
  ctx: Ctx,
  input: ClusterUpgradeInput,
  status: StatusFn,
  extra: ClusterStatusDetail = {},
): Generator<df.Task, ChosenWindow | { outcome: "skipped" | "canceled"; reason: string }, unknown> {
  let paused = false;
  for (;;) {
    const from = Math.max(nowMs(ctx), input.notBefore);
    const window = paused ? undefined : nextWindow(input, from);
    if (!paused && !window)
      return {
        outcome: "skipped",
        reason: `no maintenance window fits a ${Math.round(input.durationMs / 60_000)}-minute upgrade before ${iso(input.horizonEnd)}`,
      };
    if (window && window.at <= nowMs(ctx)) return window;
    if (window)
      status(ClusterPhase.waitingForWindow, {
        windowStart: iso(window.start),
        windowEnd: iso(window.end),
        startAt: iso(window.at),
        ...extra,
      });
    else status(ClusterPhase.paused, extra);
    const hold = ctx.df.waitForExternalEvent(ClusterEvents.hold);
    const timer = window ? ctx.df.createTimer(at(window.at)) : undefined;
    const winner = yield ctx.df.Task.any(timer ? [hold, timer] : [hold]);
    // Even a timer that fired late returns its window: the write itself checks the clock (write-guard.ts).
    if (winner === timer) return window!;
    timer?.cancel();
    const event = ControlEventSchema.safeParse(hold.result);
    if (!event.success) continue;
    if (event.data.action === "cancel")
      return { outcome: "canceled", reason: `canceled by ${event.data.by} before its window` };
    paused = event.data.action === "pause";
  }
}

const span = (w: Interval) => {
  const s = iso(w.start);
  const e = iso(w.end);
  return s.slice(0, 10) === e.slice(0, 10)
    ? `${s.slice(0, 10)} ${s.slice(11, 16)}–${e.slice(11, 16)}Z`
    : `${s.slice(0, 16).replace("T", " ")}Z–${e.slice(0, 16).replace("T", " ")}Z`;
};

/**
 * A write refused outside its window: tells on-call (through the digest) and returns the status fields the
 * cluster shows while it waits for the next window, so the rollout's status says why too.
 */
export function* reportMissedWindow(
  ctx: Ctx,
  input: ClusterUpgradeInput,
  missed: Interval,
  reason: string,
): Generator<df.Task, ClusterStatusDetail, unknown> {
  const next = nextWindow(input, Math.max(nowMs(ctx), input.notBefore));
  const then = next
    ? `next window ${span(next)}${next.at > next.start ? ` (starting ${iso(next.at).slice(11, 16)}Z)` : ""}`
    : `no later window fits before ${iso(input.horizonEnd)}, so it will be skipped`;
  const summary = `${input.name} missed its window ${span(missed)} because ${reason}; ${then}.`;
  yield* notify(ctx, {
    kind: "clusterFailure",
    key: `${input.rolloutId}:${input.clusterId}:missed:${iso(missed.start)}`,
    title: `${input.name} missed its maintenance window; nothing was written`,
    summary,
    lines: [
      summary,
      `Ringmaster checks the window, the fit of the predicted ${Math.round(input.durationMs / 60_000)}-minute upgrade and freezes at the moment of every write; this one did not pass, so the cluster was not touched.`,
    ],
    time: iso(nowMs(ctx)),
    rollout: input.rolloutId,
  });
  return { missedWindow: summary };
}

function fitIn(windows: readonly Interval[], from: number, durationMs: number): ChosenWindow | undefined {
  const start = nextFit(windows, from, durationMs);
  if (start === undefined) return undefined;
  const w = windows.find((x) => x.start <= start && start + durationMs <= x.end)!;
  return { start: w.start, end: w.end, at: start };
}
