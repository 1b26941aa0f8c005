import { z } from "zod";
import { ClusterFactsSchema } from "./cluster-facts.js";
import { outcomeSchema } from "./cluster-results.js";
import { OperationRefSchema } from "./operation-ref.js";
import { RolloutKindSchema, RolloutLevelSchema } from "./workflow-inputs.js";
import { WriteGuardSchema } from "./write-guard.js";

/**
 * The steps of one cluster upgrade as the cluster workflow calls them (activities/upgrade.ts): the
 * preflight that decides whether to touch the cluster, and the single write that starts the upgrade.
 */
export const PreflightInputSchema = z.object({
  clusterId: z.string(),
  kind: RolloutKindSchema,
  level: RolloutLevelSchema.optional(),
  target: z.string(),
  pinnedImages: z.record(z.string(), z.string()),
});
export type PreflightInput = z.infer<typeof PreflightInputSchema>;

/** One pool's step of a node-image upgrade (or the cluster's, for Kubernetes). */
export const PoolPlanSchema = z.object({ pool: z.string(), from: z.string(), to: z.string() });
export type PoolPlan = z.infer<typeof PoolPlanSchema>;

export const PreflightResultSchema = outcomeSchema({
  cluster: ClusterFactsSchema,
  pools: z.array(PoolPlanSchema),
  skippedPools: z.array(z.object({ pool: z.string(), reason: z.string() })),
});
export type PreflightResult = z.infer<typeof PreflightResultSchema>;

export const StartInputSchema = z.object({
  clusterId: z.string(),
  kind: RolloutKindSchema,
  target: z.string(),
  pool: z.string().optional(),
  /** Node images: the image the pool should end on; a pool already on it is not re-imaged. */
  toImage: z.string().optional(),
  /** Window, fit and freezes, checked against the clock right before anything is written. */
  guard: WriteGuardSchema,
});
export type StartInput = z.infer<typeof StartInputSchema>;

export const StartResultSchema = outcomeSchema({ handle: OperationRefSchema });
export type StartResult = z.infer<typeof StartResultSchema>;
