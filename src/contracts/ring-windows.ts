import { z } from "zod";
import { RolloutKindSchema } from "./workflow-inputs.js";

/**
 * Writing each ring's declared window onto its clusters as AKS maintenance configurations
 * (activities/windows.ts): what a rollout asks for, and each configuration written with before and after.
 */
export const ApplyRingWindowsInputSchema = z.object({
  kinds: z.array(RolloutKindSchema).readonly(),
  nowMs: z.number(),
  /**
   * The previous reconcile run: only clusters whose desired windows changed since then, or whose daily
   * drift check fell in between, are read (domain/window-reconcile.ts). Absent: read every cluster.
   */
  sinceMs: z.number().optional(),
});
export type ApplyRingWindowsInput = z.infer<typeof ApplyRingWindowsInputSchema>;

export const WindowChangeSchema = z.object({
  cluster: z.string(),
  config: z.string(),
  was: z.string(),
  now: z.string(),
});
export type WindowChange = z.infer<typeof WindowChangeSchema>;

export const RingWindowsResultSchema = z.object({
  written: z.array(WindowChangeSchema),
  unchanged: z.number(),
  /** Clusters whose configurations were read (one list call each), and those left alone this run. */
  read: z.number(),
  skipped: z.number(),
  /** Where the cluster list came from (Resource Graph, or ARM list as the fallback) and why. */
  source: z.string(),
});
export type RingWindowsResult = z.infer<typeof RingWindowsResultSchema>;
