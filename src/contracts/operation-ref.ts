import { z } from "zod";

/**
 * A running AKS operation as orchestration history keeps it. The cluster-upgrade workflow holds this
 * between `startUpgrade` and `checkOperation`, possibly for hours and across restarts and deployments, so
 * it is our own shape with its own schema, not the adapter's `OperationHandle`: a change in the adapter
 * (a new field, a poller's serialised state) cannot change what history holds or break a replay, and the
 * value read back from history is validated before it reaches the adapter (activities/operation-ref.ts maps
 * between the two).
 */
export const OperationRefSchema = z.strictObject({
  /**
   * What was started (`cluster`, `pool`, `nodeImage`), or `watch`: an operation already under way that
   * this process did not start (found after a crash or a 409), followed through provisioning state.
   */
  kind: z.enum(["cluster", "pool", "nodeImage", "watch"]),
  clusterId: z.string().min(1),
  pool: z.string().min(1).optional(),
  /** The poller's resume token; empty for `watch`. */
  token: z.string(),
});
export type OperationRef = z.infer<typeof OperationRefSchema>;

/** Where a running operation stands, as the workflow records it. */
export const OperationStatusSchema = z.strictObject({
  done: z.boolean(),
  status: z.enum(["running", "succeeded", "failed", "canceled"]),
  error: z.strictObject({ code: z.string(), message: z.string() }).optional(),
});
export type OperationStatus = z.infer<typeof OperationStatusSchema>;
