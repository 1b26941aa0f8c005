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

export const StaleNodeImagesSchema = z.object({
  stale: z.array(StalePoolSchema),
  /** The image families (e.g. `AKSUbuntu-2204gen2containerd`) the stale pools' newest images belong to. */
  families: z.array(z.string()),
});
export type StaleNodeImages = z.infer<typeof StaleNodeImagesSchema>;
