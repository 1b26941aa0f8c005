import type * as df from "durable-functions";
import type { LaunchOutcome } from "../contracts/cluster-launch.js";
import { imageFamily } from "../domain/inventory.js";
import type { ClusterResult } from "../contracts/cluster-results.js";
import {
  ClusterEvents,
  ClusterResultEventSchema,
  ControlEventSchema,
  RolloutEvents,
  type ControlEvent,
} from "../contracts/events.js";
import { FailureCode } from "../contracts/failure-codes.js";
import {
  emptyCounts,
  LaneEvents,
  LaneInputSchema,
  LaneStartEventSchema,
  shortReason,
  type LaneClusterEntry,
  type LaneInput,
  type LaneResult,
  type LaneStatus,
} from "../contracts/lanes.js";
import { parseWorkflowInput, type ClusterUpgradeInput } from "../contracts/workflow-inputs.js";
import { WorkflowName } from "../contracts/workflow-names.js";
import { activityWithRetry, notify, nowMs, type Ctx } from "./call.js";
import { nextWake } from "./wake.js";
import { failureMessage } from "./rollout-messages.js";

/** Waits per execution before the lane continues as new (its state is bounded: ≤ LANE_SIZE clusters). */
const TURNS_PER_EXECUTION = 60;

/**
 * One lane of a ring (contracts/lanes.ts): started with its slice of the plan when the rollout is prepared,
 * it waits for its ring, then runs its clusters — at most `cap` in flight, each a cluster workflow that
 * reports back to this lane with a `ClusterResult` event (activities/clusters.ts says why they are not
 * awaited sub-orchestrations) — and tells the rollout once, with a `LaneResult`. Every wait is on fresh
 * tasks: durable-functions 3 schedules a task again when it is awaited in a second Task.any. Pause stops
 * launches and holds clusters still waiting for their window; cancel releases those and lets running AKS
 * operations finish; a cluster another rollout holds waits its turn.
 */
interface LaneState {
  readonly input: LaneInput;
  readonly started: boolean;
  readonly pinnedImages: Record<string, string>;
  /** Names of clusters not launched yet, held by another rollout, in flight. */
  readonly queue: string[];
  readonly waiting: { name: string; busyWith: string }[];
  readonly inFlight: string[];
  readonly results: ClusterResult[];
  readonly paused: boolean;
  readonly canceled: boolean;
  readonly status: LaneStatus;
}

