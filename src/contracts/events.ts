import { z } from "zod";
import { ClusterResultSchema } from "./cluster-results.js";

/**
 * External events: their names, one source for senders (API, dispatcher, activities) and receivers
 * (workflows), and the payloads receivers validate (an event may come from outside, so it is parsed, never cast).
 */
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

/** An authenticated caller: an Entra identity, or a function key (no person behind it). */
export const ActorSchema = z.object({
  name: z.string(),
  id: z.string(),
  via: z.enum(["entra", "key", "link"]),
});
export type Actor = z.infer<typeof ActorSchema>;

export const ApprovalEventSchema = z.object({
  approved: z.boolean(),
  by: z.string().default("api"),
  ring: z.string().optional(),
  comment: z.string().optional(),
  /** An answer in advance stands unless a later one explicitly replaces it (the API sends this). */
  replace: z.boolean().optional(),
  /** Who answered, as authenticated (src/api/actor.ts Actor). */
  actor: ActorSchema.optional(),
});
export type ApprovalEvent = z.infer<typeof ApprovalEventSchema>;

export const ControlEventSchema = z.object({
  action: z.enum(["pause", "resume", "cancel"]),
  by: z.string().default("api"),
  /**
   * The halt a resume answers (its `halted.since`, as the status showed it when asked). Events nobody waits
   * for are kept, so a resume sent while the rollout was not halted (or a second click on one halt) would
   * otherwise lift the next halt the moment it began, before anyone saw it.
   */
  halted: z.string().max(40).optional(),
  /** Who acted, as authenticated (src/api/actor.ts Actor). */
  actor: ActorSchema.optional(),
});
export type ControlEvent = z.infer<typeof ControlEventSchema>;

/** Only a halted or paused rollout has anything to resume (the API and the dashboard's link both ask). */
export const resumable = (state: string | undefined): boolean => state === "halted" || state === "paused";

/** What a resume carries to name the halt it answers (`halted.since` as the status shows it), if any. */
export const haltAnswered = (halted: { since: string } | undefined): { halted?: string } =>
  halted ? { halted: halted.since } : {};

/** What a cluster workflow tells the rollout that launched it when it ends. */
export const ClusterResultEventSchema = z.object({ runId: z.string(), result: ClusterResultSchema });
export type ClusterResultEvent = z.infer<typeof ClusterResultEventSchema>;

/** Dispatch relays AKS's NodePoolRolling* events to the cluster's workflow as this (dispatch/decide.ts). */
export const NodePoolRollingEventSchema = z.object({
  phase: z.enum(["Started", "Succeeded", "Failed"]),
  nodePoolName: z.string(),
  time: z.string(),
  eventKey: z.string(),
});
export type NodePoolRollingEvent = z.infer<typeof NodePoolRollingEventSchema>;

/** A Fleet gate changed state (or was deleted): its fleet-gate workflow stands down unless it is still Pending. */
export const GateUpdatedEventSchema = z.object({
  state: z.string().nullable(),
  time: z.string(),
  eventKey: z.string(),
});
export type GateUpdatedEvent = z.infer<typeof GateUpdatedEventSchema>;
