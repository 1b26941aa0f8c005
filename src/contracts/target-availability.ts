import { z } from "zod";

/**
 * Whether a ring's target version exists where the ring's clusters are (AKS#5423: AKS releases a version
 * region by region, over days): the `targetAvailability` activity reads the regions from the ring's lanes
 * (each lane is one subscription-region) and asks AKS which versions each region offers.
 */
export const TargetAvailabilityInputSchema = z.object({
  /** The ring's lanes (contracts/lanes.ts laneIds): their buckets name its subscription-regions. */
  laneIds: z.array(z.string()).default([]),
  /** Or the subscription-regions themselves ("subscriptionId|location"; the Fleet executor has no lanes). */
  buckets: z.array(z.string()).max(500).optional(),
  /** A Kubernetes version such as 1.30.5. */
  target: z.string(),
});
export type TargetAvailabilityInput = z.input<typeof TargetAvailabilityInputSchema>;

export const TargetAvailabilitySchema = z.object({
  /** Every region of the ring's clusters (lower-case location names, sorted). */
  regions: z.array(z.string()),
  /** Those that do not offer the target yet. */
  missing: z.array(z.string()),
});
export type TargetAvailability = z.infer<typeof TargetAvailabilitySchema>;
