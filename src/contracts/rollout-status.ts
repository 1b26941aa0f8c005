import { z } from "zod";
import { FleetRunViewSchema } from "./fleet-run-view.js";
import { ClusterCountsSchema } from "./lanes.js";
import { RolloutKindSchema } from "./workflow-inputs.js";

/**
 * The status projections: what a rollout (and each cluster workflow) keeps in its orchestration's custom
 * status, and what the API, the terminal progress view and the tests read. Declared once, here. `state` (with
 * `ring`, the ring it is about) is the machine-readable part: readers branch on it. `phase` is the same
 * thing in words, for people; nobody parses it.
 */
export const RolloutStates = {
  planned: "planned",
  /** Every cluster already runs the target: ended without email. */
  nothingToDo: "nothing-to-do",
  /** Preparation failed after its retries (see `failure`). */
  failed: "failed",
  /** An approval for `ring` will be requested later (answers in advance are welcome). */
  approvalScheduled: "approval-scheduled",
  waitingApproval: "waiting-approval",
  running: "running",
  paused: "paused",
  canceling: "canceling",
  soaking: "soaking",
  halted: "halted",
  completed: "completed",
  rejected: "rejected",
  canceled: "canceled",
} as const;
export type RolloutStateName = (typeof RolloutStates)[keyof typeof RolloutStates];
export const RolloutStateSchema = z.enum(
  Object.values(RolloutStates) as [RolloutStateName, ...RolloutStateName[]],
);

export const RingStatusSchema = z.enum([
  "pending",
  "running",
  "succeeded",
  "halted",
  "resumed",
  "rejected",
  "canceled",
  "skipped",
  "completed",
]);
export type RingStatus = z.infer<typeof RingStatusSchema>;

/** A health gate's verdict after a ring's soak, with its evidence (activities/gates.ts evaluates them). */
export const GateResultSchema = z.object({
  /** provisioningState, nodePoolEvents, azureMonitorAlerts or httpProbe. */
  kind: z.string(),
  /** The gate as configured, e.g. `azureMonitorAlerts(Sev0,Sev1, PT2H)`. */
  gate: z.string(),
  passed: z.boolean(),
  evidence: z.array(z.string()).readonly(),
});

export const RingStateSchema = z.object({
  name: z.string(),
  status: RingStatusSchema,
  /** The ring's clusters by phase and result (each cluster itself: its lane's status, `GET …/clusters`). */
  counts: ClusterCountsSchema,
  /** How many lanes (contracts/lanes.ts) the ring has, and how many have reported. */
  lanes: z.object({ total: z.number(), done: z.number() }),
  soakUntil: z.string().optional(),
  gates: z.array(GateResultSchema).optional(),
  /** What the plan said when the rollout was prepared (the dashboard's ETA and timeline). */
  planned: z
    .object({
      firstStart: z.string().nullish(),
      lastEnd: z.string().nullish(),
      soakUntil: z.string().nullish(),
    })
    .optional(),
});
export type RingState = z.infer<typeof RingStateSchema>;

export const ATTENTION_MAX = 12;
export const AttentionSchema = z.object({
  name: z.string(),
  ring: z.string(),
  status: z.string(),
  code: z.string().optional(),
  reason: z.string().optional(),
});
export type Attention = z.infer<typeof AttentionSchema>;

export const RolloutStatusSchema = z.object({
  rollout: z.string(),
  policy: z.string(),
  kind: RolloutKindSchema,
  target: z.string(),
  state: RolloutStateSchema,
  /** The ring `state` is about (for the rollout-wide approval: "rollout"); absent when it is about none. */
  ring: z.string().optional(),
  /** `state` in words, for people. */
  phase: z.string(),
  rings: z.array(RingStateSchema),
  /** Clusters that need someone's attention (failed, held), at most `ATTENTION_MAX`; `more` counts the rest. */
  attention: z.object({ clusters: z.array(AttentionSchema), more: z.number() }).optional(),
  approval: z
    .object({
      ring: z.string(),
      requestedAt: z.string(),
      deadline: z.string(),
      onTimeout: z.enum(["approve", "reject"]),
      result: z.string().optional(),
    })
    .optional(),
  halted: z.object({ since: z.string(), reason: z.string() }).optional(),
  /** Answers given in advance, by ring, until that ring asks. */
  answers: z.record(z.string(), z.object({ approved: z.boolean(), by: z.string() })).optional(),
  pinnedImages: z.record(z.string(), z.string()).optional(),
  /** The Fleet executor's update runs (contracts/fleet-run-view.ts). */
  fleet: FleetRunViewSchema.optional(),
  /** Why preparation failed (state `failed`). */
  failure: z.object({ since: z.string(), reason: z.string() }).optional(),
});
export type RolloutStatus = z.infer<typeof RolloutStatusSchema>;