export function* laneWorkflow(ctx: Ctx): Generator<df.Task, LaneResult | undefined, unknown> {
  const state = startingState(ctx.df.getInput<unknown>());
  const { input, status } = state;
  const byName = new Map(input.clusters.map((c) => [c.name, c]));
  const queue = [...state.queue];
  const waiting = [...state.waiting];
  const inFlight = new Set(state.inFlight);
  const results = [...state.results];
  let { paused, canceled, pinnedImages } = state;

  if (!state.started) {
    status.state = "waiting-for-ring";
    ctx.df.setCustomStatus(status);
    const go = yield* waitForRing(ctx, input);
    if (go === "canceled") {
      canceled = true;
      for (const name of queue.splice(0)) results.push(canceledResult(input, name, "the rollout ended"));
    } else pinnedImages = go;
  }

  const show = (name: string, entry: LaneClusterEntry) => (status.clusters[name] = entry);
  function* settle(result: ClusterResult): Generator<df.Task, void, unknown> {
    inFlight.delete(result.name);
    results.push(result);
    const reason = shortReason(result.reason);
    show(result.name, {
      status: result.status,
      ...(reason ? { reason } : {}),
      ...(result.code ? { code: result.code } : {}),
    });
    if (result.status === "failed")
      yield* notify(ctx, failureMessage(input.rolloutId, input, input.notify, result, nowMs(ctx)));
  }
  const upgradeInput = (name: string): ClusterUpgradeInput => {
    const c = byName.get(name)!;
    return {
      rolloutId: input.rolloutId,
      runId: input.runId,
      reportTo: ctx.df.instanceId,
      ring: input.ring,
      clusterId: c.clusterId,
      name: c.name,
      bucket: input.bucket,
      kind: input.kind,
      ...(input.level ? { level: input.level } : {}),
      target: input.target,
      pinnedImages,
      durationMs: c.durationMs,
      window: c.window,
      blocked: input.blocked,
      notBefore: Math.max(input.notBefore, nowMs(ctx)),
      horizonEnd: input.horizonEnd,
      retries: input.retries,
      slowPollMs: input.slowPollMs,
    };
  };
  function* launch(names: readonly string[]): Generator<df.Task, void, unknown> {
    const launched = names.map(upgradeInput);
    const outcomes: LaunchOutcome[] = yield* activityWithRetry(ctx, "launchClusters", { clusters: launched });
    for (const outcome of outcomes) {
      const c = launched.find((x) => x.clusterId === outcome.clusterId)!;
      if (outcome.state === "finished") yield* settle(outcome.result);
      else if (outcome.state === "busy") {
        if (nowMs(ctx) >= c.horizonEnd)
          yield* settle({
            clusterId: c.clusterId,
            name: c.name,
            ring: c.ring,
            status: "skipped",
            code: FailureCode.clusterBusy,
            reason: `${outcome.busyWith} held the cluster past this plan's horizon`,
            attempts: 0,
            poolEvents: [],
          });
        else {
          inFlight.delete(c.name);
          waiting.push({ name: c.name, busyWith: outcome.busyWith });
          show(c.name, {
            status: "waiting",
            reason: shortReason(`waits for ${outcome.busyWith} to finish with this cluster`)!,
          });
        }
      } else {
        inFlight.add(c.name);
        show(c.name, { status: "started" });
      }
    }
  }
  function* signal(data: ControlEvent): Generator<df.Task, void, unknown> {
    if (inFlight.size)
      yield* activityWithRetry(ctx, "signalClusters", {
        clusterIds: [...inFlight].map((n) => byName.get(n)!.clusterId),
        event: ClusterEvents.hold,
        data,
      });
  }

  function* apply(data: ControlEvent): Generator<df.Task, void, unknown> {
    if (data.action === "pause") paused = true;
    if (data.action === "resume") paused = false;
    if (data.action === "cancel") {
      canceled = true;
      for (const name of [...queue.splice(0), ...waiting.splice(0).map((w) => w.name)]) {
        results.push(canceledResult(input, name, `canceled by ${data.by}`));
        show(name, { status: "canceled" });
      }
    }
    yield* signal(data);
  }

  // After a continueAsNew the first wait is a recheck at once: a report may have raced the hand-over. A
  // pause or cancel may have too (Azure drops events a JavaScript orchestration has not taken when it
  // continues as new), so the lane also reads where its rollout stands.
  let recheckNow = state.started;
  if (state.started) {
    const { state: now } = yield* activityWithRetry(ctx, "rolloutState", { rolloutId: input.rolloutId });
    const by = "the rollout (read after a hand-over)";
    if ((now === "canceling" || now === "canceled") && !canceled) yield* apply({ action: "cancel", by });
    else if (now === "paused" && !paused && !canceled) yield* apply({ action: "pause", by });
    else if (now === "running" && paused) yield* apply({ action: "resume", by });
  }
  for (let turn = 0; ; turn++) {
    if (!paused && !canceled && inFlight.size < input.cap && queue.length) {
      yield* launch(queue.splice(0, input.cap - inFlight.size));
      continue; // clusters that had already finished free their slot at once
    }
    status.state = canceled ? "canceling" : paused ? "paused" : "running";
    ctx.df.setCustomStatus(status);
    if (inFlight.size === 0 && (canceled || (queue.length === 0 && waiting.length === 0))) break;
    if (turn >= TURNS_PER_EXECUTION) {
      // A long wait (clusters waiting days for their window): a fresh history, the same state. Reports that
      // race this are caught by the recheck the next execution starts with (launchClusters hands results back).
      ctx.df.continueAsNew({
        input,
        started: true,
        pinnedImages,
        queue,
        waiting,
        inFlight: [...inFlight],
        results,
        paused,
        canceled,
        status,
      } satisfies LaneState);
      return undefined;
    }
    const wake = yield* nextWake(ctx, RolloutEvents.clusterResult, recheckNow);
    recheckNow = false;

    if (wake.kind === "report") {
      const parsed = ClusterResultEventSchema.safeParse(wake.value);
      // Malformed, late or duplicate reports (an earlier run, a cluster already settled by a recheck) change nothing.
      const event = parsed.success ? parsed.data : undefined;
      if (event?.runId === input.runId && inFlight.has(event.result.name)) yield* settle(event.result);
    } else if (wake.kind === "control") {
      const parsed = ControlEventSchema.safeParse(wake.value);
      if (!parsed.success) continue;
      yield* apply(parsed.data);
    } else {
      // Every few hours: in-flight clusters are re-asked in case a report was lost; held ones go back to the
      // front of the queue, which launches them only into free slots (all at once could pass the cap).
      if (!paused && !canceled) queue.unshift(...waiting.splice(0).map((w) => w.name));
      if (inFlight.size) yield* launch([...inFlight]);
    }
  }
  status.state = "done";
  ctx.df.setCustomStatus(status);
  const result = laneResult(ctx.df.instanceId, input, results, canceled);
  yield* activityWithRetry(ctx, "reportLaneResult", { rolloutId: input.rolloutId, result });
  return result;
}

