import type * as df from "durable-functions";
import type { LaunchOutcome } from "../contracts/cluster-launch.js";
import type { PreparedRollout } from "../contracts/prepared-rollout.js";
import { clusterInstanceId } from "../contracts/instance-ids.js";
import { activityWithRetry, at, notify, nowMs, type Ctx } from "./call.js";
import type { ClusterResult } from "../contracts/cluster-results.js";
import { FailureCode } from "../contracts/failure-codes.js";
import {
  ClusterEvents,
  ClusterResultEventSchema,
  ControlEventSchema,
  RolloutEvents,
  type ControlEvent,
} from "../contracts/events.js";
import type { ClusterUpgradeInput, RolloutInput } from "../contracts/workflow-inputs.js";
import { failureMessage } from "./rollout-messages.js";
import type { RingState, RolloutStatus } from "../contracts/rollout-status.js";
import { enter, type RolloutState } from "./rollout-status.js";

/** How often the rollout re-asks about clusters held by another rollout, or whose report may have been lost. */
const RECHECK_MS = 60 * 60_000;

/**
 * One ring's clusters: at most `cap` in flight per subscription-region, each a cluster workflow that reports
 * back with a `ClusterResult` event (activities/clusters.ts says why they are not awaited sub-orchestrations).
 * Every wait here is on fresh tasks: durable-functions 3 schedules a task again when it is awaited in a
 * second Task.any. Pause stops launches and holds clusters still waiting for their window; cancel releases
 * those and lets running AKS operations finish; a cluster another rollout holds waits its turn.
 */
export function* runRing(
  ctx: Ctx,
  input: RolloutInput,
  prepared: PreparedRollout,
  state: RolloutState,
  ringStatus: RingState,
  status: RolloutStatus,
): Generator<df.Task, { results: ClusterResult[]; canceled: boolean }, unknown> {
  const settings = prepared.settings.rings[state.ringIndex]!;
  const queue: ClusterUpgradeInput[] = [...prepared.rings[state.ringIndex]!.clusters];
  const waiting: { cluster: ClusterUpgradeInput; busyWith: string }[] = [];
  const inFlight = new Map<string, ClusterUpgradeInput>();
  const results: ClusterResult[] = [];
  let paused = false;
  let canceled = false;

  const show = (c: { name: string }, view: RingState["clusters"][string]) =>
    (ringStatus.clusters[c.name] = view);
  function* settle(result: ClusterResult): Generator<df.Task, void, unknown> {
    inFlight.delete(result.clusterId);
    results.push(result);
    show(result, {
      status: result.status,
      ...(result.reason ? { reason: result.reason } : {}),
      ...(result.code ? { code: result.code } : {}),
    });
    if (result.status === "failed")
      yield* notify(ctx, failureMessage(ctx.df.instanceId, input, settings.notify, result, nowMs(ctx)));
  }
  function* launch(batch: readonly ClusterUpgradeInput[]): Generator<df.Task, void, unknown> {
    const launched = batch.map((c) => ({
      ...c,
      pinnedImages: state.pinnedImages,
      notBefore: Math.max(c.notBefore, nowMs(ctx)),
    }));
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
          waiting.push({ cluster: c, busyWith: outcome.busyWith });
          show(c, {
            status: "waiting",
            reason: `waits for ${outcome.busyWith} to finish with this cluster`,
            workflow: clusterInstanceId(c.clusterId) ?? "",
          });
        }
      } else {
        inFlight.set(c.clusterId, c);
        show(c, { status: "started", workflow: clusterInstanceId(c.clusterId) ?? "" });
      }
    }
  }
  function* signal(data: ControlEvent): Generator<df.Task, void, unknown> {
    if (inFlight.size)
      yield* activityWithRetry(ctx, "signalClusters", {
        clusterIds: [...inFlight.keys()],
        event: ClusterEvents.hold,
        data,
      });
  }

  for (;;) {
    if (!paused && !canceled) {
      const batch: ClusterUpgradeInput[] = [];
      const load = new Map<string, number>();
      for (const c of inFlight.values()) load.set(c.bucket, (load.get(c.bucket) ?? 0) + 1);
      for (let i = 0; i < queue.length;) {
        const c = queue[i]!;
        if ((load.get(c.bucket) ?? 0) < settings.cap) {
          load.set(c.bucket, (load.get(c.bucket) ?? 0) + 1);
          batch.push(...queue.splice(i, 1));
        } else i++;
      }
      if (batch.length) {
        yield* launch(batch);
        continue; // clusters that had already finished free their slot at once
      }
    }
    ctx.df.setCustomStatus(status);
    if (inFlight.size === 0 && (canceled || (queue.length === 0 && waiting.length === 0))) break;

    const report = ctx.df.waitForExternalEvent(RolloutEvents.clusterResult);
    const control = ctx.df.waitForExternalEvent(RolloutEvents.control);
    const recheck = ctx.df.createTimer(at(nowMs(ctx) + RECHECK_MS));
    const winner = yield ctx.df.Task.any([report, control, recheck]);
    if (winner !== recheck) recheck.cancel();

    if (winner === report) {
      const parsed = ClusterResultEventSchema.safeParse(report.result);
      // Malformed, late or duplicate reports (an earlier run, a cluster already settled by a recheck) change nothing.
      const event = parsed.success ? parsed.data : undefined;
      if (event?.runId && inFlight.get(event.result.clusterId)?.runId === event.runId)
        yield* settle(event.result);
    } else if (winner === control) {
      const parsed = ControlEventSchema.safeParse(control.result);
      if (!parsed.success) continue;
      const action = parsed.data.action;
      if (action === "pause") paused = true;
      if (action === "resume") paused = false;
      if (action === "cancel") {
        canceled = true;
        for (const c of [...queue.splice(0), ...waiting.splice(0).map((w) => w.cluster)]) {
          results.push({
            clusterId: c.clusterId,
            name: c.name,
            ring: c.ring,
            status: "canceled",
            reason: `canceled by ${parsed.data.by}`,
            attempts: 0,
            poolEvents: [],
          });
          show(c, { status: "canceled" });
        }
      }
      if (canceled) enter(status, "canceling", "canceling");
      else if (paused) enter(status, "paused", `paused in ring ${settings.name}`, settings.name);
      else enter(status, "running", `ring ${settings.name}`, settings.name);
      yield* signal(parsed.data);
    } else {
      // Hourly: in-flight clusters are re-asked in case a report was lost; held ones get another try.
      const again = [...inFlight.values()];
      if (!paused && !canceled) again.push(...waiting.splice(0).map((w) => w.cluster));
      if (again.length) yield* launch(again);
    }
  }
  return { results, canceled };
}