/** A rollout's custom status as read back from the durable store: undefined when it has none yet. */
export function readRolloutStatus(
  raw: unknown,
): { ok: true; status: RolloutStatus | undefined } | { ok: false; error: string } {
  if (raw === null || raw === undefined) return { ok: true, status: undefined };
  const parsed = RolloutStatusSchema.safeParse(raw);
  if (parsed.success) return { ok: true, status: parsed.data };
  return {
    ok: false,
    error: parsed.error.issues.map((i) => `${i.path.join(".") || "(status)"}: ${i.message}`).join("; "),
  };
}

/** What a cluster workflow is doing, in its own custom status. */
export const ClusterPhase = {
  waitingForWindow: "waiting for window",
  paused: "paused by the rollout",
  preflight: "preflight",
  upgrading: "upgrading",
  retrying: "retrying",
} as const;
export type ClusterPhase = (typeof ClusterPhase)[keyof typeof ClusterPhase];

export const ClusterWorkflowStatusSchema = z.object({
  phase: z.enum(Object.values(ClusterPhase) as [ClusterPhase, ...ClusterPhase[]]),
  cluster: z.string(),
  ring: z.string(),
  rollout: z.string(),
  attempt: z.number().optional(),
  pool: z.string().optional(),
  since: z.string().optional(),
  lastError: z.string().optional(),
  retryAt: z.string().optional(),
  windowStart: z.string().optional(),
  windowEnd: z.string().optional(),
  /** When the upgrade is to start. */
  startAt: z.string().optional(),
  /** Why the last window was missed (nothing was written), shown while waiting for the next. */
  missedWindow: z.string().optional(),
  /**
   * What AKS's NodePoolRolling* events said so far in this attempt: pools rolled of the pools the upgrade
   * moves, and the last event. Events are hints: the upgrade ends only on what ARM reports.
   */
  progress: z
    .object({ rolled: z.number(), of: z.number(), pool: z.string(), phase: z.string(), time: z.string() })
    .optional(),
});
export type ClusterWorkflowStatus = z.infer<typeof ClusterWorkflowStatusSchema>;
/** The fields beside the phase a cluster workflow sets as it goes. */
export type ClusterStatusDetail = Partial<
  Omit<ClusterWorkflowStatus, "phase" | "cluster" | "ring" | "rollout">
>;

/** A rollout as `GET /api/rollouts/{id}` answers: the status, rings with their counts, where to page clusters. */
export interface RolloutDetail {
  id: string;
  runtimeStatus: string;
  state: RolloutStateName | null;
  ring: string | null;
  phase: string | null;
  createdTime: string | null;
  lastUpdatedTime: string | null;
  rings: RingState[];
  /** `GET /api/rollouts/{id}/clusters` (add `?ring=`, `&status=`): every cluster, a page at a time. */
  clustersUri: string;
  status: RolloutStatus | null;
  /** Set when the stored status does not match `RolloutStatusSchema` (named fields). */
  statusError?: string;
  output: unknown;
}

/** A rollout as `GET /api/rollouts` lists it: rings with their cluster counts. */
export type RolloutListItem = Omit<RolloutDetail, "rings" | "status" | "output" | "clustersUri"> & {
  rings: { name: string; status: RingStatus; clusters: number }[];
};

/** One cluster as `GET /api/rollouts/{id}/clusters` pages them: its lane's entry, with its own workflow's status in flight. */
export interface RolloutClusterItem {
  name: string;
  ring: string;
  lane: string;
  clusterId: string | null;
  workflow: string | null;
  status: string;
  code?: string;
  reason?: string;
  predictedStart?: string;
  live?: ClusterWorkflowStatus | null;
}
