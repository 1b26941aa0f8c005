import { z } from "zod";
import type { SkipReason } from "../domain/plan-types.js";

/**
 * For a cluster whose version leaves support (activities/support.ts): the next minor's newest patch in its
 * region, and when the policy would upgrade it there — the plan the end-of-support notice carries.
 */
export const SupportPlanInputSchema = z.object({ clusterId: z.string(), nowMs: z.number() });
export type SupportPlanInput = z.infer<typeof SupportPlanInputSchema>;

export const SupportPlanSchema = z.object({
  cluster: z.string(),
  current: z.string(),
  target: z.string().optional(),
  /** The cluster's entry of the plan for `target` (domain ClusterPlan, the fields the notice reads). */
  plan: z
    .object({
      ring: z.string().nullable(),
      status: z.enum(["scheduled", "skipped"]),
      predictedStart: z.string().optional(),
      predictedEnd: z.string().optional(),
      reason: z.string().optional(),
      reasonCode: z.custom<SkipReason>((v) => typeof v === "string").optional(),
    })
    .optional(),
  note: z.string().optional(),
});
export type SupportPlan = z.infer<typeof SupportPlanSchema>;
