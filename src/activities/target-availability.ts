import type { InvocationContext } from "@azure/functions";
import { LaneInputSchema } from "../contracts/lanes.js";
import type { TargetAvailability, TargetAvailabilityInput } from "../contracts/target-availability.js";
import type { ActivityDeps } from "./deps.js";

/**
 * Which regions of a ring's clusters do not offer the target yet (contracts/target-availability.ts). One
 * version list per subscription-region (the lanes' buckets), however many clusters share it.
 */
export async function targetAvailability(
  deps: ActivityDeps,
  input: TargetAvailabilityInput,
  context: InvocationContext,
): Promise<TargetAvailability> {
  const durable = deps.durable(context);
  const buckets = new Set<string>();
  for (const id of input.laneIds) {
    const lane = LaneInputSchema.safeParse((await durable.describe(id))?.input);
    if (lane.success && lane.data.clusters.length > 0) buckets.add(lane.data.bucket.toLowerCase());
  }
  const regions = new Set<string>();
  const missing = new Set<string>();
  for (const bucket of buckets) {
    const [subscriptionId, region] = bucket.split("|") as [string, string];
    regions.add(region);
    const offered = await deps.adapters().aks.listKubernetesVersions(subscriptionId, region);
    if (!offered.includes(input.target)) missing.add(region);
  }
  return { regions: [...regions].sort(), missing: [...missing].sort() };
}
