import { z } from "zod";
import type { Plan } from "../domain/plan-types.js";
import type { Gate } from "../domain/policy-schema.js";
import { ClusterUpgradeInputSchema, RolloutKindSchema } from "./workflow-inputs.js";

/**
 * Everything a rollout decides before it starts (activities/prepare.ts), done once in an activity so its
 * result is recorded in history instead of being recomputed on every replay: the plan (forecast), the
 * policy as the workflow needs it (workflows read no files or settings) and, per ring, the input of each
 * cluster workflow. The plan and the gates are the domain's shapes (domain/plan-types.ts and the policy
 * schema, which parses gates once): they are named here, not declared a second time.
 */
const PlanShape = z.custom<Plan>((v) => typeof v === "object" && v !== null, "expected a rollout plan");
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
});
export type RingSettings = z.infer<typeof RingSettingsSchema>;

export const PrepareRolloutInputSchema = z.object({
  rolloutId: z.string(),
  kind: RolloutKindSchema,
  target: z.string(),
  nowMs: z.number(),
});
export type PrepareRolloutInput = z.infer<typeof PrepareRolloutInputSchema>;

export const PreparedRolloutSchema = z.object({
  plan: PlanShape,
  rings: z.array(z.object({ name: z.string(), clusters: z.array(ClusterUpgradeInputSchema).readonly() })),
  settings: z.object({
    manageWindows: z.boolean(),
    baseUrl: z.string(),
    /** Asked before the first ring when the target's mode is "approval" (a new minor, by default). */
    rolloutApproval: z.object({ timeoutMs: z.number(), onTimeout: z.enum(["approve", "reject"]) }),
    rings: z.array(RingSettingsSchema).readonly(),
  }),
});
export type PreparedRollout = z.infer<typeof PreparedRolloutSchema>;
