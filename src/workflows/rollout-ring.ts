import type * as df from "durable-functions";
import type { PreparedRollout } from "../contracts/prepared-rollout.js";
import { ControlEventSchema } from "../contracts/events.js";
import {
  LaneEvents,
  LaneResultSchema,
  laneIds,
  shortReason,
  type LaneFailure,
  type LaneResult,
} from "../contracts/lanes.js";
import type { RingState, RolloutStatus } from "../contracts/rollout-status.js";
import { activityWithRetry, type Ctx } from "./call.js";
import { nextWake } from "./wake.js";
import { laneImages } from "./rollout-lane.js";
import { enter, notice, publish, type RolloutState } from "./rollout-status.js";

/** Failures kept for the halt email (the rest are counted; each lane's status has them all). */
export const HALT_LINES = 20;

/** Waits per execution before the rollout continues as new mid-ring (a ring may run for weeks). */
const TURNS_PER_EXECUTION = 60;

/** Where a ring stands, carried through continueAsNew: lane numbers and what their reports added up to. */
export interface RingProgress {
  readonly running: number[];
  readonly done: number[];
  readonly failed: LaneFailure[];
  readonly failedCount: number;
  readonly succeeded: number;
  readonly images: Record<string, string>;
  readonly paused: boolean;
  readonly canceled: boolean;
}

export interface RingOutcome {
  readonly failed: readonly LaneFailure[];
  readonly failedCount: number;
  readonly succeeded: number;
  /** Node images the ring's upgraded clusters run, per family. */
  readonly images: Record<string, string>;
  readonly laneIds: readonly string[];
  readonly canceled: boolean;
}

/**
 * One ring: its lanes (contracts/lanes.ts) already hold its clusters; the rollout starts them — one lane
 * per subscription-region at a time, since a region's lanes share its concurrency cap — and waits for each
 * lane's single report. Pause and resume go to the running lanes (and hold back the next ones); cancel goes
 * to every lane of the ring, each of which reports what it canceled. Every wait is on fresh tasks
 * (durable-functions 3 schedules a task again when it is awaited in a second Task.any).
 */
