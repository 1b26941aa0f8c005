import { z } from "zod";

/**
 * What a cluster workflow ends with and reports to its rollout (the `ClusterResult` event, contracts/events.ts),
 * and the value-shaped outcomes activities return. Plain JSON: it is kept in orchestration history.
 */
export const PoolEventSchema = z.object({ pool: z.string(), phase: z.string(), time: z.string() });
export type PoolEvent = z.infer<typeof PoolEventSchema>;

export const ClusterResultSchema = z.object({
  clusterId: z.string(),
  name: z.string(),
  ring: z.string(),
  status: z.enum(["succeeded", "failed", "skipped", "canceled"]),
  reason: z.string().optional(),
  code: z.string().optional(),
  pool: z.string().optional(),
  start: z.string().optional(),
  end: z.string().optional(),
  attempts: z.number(),
  /** Node images the cluster runs afterwards, per pool. */
  images: z.record(z.string(), z.string()).optional(),
  poolEvents: z.array(PoolEventSchema),
});
export type ClusterResult = z.infer<typeof ClusterResultSchema>;

/** Outcomes an activity expects are values, not exceptions (an Error's class does not survive replay). */
export type Outcome<T> =
  ({ ok: true } & T) | { ok: false; code: string; message: string; retriable: boolean };

/** The schema of an `Outcome<T>`: `ok: true` with the shape's fields, or a refusal with its code. */
export function outcomeSchema<S extends z.ZodRawShape>(shape: S) {
  return z.discriminatedUnion("ok", [
    z.object({ ok: z.literal(true), ...shape }),
    z.object({ ok: z.literal(false), code: z.string(), message: z.string(), retriable: z.boolean() }),
  ]);
}
