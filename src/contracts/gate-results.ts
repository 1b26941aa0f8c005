import { z } from "zod";
import type { Gate } from "../domain/policy-schema.js";
import { PoolEventSchema } from "./cluster-results.js";

/**
 * Health gates between rings as the rollout asks for them and records the verdict (activities/gates.ts):
 * each result keeps its evidence, which the status and the halt message show. Gates are the policy schema's
 * parsed shape (domain/policy-schema.ts), named here, not declared again.
 */
export const GateInputSchema = z.object({
  gates: z
    .array(
      z.custom<Gate>(
        (v) => typeof v === "string" || (typeof v === "object" && v !== null),
        "expected a parsed gate",
      ),
    )
    .readonly(),
  clusterIds: z.array(z.string()).readonly(),
  poolEvents: z.record(z.string(), z.array(PoolEventSchema).readonly()).readonly(),
});
export type GateInput = z.infer<typeof GateInputSchema>;

/** A ring's gates over what its lanes upgraded (read from the lanes' outputs: the rollout keeps no cluster list). */
export const RingGateInputSchema = z.object({
  gates: GateInputSchema.shape.gates,
  laneIds: z.array(z.string()).readonly(),
  runId: z.string(),
});
export type RingGateInput = z.infer<typeof RingGateInputSchema>;

export const GateResultSchema = z.object({
  /** provisioningState, nodePoolEvents, azureMonitorAlerts or httpProbe. */
  kind: z.string(),
  /** The gate as configured, e.g. `azureMonitorAlerts(Sev0,Sev1, PT2H)`. */
  gate: z.string(),
  passed: z.boolean(),
  evidence: z.array(z.string()).readonly(),
});
export type GateResult = z.infer<typeof GateResultSchema>;

export const GateVerdictSchema = z.object({ passed: z.boolean(), results: z.array(GateResultSchema) });
export type GateVerdict = z.infer<typeof GateVerdictSchema>;
