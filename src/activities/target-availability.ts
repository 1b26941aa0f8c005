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
  const buckets = new Set((input.buckets ?? []).map((b) => b.toLowerCase()));
  let read = 0;
  for (const id of input.laneIds ?? []) {
    const lane = LaneInputSchema.safeParse((await durable.describe(id))?.input);
    if (!lane.success) continue;
    read++;
    if (lane.data.clusters.length > 0) buckets.add(lane.data.bucket.toLowerCase());
  }
  // The ring has lanes but none could be read: where its clusters are is unknown, which is not
  // "available everywhere" — the ring keeps waiting and looks again.
  if ((input.laneIds?.length ?? 0) > 0 && read === 0 && !input.buckets?.length)
    return { regions: [], missing: ["(unknown: the ring's lanes could not be read)"] };
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