export function* runRing(
  ctx: Ctx,
  prepared: PreparedRollout,
  state: RolloutState,
  ringStatus: RingState,
  status: RolloutStatus,
): Generator<df.Task, RingOutcome | { progress: RingProgress }, unknown> {
  const ring = prepared.plan.rings[state.ringIndex]!;
  const ids = laneIds(ctx.df.instanceId, state.ringIndex, ring.lanes);
  const carried = state.ring;
  const queues: string[][] = [];
  for (let i = 0, b = 0; b < ring.buckets.length; i += ring.buckets[b]!, b++)
    queues.push(ids.slice(i, i + ring.buckets[b]!));
  const bucketOf = new Map(queues.flatMap((q, b) => q.map((id) => [id, b] as const)));
  const running = new Set<string>(carried?.running.map((n) => ids[n]!) ?? []);
  const done = new Set<string>(carried?.done.map((n) => ids[n]!) ?? []);
  const failed: LaneFailure[] = [...(carried?.failed ?? [])];
  let failedCount = carried?.failedCount ?? 0;
  let succeeded = carried?.succeeded ?? 0;
  const images: Record<string, string> = { ...carried?.images };
  let paused = carried?.paused ?? false;
  let canceled = carried?.canceled ?? false;

  // The plan's skips: what the ring's counts started with (carried in the status's ring entry).
  const plannedSkips = ring.clusters - ring.scheduled;
  const settled = () => {
    const c = ringStatus.counts;
    return c.succeeded + c.failed + c.canceled + (c.skipped - plannedSkips);
  };
  const showCounts = () => {
    const open = ring.scheduled - settled();
    ringStatus.counts.running = running.size || canceled ? open : 0;
    ringStatus.counts.scheduled = open - ringStatus.counts.running;
    ringStatus.lanes = { total: ids.length, done: done.size };
  };
  function* startNext(): Generator<df.Task, void, unknown> {
    const next: string[] = [];
    for (const q of queues) {
      const busy = q.some((id) => running.has(id));
      const id = q.find((x) => !done.has(x) && !running.has(x));
      if (!busy && id) next.push(id);
    }
    if (next.length === 0) return;
    for (const id of next) running.add(id);
    yield* activityWithRetry(ctx, "startLanes", {
      laneIds: next,
      runId: prepared.runId,
      pinnedImages: state.pinnedImages,
    });
  }
  function settle(result: LaneResult): void {
    running.delete(result.lane);
    done.add(result.lane);
    const c = ringStatus.counts;
    c.succeeded += result.counts.succeeded;
    c.failed += result.counts.failed;
    c.canceled += result.counts.canceled;
    c.skipped += result.counts.skipped;
    succeeded += result.counts.succeeded;
    failedCount += result.counts.failed;
    for (const f of result.failed) if (failed.length < HALT_LINES) failed.push(f);
    for (const [family, image] of Object.entries(laneImages(result))) images[family] ??= image;
    for (const f of [...result.failed, ...result.noticed]) {
      const reason = shortReason(f.reason);
      notice(status, {
        name: f.name,
        ring: ring.name,
        status: result.failed.includes(f) ? "failed" : "skipped",
        ...(f.code ? { code: f.code } : {}),
        ...(reason ? { reason } : {}),
      });
    }
  }

  if (!carried && !paused) yield* startNext();
  // After a continueAsNew the first wait is a recheck at once: a report may have raced the hand-over.
  let recheckNow = carried !== undefined;
  for (let turn = 0; ; turn++) {
    showCounts();
    publish(ctx, status);
    if (done.size === ids.length) break;
    if (turn >= TURNS_PER_EXECUTION) {
      const index = (set: Set<string>) => [...set].map((id) => ids.indexOf(id));
      return {
        progress: {
          running: index(running),
          done: index(done),
          failed,
          failedCount,
          succeeded,
          images,
          paused,
          canceled,
        },
      };
    }

    const wake = yield* nextWake(ctx, LaneEvents.result, recheckNow);
    recheckNow = false;

    if (wake.kind === "report") {
      const parsed = LaneResultSchema.safeParse(wake.value);
      // Malformed, late or duplicate reports (an earlier run, a lane already settled by a recheck) change nothing.
      if (!parsed.success || parsed.data.runId !== prepared.runId || done.has(parsed.data.lane)) continue;
      if (!bucketOf.has(parsed.data.lane)) continue;
      settle(parsed.data);
      if (!paused && !canceled) yield* startNext();
    } else if (wake.kind === "control") {
      const parsed = ControlEventSchema.safeParse(wake.value);
      if (!parsed.success) continue;
      const action = parsed.data.action;
      if (action === "pause") paused = true;
      if (action === "resume") paused = false;
      if (action === "cancel") canceled = true;
      if (canceled) enter(status, "canceling", "canceling");
      else if (paused) enter(status, "paused", `paused in ring ${ring.name}`, ring.name);
      else enter(status, "running", `ring ${ring.name}`, ring.name);
      // Cancel reaches every lane not done (those still waiting for the ring end at once); pause the running ones.
      const targets = canceled ? ids.filter((id) => !done.has(id)) : [...running];
      if (targets.length)
        yield* activityWithRetry(ctx, "signalLanes", { laneIds: targets, data: parsed.data });
      if (canceled) for (const id of targets) running.add(id);
      else if (!paused) yield* startNext();
    } else {
      const open = ids.filter((id) => running.has(id) && !done.has(id));
      if (open.length === 0) continue;
      const ended = yield* activityWithRetry(ctx, "laneOutcomes", { laneIds: open, runId: prepared.runId });
      for (const result of ended) if (!done.has(result.lane)) settle(result);
      if (!paused && !canceled) yield* startNext();
    }
  }
  return { failed, failedCount, succeeded, images, laneIds: ids, canceled };
}

/** Lanes of rings that never ran (the rollout was rejected or canceled): told to end, so none waits on. */
export function* releaseLanes(
  ctx: Ctx,
  prepared: PreparedRollout,
  fromRing: number,
): Generator<df.Task, void, unknown> {
  const ids = prepared.plan.rings
    .slice(fromRing)
    .flatMap((r, i) => laneIds(ctx.df.instanceId, fromRing + i, r.lanes));
  if (ids.length)
    yield* activityWithRetry(ctx, "signalLanes", {
      laneIds: ids,
      data: { action: "cancel", by: "the rollout ended" },
    });
}
