import { z } from "zod";

/**
 * The daily cost check (workflows/cost-anomaly-check.ts, activities/cost-anomalies.ts): what the
 * activity is asked and what it answers. The answer holds only what is anomalous, never the fleet's rows,
 * so at 5,000 clusters it stays a few kilobytes of orchestration history.
 */
const DAY = /^\d{4}-\d{2}-\d{2}$/;

export const CostCheckInputSchema = z.object({
  /** The UTC spend day to check, YYYY-MM-DD. */
  day: z.string().regex(DAY, { error: "expected a UTC day as YYYY-MM-DD" }),
  /** Only these subscriptions (those whose rows had not landed on the last try); all managed ones when absent. */
  subscriptions: z.array(z.string()).optional(),
});
export type CostCheckInput = z.infer<typeof CostCheckInputSchema>;

/** A Ringmaster operation on the cluster around the spend day, from its cluster workflow. */
export const ClusterOperationSchema = z.object({
  /** `kubernetes` or `nodeImage` upgrade. */
  kind: z.string(),
  target: z.string(),
  rollout: z.string(),
  ring: z.string().optional(),
  /** The cluster workflow's outcome (succeeded, failed, …) or its runtime status while it runs. */
  status: z.string(),
  start: z.string().optional(),
  end: z.string().optional(),
});
export type ClusterOperation = z.infer<typeof ClusterOperationSchema>;

export const GrownResourceSchema = z.object({
  resourceId: z.string(),
  amount: z.number(),
  /** The resource's mean daily cost over the history (0 when it is new). */
  usual: z.number(),
});

export const CostAnomalySchema = z.object({
  clusterId: z.string(),
  name: z.string(),
  day: z.string(),
  amount: z.number(),
  currency: z.string(),
  expected: z.number(),
  low: z.number(),
  high: z.number(),
  historyDays: z.number(),
  /** The resources whose cost rose most that day (at most five). */
  grown: z.array(GrownResourceSchema).max(5),
  /** Every Ringmaster operation on the cluster in the 48 hours up to the end of the spend day. */
  operations: z.array(ClusterOperationSchema).max(10),
});
export type CostAnomaly = z.infer<typeof CostAnomalySchema>;

export const CostCheckResultSchema = z.object({
  day: z.string(),
  /** Clusters judged (enough history, rows landed). */
  checked: z.number(),
  /** Clusters with too little history to judge. */
  insufficient: z.number(),
  /** Subscriptions whose rows for the day have not landed yet (retried later). */
  pending: z.array(z.string()),
  rows: z.number(),
  pages: z.number(),
  anomalies: z.array(CostAnomalySchema).max(200),
  /** Anomalies beyond the policy's `maxPerDay`, counted, not listed. */
  more: z.number(),
});
export type CostCheckResult = z.infer<typeof CostCheckResultSchema>;

export const QueueCostAnomaliesInputSchema = z.object({
  anomalies: z.array(CostAnomalySchema).max(200),
  more: z.number().default(0),
  time: z.string(),
});

/** The daily check's orchestration input (started by the timer, api/schedules.ts). */
export const CostAnomalyCheckInputSchema = z.object({
  policy: z.string(),
  day: z.string().regex(DAY, { error: "expected a UTC day as YYYY-MM-DD" }),
  /** Subscriptions whose rows have not landed are asked again every `retryEveryMs` until this instant. */
  retryUntilMs: z.number(),
  retryEveryMs: z.number().positive(),
});
export type CostAnomalyCheckInput = z.infer<typeof CostAnomalyCheckInputSchema>;
