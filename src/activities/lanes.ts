import type { InvocationContext } from "@azure/functions";
import { isActive } from "../contracts/durable-port.js";
import { RolloutEvents } from "../contracts/events.js";
import { FailureCode } from "../contracts/failure-codes.js";
import type {
  LaneOutcomesInput,
  ReportLaneResultInput,
  RolloutStateResult,
  SignalLanesInput,
  StartLanesInput,
} from "../contracts/lane-launch.js";
import {
  emptyCounts,
  LaneEvents,
  LaneInputSchema,
  LaneResultSchema,
  type LaneResult,
} from "../contracts/lanes.js";
import { readRolloutStatus } from "../contracts/rollout-status.js";
import type { ActivityDeps } from "./deps.js";

/**
 * The rollout's side of its lanes (contracts/lanes.ts, workflows/rollout-lane.ts): start a ring's lanes,
 * forward pause/resume/cancel to them, and look at lanes whose report may have been lost. The lane's side:
 * report its result to the rollout. Raising an event twice is harmless (lanes ignore what they do not wait for).
 * Inputs and results: contracts/lane-launch.ts.
 */
export async function startLanes(
  deps: ActivityDeps,
  input: StartLanesInput,
  context: InvocationContext,
): Promise<{ started: number }> {
  const durable = deps.durable(context);
  let started = 0;
  for (const id of input.laneIds)
    if (await durable.raise(id, LaneEvents.start, { runId: input.runId, pinnedImages: input.pinnedImages }))
      started++;
  return { started };
}

export async function signalLanes(
  deps: ActivityDeps,
  input: SignalLanesInput,
  context: InvocationContext,
): Promise<{ delivered: number }> {
  const durable = deps.durable(context);
  let delivered = 0;
  for (const id of input.laneIds) {
    if (!isActive(await durable.status(id))) continue;
    if (await durable.raise(id, RolloutEvents.control, input.data)) delivered++;
  }
  return { delivered };
}

/** Where a rollout stands (its status's `state`), for a lane that may have missed a pause or cancel. */
export async function rolloutState(
  deps: ActivityDeps,
  input: { rolloutId: string },
  context: InvocationContext,
): Promise<RolloutStateResult> {
  const read = readRolloutStatus((await deps.durable(context).describe(input.rolloutId))?.customStatus);
  return { state: (read.ok ? read.status?.state : undefined) ?? null };
}

/** A lane's last step: tell the rollout. A rollout that is gone (canceled, terminated) no longer listens. */
export async function reportLaneResult(
  deps: ActivityDeps,
  input: ReportLaneResultInput,
  context: InvocationContext,
): Promise<{ delivered: boolean }> {
  const durable = deps.durable(context);
  if (!isActive(await durable.status(input.rolloutId))) return { delivered: false };
  return { delivered: await durable.raise(input.rolloutId, LaneEvents.result, input.result) };
}

/**
 * Lanes of this run that have ended, with their results: what a lost report would have said. A lane that
 * failed or was terminated counts every cluster it had not settled as failed (or canceled), so the failure
 * budget sees them.
 */
export async function laneOutcomes(
  deps: ActivityDeps,
  input: LaneOutcomesInput,
  context: InvocationContext,
): Promise<LaneResult[]> {
  const durable = deps.durable(context);
  const ended: LaneResult[] = [];
  for (const id of input.laneIds) {
    const view = await durable.describe(id);
    if (!view || isActive(view.runtimeStatus)) continue;
    const output = LaneResultSchema.safeParse(view.output);
    if (view.runtimeStatus === "Completed" && output.success && output.data.runId === input.runId) {
      ended.push(output.data);
      continue;
    }
    const lane = LaneInputSchema.safeParse(view.input);
    if (!lane.success || lane.data.runId !== input.runId) continue;
    const terminated = view.runtimeStatus === "Terminated";
    const counts = emptyCounts();
    counts.total = lane.data.clusters.length;
    counts[terminated ? "canceled" : "failed"] = lane.data.clusters.length;
    const reason = `the lane workflow ended ${view.runtimeStatus}: ${typeof view.output === "string" ? view.output.split("\n")[0]!.slice(0, 200) : "no result"}`;
    ended.push({
      lane: id,
      runId: input.runId,
      ring: lane.data.ring,
      canceled: terminated,
      counts,
      failed: terminated
        ? []
        : lane.data.clusters.map((c) => ({
            clusterId: c.clusterId,
            name: c.name,
            ring: lane.data.ring,
            code: FailureCode.workflowFailed,
            reason,
            attempts: 0,
          })),
      noticed: [],
      upgraded: [],
    });
  }
  return ended;
}
