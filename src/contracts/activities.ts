import { z } from "zod";
import type { Inventory } from "../domain/inventory.js";
import { AuditRecordSchema } from "./audit.js";
import { ClusterFactsSchema } from "./cluster-facts.js";
import {
  LaunchClustersInputSchema,
  LaunchOutcomeSchema,
  ReportClusterResultInputSchema,
  SignalClustersInputSchema,
} from "./cluster-launch.js";
import {
  CostCheckInputSchema,
  CostCheckResultSchema,
  QueueCostAnomaliesInputSchema,
} from "./cost-anomalies.js";
import { DigestSentSchema, QueuedNotificationSchema, SendDigestInputSchema } from "./digests.js";
import {
  CreatedFleetRunSchema,
  CreateFleetRunInputSchema,
  FleetHealthInputSchema,
  FleetHealthVerdictSchema,
  FleetRunActionInputSchema,
  FleetRunStatusSchema,
} from "./fleet-run.js";
import { GateInputSchema, GateVerdictSchema, RingGateInputSchema } from "./gate-results.js";
import {
  LaneOutcomesInputSchema,
  LaneOutcomesSchema,
  ReportLaneResultInputSchema,
  RolloutStateInputSchema,
  RolloutStateResultSchema,
  SignalLanesInputSchema,
  StartLanesInputSchema,
  StartLanesResultSchema,
} from "./lane-launch.js";
import { MessageSchema } from "./messages.js";
import { OperationRefSchema, OperationStatusSchema } from "./operation-ref.js";
import { PreparedRolloutSchema, PrepareRolloutInputSchema } from "./prepared-rollout.js";
import { ApplyRingWindowsInputSchema, RingWindowsResultSchema } from "./ring-windows.js";
import { StaleNodeImagesSchema } from "./stale-images.js";
import { SupportPlanInputSchema, SupportPlanSchema } from "./support-plan.js";
import { TargetAvailabilityInputSchema, TargetAvailabilitySchema } from "./target-availability.js";
import {
  PreflightInputSchema,
  PreflightResultSchema,
  StartInputSchema,
  StartResultSchema,
} from "./upgrade-steps.js";

/**
 * Every activity by name, with the schema of its input and of its result. Both are orchestration history
 * (the input as the workflow sent it, the result as the activity returned it), so both are our own shapes,
 * declared here: workflows type their calls from this table alone (src/workflows/call.ts), and the
 * activities module implements against it (`ActivityImplementations` in src/activities/index.ts), which
 * validates each input with its schema before the activity runs. A renamed or reshaped activity is then a
 * compile error on both sides, not a replay surprise.
 */
const ClusterIdSchema = z.object({ clusterId: z.string() });
/** The inventory is the domain's shape (domain/inventory.ts); only `loadInventory`'s callers outside workflows read it. */
const InventoryShape = z.custom<Inventory>(
  (v) => typeof v === "object" && v !== null,
  "expected an inventory",
);

export const ActivityContracts = {
  loadInventory: { input: z.object({ withNodeImages: z.boolean() }), output: InventoryShape },
  prepareRollout: { input: PrepareRolloutInputSchema, output: PreparedRolloutSchema },
  startLanes: { input: StartLanesInputSchema, output: StartLanesResultSchema },
  signalLanes: { input: SignalLanesInputSchema, output: z.object({ delivered: z.number() }) },
  reportLaneResult: { input: ReportLaneResultInputSchema, output: z.object({ delivered: z.boolean() }) },
  rolloutState: { input: RolloutStateInputSchema, output: RolloutStateResultSchema },
  laneOutcomes: { input: LaneOutcomesInputSchema, output: LaneOutcomesSchema },
  targetAvailability: { input: TargetAvailabilityInputSchema, output: TargetAvailabilitySchema },
  applyRingWindows: { input: ApplyRingWindowsInputSchema, output: RingWindowsResultSchema },
  launchClusters: { input: LaunchClustersInputSchema, output: z.array(LaunchOutcomeSchema) },
  signalClusters: { input: SignalClustersInputSchema, output: z.object({ delivered: z.number() }) },
  reportClusterResult: {
    input: ReportClusterResultInputSchema,
    output: z.object({ delivered: z.boolean() }),
  },
  preflight: { input: PreflightInputSchema, output: PreflightResultSchema },
  startUpgrade: { input: StartInputSchema, output: StartResultSchema },
  checkOperation: { input: OperationRefSchema, output: OperationStatusSchema },
  inspectCluster: { input: ClusterIdSchema, output: ClusterFactsSchema },
  /** A ring's gates name its lanes (RingGateInput); a fleet gate names its clusters (GateInput). */
  evaluateGates: { input: z.union([RingGateInputSchema, GateInputSchema]), output: GateVerdictSchema },
  /** No input: the host may hand an absent input over as `null`. */
  findStaleNodeImages: { input: z.null().optional(), output: StaleNodeImagesSchema },
  planSupportUpgrade: { input: SupportPlanInputSchema, output: SupportPlanSchema },
  queueNotification: { input: MessageSchema, output: QueuedNotificationSchema },
  sendDigest: { input: SendDigestInputSchema, output: DigestSentSchema },
  tagCluster: {
    input: z.object({ clusterId: z.string(), tags: z.record(z.string(), z.string()) }),
    output: z.void(),
  },
  approveFleetGate: { input: z.object({ gateId: z.string() }), output: z.void() },
  findCostAnomalies: { input: CostCheckInputSchema, output: CostCheckResultSchema },
  queueCostAnomalies: { input: QueueCostAnomaliesInputSchema, output: z.object({ queued: z.number() }) },
  /** The Fleet executor (activities/fleet-run.ts, contracts/fleet-run.ts). */
  createFleetRun: { input: CreateFleetRunInputSchema, output: CreatedFleetRunSchema },
  fleetRunAction: { input: FleetRunActionInputSchema, output: z.void() },
  pollFleetRun: { input: z.object({ runName: z.string() }), output: FleetRunStatusSchema },
  evaluateFleetStage: { input: FleetHealthInputSchema, output: FleetHealthVerdictSchema },
  publishAudit: {
    input: z.strictObject({ events: z.array(AuditRecordSchema).max(100) }),
    output: z.object({ published: z.number(), to: z.enum(["eventhub", "log"]) }),
  },
} as const satisfies Record<string, { input: z.ZodType; output: z.ZodType }>;

export type ActivityName = keyof typeof ActivityContracts;
/** What a workflow hands an activity (before the schema's defaults apply). */
export type ActivityInput<K extends ActivityName> = z.input<(typeof ActivityContracts)[K]["input"]>;
/** What the activity receives once its input was validated. */
export type ActivityParsedInput<K extends ActivityName> = z.output<(typeof ActivityContracts)[K]["input"]>;
/** What the activity returns and the workflow reads back from history. */
export type ActivityOutput<K extends ActivityName> = z.output<(typeof ActivityContracts)[K]["output"]>;

/**
 * Validates an activity's input with its schema. A bad input throws, naming the activity and each offending
 * field; the orchestration sees the activity fail with that message.
 */
export function parseActivityInput<K extends ActivityName>(name: K, raw: unknown): ActivityParsedInput<K> {
  const parsed = ActivityContracts[name].input.safeParse(raw);
  if (parsed.success) return parsed.data as ActivityParsedInput<K>;
  const problems = parsed.error.issues
    .map((i) => `${i.path.length ? i.path.join(".") : "(input)"}: ${i.message}`)
    .join("; ");
  throw new Error(`activity ${name}: invalid input: ${problems}`);
}
