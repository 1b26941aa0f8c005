import { z } from "zod";
import { GateResultSchema } from "./rollout-status.js";
import {
  FleetGateWaitingSchema,
  FleetMemberCountsSchema,
  NodeImageVersionsSchema,
} from "./fleet-run-view.js";
import { RolloutKindSchema, RolloutLevelSchema } from "./workflow-inputs.js";

export {
  FleetGateWaitingSchema,
  FleetMemberCountsSchema,
  NodeImageVersionsSchema,
  type FleetGateWaiting,
  type FleetMemberCounts,
} from "./fleet-run-view.js";

/**
 * The Fleet executor's activities (activities/fleet-run.ts) and what the rollout keeps of its Fleet update
 * runs. Everything here is bounded whatever the fleet size: Fleet holds the members; the rollout keeps
 * per-stage counts, at most `FLEET_FAILED_MAX` failed members per stage, and the gates that wait.
 */
export const FLEET_FAILED_MAX = 20;

export const CreateFleetRunInputSchema = z.object({
  rolloutId: z.string(),
  kind: RolloutKindSchema,
  level: RolloutLevelSchema.optional(),
  target: z.string(),
  /** The plan's time (the rollout's run id): the run is built from the plan at this instant. */
  planMs: z.number(),
  runName: z.string(),
  /**
   * plan: the rollout's rings from `fromRing`; continue: the same, without members that completed or failed
   * in `previousRuns`; retry: only members that failed, were skipped or never ran in `previousRuns`.
   */
  mode: z.enum(["plan", "continue", "retry"]),
  fromRing: z.number().int().min(0).default(0),
  previousRuns: z.array(z.string()).max(20).default([]),
  /** continue: take the members that failed in `previousRuns` again (the ring's `retries`). */
  retryFailed: z.boolean().default(false),
  /** Retry of a node-image rollout: the images the first run selected (Custom, the same ones). */
  nodeImageVersions: NodeImageVersionsSchema.optional(),
});
export type CreateFleetRunInput = z.input<typeof CreateFleetRunInputSchema>;

export const FleetStagePlanSchema = z.object({
  name: z.string(),
  ring: z.string(),
  groups: z.number(),
  members: z.number(),
  approval: z.boolean(),
  health: z.boolean(),
  afterStageWaitInSeconds: z.number().optional(),
});

export const CreatedFleetRunSchema = z.object({
  runName: z.string(),
  fleetId: z.string(),
  upgradeType: z.enum(["Full", "ControlPlaneOnly", "NodeImageOnly"]),
  stages: z.array(FleetStagePlanSchema).max(100),
  members: z.number(),
  /** Selected clusters that are no members of the Fleet (not in the run), and the first few names. */
  notMembers: z.object({ count: z.number(), names: z.array(z.string()).max(FLEET_FAILED_MAX) }),
});
export type CreatedFleetRun = z.infer<typeof CreatedFleetRunSchema>;

export const FleetRunActionInputSchema = z.object({
  runName: z.string(),
  action: z.enum(["start", "stop"]),
});

export const FleetMemberFailureSchema = z.object({
  name: z.string(),
  clusterId: z.string(),
  code: z.string(),
  reason: z.string(),
});

export const FleetStageStatusSchema = z.object({
  name: z.string(),
  state: z.string(),
  counts: FleetMemberCountsSchema,
  failed: z.array(FleetMemberFailureSchema).max(FLEET_FAILED_MAX),
  wait: z.object({ state: z.string(), until: z.string().optional() }).optional(),
});
export type FleetStageStatus = z.infer<typeof FleetStageStatusSchema>;

export const FleetRunStatusSchema = z.object({
  runName: z.string(),
  /** Fleet's run state (NotStarted, Running, Stopping, Stopped, Failed, Completed), or Missing. */
  state: z.string(),
  error: z.string().optional(),
  stages: z.array(FleetStageStatusSchema).max(100),
  gates: z.array(FleetGateWaitingSchema).max(200),
  selectedNodeImageVersions: NodeImageVersionsSchema.optional(),
});
export type FleetRunStatus = z.infer<typeof FleetRunStatusSchema>;

export const FleetHealthInputSchema = z.object({
  runName: z.string(),
  stage: z.string(),
  gates: z.array(z.unknown()),
});

export const FleetHealthVerdictSchema = z.object({
  passed: z.boolean(),
  results: z.array(GateResultSchema),
  clusters: z.number(),
});

/** Raised to a rollout when an ARN event says one of its Fleet run's gates changed (dispatch/decide.ts). */
export const FleetRunEvents = { gate: "FleetRunGate" } as const;
