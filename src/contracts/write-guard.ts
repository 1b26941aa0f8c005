import { z } from "zod";
import { IntervalSchema, WindowSourceSchema } from "./workflow-inputs.js";

/**
 * What a cluster workflow hands `startUpgrade` so the activity can re-check, at the moment of the write,
 * that the window is open, the predicted duration fits and no freeze applies (activities/write-guard.ts).
 */
export const WriteGuardSchema = z.object({
  /** The cluster's window source as JSON (`null`: any time, minus freezes). */
  window: WindowSourceSchema,
  /** Freezes as instants. */
  blocked: z.array(IntervalSchema).readonly(),
  /** What the write is predicted to take from now (the whole upgrade, or what is left of it). */
  durationMs: z.number(),
  /** The window the workflow meant to use, to say which one was missed. */
  planned: IntervalSchema,
});
export type WriteGuard = z.infer<typeof WriteGuardSchema>;
