import { z } from "zod";

/**
 * The data workflows exchange: workflow inputs (validated with zod by whoever starts them) and the plain
 * JSON results activities return. Everything here must stay serializable and small (< 45 KB).
 */
export const RolloutInputSchema = z.object({
  policy: z.string(),
  kind: z.enum(["kubernetes", "nodeImage"]),
  level: z.enum(["patch", "minor"]).optional(),
  /** Kubernetes version, or a label for node-image rollouts (e.g. the poll's date). */
  target: z.string(),
  requiresApproval: z.boolean().default(false),
  trigger: z.record(z.string(), z.unknown()).optional(),
  /** Which run of this target (1 = `rollout:<policy>:<kind>:<target>`, n = `…:g<n>`); see dispatch/generations.ts. */
  generation: z.number().int().min(1).optional(),
});
export type RolloutInput = z.infer<typeof RolloutInputSchema>;

export const IntervalSchema = z.object({ start: z.number(), end: z.number() });

/** A window source as JSON (domain `WindowSource`); `null` means the cluster may be upgraded any time. */
export const WindowSourceSchema = z.union([
  z.object({ kind: z.literal("window"), spec: z.record(z.string(), z.unknown()) }),
  z.object({ kind: z.literal("legacy"), config: z.record(z.string(), z.unknown()) }),
  z.null(),
]);
export type WindowSourceJson = z.infer<typeof WindowSourceSchema>;

export const ClusterUpgradeInputSchema = z.object({
  rolloutId: z.string(),
  /** Which run of the rollout launched this cluster (its plan time): a re-run of a finished rollout starts afresh. */
  runId: z.string(),
  ring: z.string(),
  clusterId: z.string(),
  name: z.string(),
  /** `<subscription>|<region>`: the scope of the concurrency cap. */
  bucket: z.string(),
  kind: z.enum(["kubernetes", "nodeImage"]),
  target: z.string(),
  /** Node images qualified by an earlier ring, per image family: later rings take exactly these. */
  pinnedImages: z.record(z.string(), z.string()).default({}),
  durationMs: z.number(),
  window: WindowSourceSchema,
  /** Freezes as instants. */
  blocked: z.array(IntervalSchema).default([]),
  notBefore: z.number(),
  horizonEnd: z.number(),
  retries: z.object({ attempts: z.number(), delayMs: z.number() }),
  slowPollMs: z.number(),
});
export type ClusterUpgradeInput = z.infer<typeof ClusterUpgradeInputSchema>;

export type ClusterStatus =
  "pending" | "waiting" | "upgrading" | "succeeded" | "failed" | "skipped" | "canceled";

export interface PoolEvent {
  readonly pool: string;
  readonly phase: string;
  readonly time: string;
}

export interface ClusterResult {
  readonly clusterId: string;
  readonly name: string;
  readonly ring: string;
  readonly status: "succeeded" | "failed" | "skipped" | "canceled";
  readonly reason?: string;
  readonly code?: string;
  readonly pool?: string;
  readonly start?: string;
  readonly end?: string;
  readonly attempts: number;
  /** Node images the cluster runs afterwards, per pool. */
  readonly images?: Record<string, string>;
  readonly poolEvents: readonly PoolEvent[];
}

/** Code of a write refused because the window is closed, too short or frozen: the cluster waits for the next. */
export const MISSED_WINDOW = "MissedWindow";

/** Outcomes an activity expects are values, not exceptions (an Error's class does not survive replay). */
export type Outcome<T> =
  ({ ok: true } & T) | { ok: false; code: string; message: string; retriable: boolean };

export const ApprovalEventSchema = z.object({
  approved: z.boolean(),
  by: z.string().default("api"),
  ring: z.string().optional(),
  comment: z.string().optional(),
  /** An answer in advance stands unless a later one explicitly replaces it (the API sends this). */
  replace: z.boolean().optional(),
  /** Who answered, as authenticated (src/api/actor.ts Actor). */
  actor: z.object({ name: z.string(), id: z.string(), via: z.enum(["entra", "key"]) }).optional(),
});
export type ApprovalEvent = z.infer<typeof ApprovalEventSchema>;

export const ControlEventSchema = z.object({
  action: z.enum(["pause", "resume", "cancel"]),
  by: z.string().default("api"),
  /** Who acted, as authenticated (src/api/actor.ts Actor). */
  actor: z.object({ name: z.string(), id: z.string(), via: z.enum(["entra", "key"]) }).optional(),
});
export type ControlEvent = z.infer<typeof ControlEventSchema>;

/** What a cluster workflow tells the rollout that launched it when it ends. */
export interface ClusterResultEvent {
  readonly runId: string;
  readonly result: ClusterResult;
}

/** External event names, one source for senders (API, dispatcher, activities) and receivers (workflows). */
export const RolloutEvents = {
  approval: "Approval",
  control: "Control",
  clusterResult: "ClusterResult",
} as const;
/** Sent by a rollout to its cluster workflows: pause, resume or cancel what has not started upgrading. */
export const ClusterEvents = { hold: "Hold" } as const;
export const ExternalEvent = {
  nodePoolRolling: "NodePoolRolling",
  monitorAlert: "MonitorAlert",
  gateUpdated: "GateUpdated",
  gateDeleted: "GateDeleted",
  notification: "Notification",
} as const;