/** The first execution gets a `LaneInput` (validated: a bad one fails the lane naming the field). */
function startingState(raw: unknown): LaneState {
  if (typeof raw === "object" && raw !== null && "started" in raw && "status" in raw) {
    const carried = raw as LaneState;
    return {
      ...carried,
      input: parseWorkflowInput(WorkflowName.rolloutLane, LaneInputSchema, carried.input),
    };
  }
  const input = parseWorkflowInput(WorkflowName.rolloutLane, LaneInputSchema, raw);
  const clusters: Record<string, LaneClusterEntry> = {};
  for (const c of input.clusters)
    clusters[c.name] = {
      status: "scheduled",
      ...(c.predictedStart ? { predictedStart: c.predictedStart } : {}),
    };
  for (const s of input.skipped) {
    const reason = shortReason(s.reason);
    clusters[s.name] = { status: "skipped", code: s.code, ...(reason ? { reason } : {}) };
  }
  return {
    input,
    started: false,
    pinnedImages: {},
    queue: input.clusters.map((c) => c.name),
    waiting: [],
    inFlight: [],
    results: [],
    paused: false,
    canceled: false,
    status: {
      rollout: input.rolloutId,
      ring: input.ring,
      lane: input.lane,
      bucket: input.bucket,
      state: "waiting-for-ring",
      clusters,
    },
  };
}

/** Waits for the ring to start (the rollout sends what earlier rings qualified) or for the rollout to end. */
function* waitForRing(
  ctx: Ctx,
  input: LaneInput,
): Generator<df.Task, Record<string, string> | "canceled", unknown> {
  for (;;) {
    const start = ctx.df.waitForExternalEvent(LaneEvents.start);
    const control = ctx.df.waitForExternalEvent(RolloutEvents.control);
    const winner = yield ctx.df.Task.any([start, control]);
    if (winner === start) {
      const event = LaneStartEventSchema.safeParse(start.result);
      if (event.success && event.data.runId === input.runId) return event.data.pinnedImages;
    } else {
      const event = ControlEventSchema.safeParse(control.result);
      if (event.success && event.data.action === "cancel") return "canceled";
    }
  }
}

function canceledResult(input: LaneInput, name: string, reason: string): ClusterResult {
  const c = input.clusters.find((x) => x.name === name)!;
  return {
    clusterId: c.clusterId,
    name,
    ring: input.ring,
    status: "canceled",
    reason,
    attempts: 0,
    poolEvents: [],
  };
}

/** What the lane tells the rollout: counts, failures for the halt email, what it upgraded for gates and images. */
export function laneResult(
  lane: string,
  input: LaneInput,
  results: readonly ClusterResult[],
  canceled: boolean,
): LaneResult {
  const counts = emptyCounts();
  // The plan's skips are the rollout's already: these counts are the lane's scheduled clusters only.
  counts.total = input.clusters.length;
  for (const r of results) counts[r.status]++;
  const brief = (r: ClusterResult) => ({
    clusterId: r.clusterId,
    name: r.name,
    ring: r.ring,
    attempts: r.attempts,
    ...(r.pool ? { pool: r.pool } : {}),
    ...(r.code ? { code: r.code } : {}),
    ...(r.reason ? { reason: r.reason } : {}),
  });
  return {
    lane,
    runId: input.runId,
    ring: input.ring,
    canceled,
    counts,
    failed: results.filter((r) => r.status === "failed").map(brief),
    noticed: results.filter((r) => r.status === "skipped" && r.code).map(brief),
    upgraded: results
      .filter((r) => r.status === "succeeded")
      .map((r) => ({
        clusterId: r.clusterId,
        name: r.name,
        poolEvents: r.poolEvents,
        ...(r.images ? { images: r.images } : {}),
      })),
  };
}

/** Node images a lane's upgraded clusters run, one per image family (the first ring's pins later rings). */
export function laneImages(result: LaneResult): Record<string, string> {
  const images: Record<string, string> = {};
  for (const r of result.upgraded)
    for (const image of Object.values(r.images ?? {})) images[imageFamily(image)] ??= image;
  return images;
}
