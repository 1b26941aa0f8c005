import { z } from "zod";

/**
 * What a rollout's custom status shows of its Fleet update runs (RolloutStatus.fleet), apart from
 * contracts/fleet-run.ts so that rollout-status.ts can name it without an import cycle. Bounded: counts per
 * stage, at most 20 runs and 20 gates.
 */
export const NodeImageVersionsSchema = z.array(z.object({ version: z.string() })).max(50);

export const FleetMemberCountsSchema = z.object({
  total: z.number(),
  notStarted: z.number(),
  pending: z.number(),
  running: z.number(),
  completed: z.number(),
  failed: z.number(),
  skipped: z.number(),
});
export type FleetMemberCounts = z.infer<typeof FleetMemberCountsSchema>;

export const FleetGateWaitingSchema = z.object({
  gateId: z.string(),
  displayName: z.string(),
  stage: z.string(),
  timing: z.enum(["Before", "After"]),
});
export type FleetGateWaiting = z.infer<typeof FleetGateWaitingSchema>;

/** What a rollout's custom status shows of its Fleet runs (RolloutStatus.fleet). */
export const FleetRunViewSchema = z.object({
  fleetId: z.string(),
  runs: z
    .array(
      z.object({
        name: z.string(),
        mode: z.enum(["plan", "continue", "retry"]),
        state: z.string(),
        stages: z
          .array(z.object({ name: z.string(), state: z.string(), counts: FleetMemberCountsSchema }))
          .max(100),
      }),
    )
    .max(20),
  gates: z
    .array(FleetGateWaitingSchema.extend({ answer: z.string().optional() }))
    .max(20)
    .optional(),
  selectedNodeImageVersions: NodeImageVersionsSchema.optional(),
});
export type FleetRunView = z.infer<typeof FleetRunViewSchema>;
