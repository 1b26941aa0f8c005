import { z } from "zod";
import { RolloutKindSchema } from "./workflow-inputs.js";

/**
 * Writing each ring's declared window onto its clusters as AKS maintenance configurations
 * (activities/windows.ts): what a rollout asks for, and each configuration written with before and after.
 */
export const ApplyRingWindowsInputSchema = z.object({
  kinds: z.array(RolloutKindSchema).readonly(),
  nowMs: z.number(),
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
});
export type RingWindowsResult = z.infer<typeof RingWindowsResultSchema>;
