import { z } from "zod";
import { ClusterResultSchema, PoolEventSchema } from "./cluster-results.js";
import {
  IntervalSchema,
  RolloutKindSchema,
  RolloutLevelSchema,
  WindowSourceSchema,
} from "./workflow-inputs.js";

/**
 * Lanes: how a rollout stays bounded at any fleet size. Each ring's clusters are split into lanes — one
 * subscription-region, at most `LANE_SIZE` clusters each — and each lane is its own orchestration
 * (`lane:<rollout>@<ring index>:<n>`) that holds only its slice of the plan, launches its cluster workflows
 * under the concurrency cap and reports one `LaneResult` to the rollout. The rollout keeps counts; each
 * lane's custom status lists its own clusters; each cluster's detail stays in its cluster workflow.
 * Sizes: a lane's input is ≈ 2 KB per cluster (≤ 256 KB), its custom status ≤ 300 UTF-16 characters per
 * cluster (≤ 16 KB), its history a few events per cluster.
 */
export const LANE_SIZE = 20;
/** Reasons are cut to this many characters in statuses (the cluster workflow and the emails keep them whole). */
export const REASON_CHARS = 100;

export const LaneEvents = {
  /** Sent by the rollout when the lane's ring starts, with what earlier rings qualified. */
  start: "LaneStart",
  /** Sent by a lane to its rollout when every one of its clusters has settled. */
  result: "LaneResult",
} as const;

/** Lane ids sort by ring, then lane number; `@` cannot occur in a rollout id, so prefixes never overlap. */
export function laneIdPrefix(rolloutId: string, ringIndex?: number): string {
  return ringIndex === undefined ? `lane:${rolloutId}@` : `lane:${rolloutId}@${pad(ringIndex, 2)}:`;
}
export function laneInstanceId(rolloutId: string, ringIndex: number, lane: number): string {
  return `${laneIdPrefix(rolloutId, ringIndex)}${pad(lane, 4)}`;
}
export function laneIds(rolloutId: string, ringIndex: number, lanes: number): string[] {
  return Array.from({ length: lanes }, (_, n) => laneInstanceId(rolloutId, ringIndex, n));
}
const pad = (n: number, width: number) => String(n).padStart(width, "0");

/** One cluster of a lane: only what differs between clusters (the rest is the lane's). */
export const LaneClusterSchema = z.object({
  clusterId: z.string(),
  name: z.string(),
  durationMs: z.number(),
  window: WindowSourceSchema,
  predictedStart: z.string().optional(),
});
export type LaneCluster = z.infer<typeof LaneClusterSchema>;

export const LaneSkippedSchema = z.object({
  name: z.string(),
  clusterId: z.string().optional(),
  reason: z.string(),
  code: z.string(),
});

export const LaneInputSchema = z.object({
  rolloutId: z.string(),
  /** The rollout's plan time: which run of the rollout this lane belongs to. */
  runId: z.string(),
  ring: z.string(),
  ringIndex: z.number().int().min(0),
  lane: z.number().int().min(0),
  /** `<subscription>|<region>`: the scope of the concurrency cap. */
  bucket: z.string(),
  kind: RolloutKindSchema,
  level: RolloutLevelSchema.optional(),
  target: z.string(),
  /** At most this many of the lane's clusters in flight (the ring's cap per subscription-region). */
  cap: z.number().int().min(1),
  /** Teams told when a cluster fails. */
  notify: z.array(z.string()),
  blocked: z.array(IntervalSchema),
  notBefore: z.number(),
  horizonEnd: z.number(),
  retries: z.object({ attempts: z.number(), delayMs: z.number() }),
  slowPollMs: z.number(),
  clusters: z.array(LaneClusterSchema).max(LANE_SIZE),
  skipped: z.array(LaneSkippedSchema).max(LANE_SIZE),
});
export type LaneInput = z.infer<typeof LaneInputSchema>;

export const LaneStartEventSchema = z.object({
  runId: z.string(),
  pinnedImages: z.record(z.string(), z.string()).default({}),
});
export type LaneStartEvent = z.infer<typeof LaneStartEventSchema>;

/** What one lane tells its rollout: counts, its failures (for the halt email), what it upgraded (for gates). */
export const ClusterCountsSchema = z.object({
  total: z.number(),
  scheduled: z.number(),
  skipped: z.number(),
  running: z.number(),
  succeeded: z.number(),
  failed: z.number(),
  canceled: z.number(),
});
export type ClusterCounts = z.infer<typeof ClusterCountsSchema>;
export const emptyCounts = (): ClusterCounts => ({
  total: 0,
  scheduled: 0,
  skipped: 0,
  running: 0,
  succeeded: 0,
  failed: 0,
  canceled: 0,
});

export const LaneFailureSchema = ClusterResultSchema.pick({
  clusterId: true,
  name: true,
  ring: true,
  pool: true,
  code: true,
  reason: true,
  attempts: true,
});
export type LaneFailure = z.infer<typeof LaneFailureSchema>;

export const LaneResultSchema = z.object({
  lane: z.string(),
  runId: z.string(),
  ring: z.string(),
  canceled: z.boolean(),
  /** Settled clusters by result (`running`/`scheduled` are 0 once a lane has ended). */
  counts: ClusterCountsSchema,
  failed: z.array(LaneFailureSchema).max(LANE_SIZE),
  /** Clusters whose result is skipped for a reason someone should see (held by another rollout, …). */
  noticed: z.array(LaneFailureSchema).max(LANE_SIZE),
  upgraded: z
    .array(
      z.object({
        clusterId: z.string(),
        name: z.string(),
        poolEvents: z.array(PoolEventSchema),
        images: z.record(z.string(), z.string()).optional(),
      }),
    )
    .max(LANE_SIZE),
});
export type LaneResult = z.infer<typeof LaneResultSchema>;

/** A lane as its custom status shows it: where it is, and each of its clusters (planned, in flight, result). */
export const LaneClusterEntrySchema = z.object({
  status: z.enum(["scheduled", "skipped", "started", "waiting", "succeeded", "failed", "canceled"]),
  reason: z.string().optional(),
  code: z.string().optional(),
  predictedStart: z.string().optional(),
});
export type LaneClusterEntry = z.infer<typeof LaneClusterEntrySchema>;

export const LaneStatusSchema = z.object({
  rollout: z.string(),
  ring: z.string(),
  lane: z.number(),
  bucket: z.string(),
  state: z.enum(["waiting-for-ring", "running", "paused", "canceling", "done"]),
  /** By cluster name. */
  clusters: z.record(z.string(), LaneClusterEntrySchema),
});
export type LaneStatus = z.infer<typeof LaneStatusSchema>;

/** The UTF-16 size of a value's JSON: what Azure measures custom status by (a JS string is UTF-16). */
export const utf16Bytes = (value: unknown): number => 2 * (JSON.stringify(value) ?? "").length;
/** The UTF-8 size of a value's JSON: what payload limits (inputs, outputs, events) count. */
export const utf8Bytes = (value: unknown): number => Buffer.byteLength(JSON.stringify(value) ?? "", "utf8");

export const shortReason = (reason: string | undefined): string | undefined =>
  reason === undefined
    ? undefined
    : reason.length <= REASON_CHARS
      ? reason
      : `${reason.slice(0, REASON_CHARS - 1)}…`;
