import { z } from "zod";
import type { SkipReason } from "../domain/plan-types.js";
import type { Gate } from "../domain/policy-schema.js";
import { RolloutKindSchema, RolloutLevelSchema } from "./workflow-inputs.js";

/**
 * Everything a rollout decides before it starts (activities/prepare.ts), done once in an activity so its
 * result is recorded in history instead of being recomputed on every replay: the plan as the rollout keeps
 * it (a summary whose size does not grow with the fleet: the clusters themselves went to lanes,
 * contracts/lanes.ts) and the policy as the workflow needs it (workflows read no files or settings). Gates
 * are the policy schema's parsed shape (domain/policy-schema.ts), named here, not declared a second time.
 */
const GateShape = z.custom<Gate>(
  (v) => typeof v === "string" || (typeof v === "object" && v !== null),
  "expected a parsed gate",
);

export const RingSettingsSchema = z.object({
  name: z.string(),
  approvalRequired: z.boolean(),
  approvalTimeoutMs: z.number(),
  onTimeout: z.enum(["approve", "reject"]),
  cap: z.number(),
  failureBudget: z.number(),
  soakMs: z.number(),
  gates: z.array(GateShape).readonly(),
  notify: z.array(z.string()).readonly(),
  /** Attempts after a cluster's first failure (the policy's `retries`); the Fleet executor reruns members. */
  retries: z.number().default(0),
});
export type RingSettings = z.infer<typeof RingSettingsSchema>;

export const PrepareRolloutInputSchema = z.object({
  rolloutId: z.string(),
  kind: RolloutKindSchema,
  level: RolloutLevelSchema.optional(),
  target: z.string(),
  nowMs: z.number(),
});
export type PrepareRolloutInput = z.infer<typeof PrepareRolloutInputSchema>;

/** A ring of the plan as the rollout keeps it (domain RingPlan without its cluster list): counts and times. */
export const RingSummarySchema = z.object({
  name: z.string(),
  index: z.number(),
  approvalRequired: z.boolean(),
  approvalTimeoutMinutes: z.number(),
  /** Earliest instant the ring may start: now for the first ring, the previous ring's soak end after. */
  readyAt: z.string(),
  firstStart: z.string().nullable(),
  lastEnd: z.string().nullable(),
  soakUntil: z.string().nullable(),
  maxConcurrentPerSubscriptionRegion: z.number(),
  /** Clusters the policy puts in this ring. */
  clusters: z.number(),
  scheduled: z.number(),
  /** Lanes `laneIds(rollout, index, lanes)` hold this ring's clusters. */
  lanes: z.number(),
  /** Lanes per subscription-region, in lane order: one bucket's lanes run one after another (they share its cap). */
  buckets: z.array(z.number()).readonly(),
  /**
   * executor "fleet" only (it starts no lanes to read them from): the ring's subscription-regions as
   * "subscriptionId|location", for the target-availability wait (workflows/target-wait.ts).
   */
  bucketKeys: z.array(z.string()).max(500).readonly().optional(),
});
export type RingSummary = z.infer<typeof RingSummarySchema>;

/** A row of the forecast email (the first `FORECAST_ROWS`; the API's plan has them all): a domain ClusterPlan's fields. */
export const ForecastRowSchema = z.object({
  name: z.string(),
  ring: z.string().nullable(),
  currentVersion: z.string(),
  target: z.string(),
  predictedStart: z.string().optional(),
  predictedEnd: z.string().optional(),
  reason: z.string().optional(),
  reasonCode: z.custom<SkipReason>((v) => typeof v === "string", "expected a skip code").optional(),
});
export type ForecastRow = z.infer<typeof ForecastRowSchema>;
export const FORECAST_ROWS = 40;

/** The plan as the rollout keeps it: bounded whatever the fleet size (the clusters themselves went to lanes). */
export const PlanSummarySchema = z.object({
  kind: RolloutKindSchema,
  target: z.string(),
  now: z.string(),
  horizonEnd: z.string(),
  rings: z.array(RingSummarySchema).readonly(),
  total: z.number(),
  scheduled: z.number(),
  /** Every cluster is skipped for a quiet reason (already runs the target): nothing to do, nothing to say. */
  nothingToDo: z.boolean(),
  forecast: z.array(ForecastRowSchema).max(FORECAST_ROWS).readonly(),
  /** Clusters skipped for a reason someone should hear (conflicts, unsupported), the first `FORECAST_ROWS`. */
  noisySkips: z.object({
    count: z.number(),
    rows: z.array(ForecastRowSchema).max(FORECAST_ROWS).readonly(),
  }),
  /**
   * Clusters that still carry a Microsoft.Maintenance assignment to an AKS public configuration
   * (`aks-mrp-cfg-*`, legacy), the first `FORECAST_ROWS`; `honoured` when it is the cluster's window.
   */
  legacyAssignments: z
    .object({
      count: z.number(),
      rows: z
        .array(z.object({ name: z.string(), configuration: z.string(), honoured: z.boolean() }))
        .max(FORECAST_ROWS)
        .readonly(),
    })
    .optional(),
});
export type PlanSummary = z.infer<typeof PlanSummarySchema>;

export const PreparedRolloutSchema = z.object({
  /** The plan's time: every lane and cluster workflow of this run carries it. */
  runId: z.string(),
  plan: PlanSummarySchema,
  settings: z.object({
    manageWindows: z.boolean(),
    baseUrl: z.string(),
    /** Asked before the first ring when the target's mode is "approval" (a new minor, by default). */
    rolloutApproval: z.object({ timeoutMs: z.number(), onTimeout: z.enum(["approve", "reject"]) }),
    rings: z.array(RingSettingsSchema).readonly(),
    /** Who carries the rollout out (domain/executor-schema.ts); "fleet": workflows/fleet-rollout.ts. */
    executor: z.enum(["ringmaster", "fleet"]).default("ringmaster"),
    /** The policy's freezes as instants within the plan's horizon (the Fleet executor stops its run in them). */
    freezes: z
      .array(z.object({ name: z.string(), start: z.string(), end: z.string() }))
      .max(100)
      .default([]),
  }),
});
export type PreparedRollout = z.infer<typeof PreparedRolloutSchema>;
