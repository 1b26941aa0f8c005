import { z } from "zod";
import { ClusterResultSchema } from "./cluster-results.js";
import { ClusterResultEventSchema, ControlEventSchema } from "./events.js";
import { ClusterUpgradeInputSchema } from "./workflow-inputs.js";

/**
 * How a rollout starts, signals and hears from its cluster workflows (activities/clusters.ts): each launch
 * says whether the instance was started, was already running for this run, had already finished (with its
 * result), or is busy with another rollout.
 */
export const LaunchClustersInputSchema = z.object({
  clusters: z.array(ClusterUpgradeInputSchema).readonly(),
});
export type LaunchClustersInput = z.infer<typeof LaunchClustersInputSchema>;

export const LaunchOutcomeSchema = z.discriminatedUnion("state", [
  z.object({ clusterId: z.string(), state: z.enum(["started", "running"]) }),
  z.object({ clusterId: z.string(), state: z.literal("finished"), result: ClusterResultSchema }),
  z.object({ clusterId: z.string(), state: z.literal("busy"), busyWith: z.string() }),
]);
export type LaunchOutcome = z.infer<typeof LaunchOutcomeSchema>;

export const SignalClustersInputSchema = z.object({
  clusterIds: z.array(z.string()).readonly(),
  event: z.string(),
  data: ControlEventSchema,
});
export type SignalClustersInput = z.infer<typeof SignalClustersInputSchema>;

export const ReportClusterResultInputSchema = ClusterResultEventSchema.extend({ rolloutId: z.string() });
export type ReportClusterResultInput = z.infer<typeof ReportClusterResultInputSchema>;
