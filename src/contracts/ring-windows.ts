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
  /**
   * Every written configuration in `written`, not only the first WRITTEN_ROWS: for the reconcile timer,
   * which calls the activity directly and logs each one. An orchestration's result stays bounded (it goes
   * into history: 246 KB at 1,000 clusters when every cluster was listed, over DTS's 1 MB at 5,000).
   */
  everyRow: z.boolean().optional(),
});
export type ApplyRingWindowsInput = z.infer<typeof ApplyRingWindowsInputSchema>;

export const WindowChangeSchema = z.object({
  cluster: z.string(),
  config: z.string(),
  was: z.string(),
  now: z.string(),
});
export type WindowChange = z.infer<typeof WindowChangeSchema>;

/** Configurations listed in `written` unless `everyRow` asks for all of them. */
export const WRITTEN_ROWS = 20;

export const RingWindowsResultSchema = z.object({
  /** The configurations written: the first WRITTEN_ROWS of them (or all, with `everyRow`). */
  written: z.array(WindowChangeSchema),
  /** How many configurations were written in all. */
  writtenCount: z.number(),
  unchanged: z.number(),
  /** Clusters whose configurations were read (one list call each), and those left alone this run. */
  read: z.number(),
  skipped: z.number(),
  /** Where the cluster list came from (Resource Graph, or ARM list as the fallback) and why. */
  source: z.string(),
});
export type RingWindowsResult = z.infer<typeof RingWindowsResultSchema>;
