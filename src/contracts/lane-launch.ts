import { z } from "zod";
import { ControlEventSchema } from "./events.js";
import { LaneResultSchema, LaneStartEventSchema } from "./lanes.js";
import { RolloutStateSchema } from "./rollout-status.js";

/**
 * How a rollout starts, signals and hears from its lanes, and how a lane reports back (activities/lanes.ts,
 * workflows/rollout-ring.ts and rollout-lane.ts): the inputs and results of those activities.
 */
const LaneIdsSchema = z.array(z.string()).readonly();

/** The ring's start, raised to each of its lanes with what earlier rings qualified. */
export const StartLanesInputSchema = LaneStartEventSchema.extend({ laneIds: LaneIdsSchema });
export type StartLanesInput = z.infer<typeof StartLanesInputSchema>;
export const StartLanesResultSchema = z.object({ started: z.number() });

/** Pause, resume or cancel, forwarded to the lanes still running. */
export const SignalLanesInputSchema = z.object({ laneIds: LaneIdsSchema, data: ControlEventSchema });
export type SignalLanesInput = z.infer<typeof SignalLanesInputSchema>;

/** Where a rollout stands (its status's `state`, or null when it has none), for a lane that may have missed a signal. */
export const RolloutStateInputSchema = z.object({ rolloutId: z.string() });
export const RolloutStateResultSchema = z.object({ state: RolloutStateSchema.nullable() });
export type RolloutStateResult = z.infer<typeof RolloutStateResultSchema>;

export const ReportLaneResultInputSchema = z.object({ rolloutId: z.string(), result: LaneResultSchema });
export type ReportLaneResultInput = z.infer<typeof ReportLaneResultInputSchema>;

/** Lanes of this run that have ended, with their results: what a lost report would have said. */
export const LaneOutcomesInputSchema = z.object({ laneIds: LaneIdsSchema, runId: z.string() });
export type LaneOutcomesInput = z.infer<typeof LaneOutcomesInputSchema>;
export const LaneOutcomesSchema = z.array(LaneResultSchema);
