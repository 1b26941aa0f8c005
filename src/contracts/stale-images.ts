import { z } from "zod";

/**
 * Node pools whose image is older than the newest in their region (activities/inventory.ts), which the
 * daily node-image workflow turns into a rollout.
 */
export const StalePoolSchema = z.object({
  clusterId: z.string(),
  pool: z.string(),
  current: z.string(),
  latest: z.string(),
});
export type StalePool = z.infer<typeof StalePoolSchema>;

/** At most this many stale pools are named in the result: the count and families are what the workflow needs. */
export const STALE_SAMPLE_MAX = 20;

export const StaleNodeImagesSchema = z.object({
  /** How many pools are stale, fleet-wide. */
  staleCount: z.number().int().nonnegative(),
  /**
   * The first `STALE_SAMPLE_MAX` of them, for the workflow's status and logs: the whole list grows with the
   * fleet (479 KB at 1,000 clusters) and an activity result over 1 MB fails under the Durable Task Scheduler.
   */
  sample: z.array(StalePoolSchema).max(STALE_SAMPLE_MAX),
  /** The image families (e.g. `AKSUbuntu-2204gen2containerd`) the stale pools' newest images belong to. */
  families: z.array(z.string()),
});
export type StaleNodeImages = z.infer<typeof StaleNodeImagesSchema>;
