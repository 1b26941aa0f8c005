import { z } from "zod";

/**
 * What each orchestrator is started with. Whoever starts a workflow (dispatch, the API, an activity, another
 * workflow) builds its input with these schemas, and the orchestrator validates what it gets with the same
 * schema (`parseWorkflowInput`), so a malformed input fails the orchestration at once with the field named
 * instead of failing later in an activity. Everything here stays JSON-serializable and small (< 45 KB).
 */
export const RolloutKindSchema = z.enum(["kubernetes", "nodeImage"]);
export type RolloutKind = z.infer<typeof RolloutKindSchema>;

/**
 * A Kubernetes rollout's level (domain/eligibility.ts RolloutLevel): it travels from the rollout to the plan
 * and to every cluster's preflight, which leave the other level's clusters alone. Absent: any single step.
 */
export const RolloutLevelSchema = z.enum(["patch", "minor"]);

export const RolloutInputSchema = z.object({
  policy: z.string(),
  kind: RolloutKindSchema,
  level: RolloutLevelSchema.optional(),
  /** Kubernetes version, or a label for node-image rollouts (e.g. the poll's date). */
  target: z.string(),
  requiresApproval: z.boolean().default(false),
  trigger: z.record(z.string(), z.unknown()).optional(),
  /** Which run of this target (1 = `rollout:<policy>:<kind>:<target>`, n = `…:g<n>`); see contracts/instance-ids.ts. */
  generation: z.number().int().min(1).optional(),
});
export type RolloutInput = z.infer<typeof RolloutInputSchema>;
/** What a starter may hand over (defaults not yet applied). */
export type RolloutInputInit = z.input<typeof RolloutInputSchema>;

export const IntervalSchema = z.object({ start: z.number(), end: z.number() });

/** A window source as JSON (domain `WindowSource`); `null` means the cluster may be upgraded any time. */
export const WindowSourceSchema = z.union([
  z.object({ kind: z.literal("window"), spec: z.record(z.string(), z.unknown()) }),
  z.object({ kind: z.literal("legacy"), config: z.record(z.string(), z.unknown()) }),
  z.object({ kind: z.literal("assignment"), window: z.record(z.string(), z.unknown()) }),
  z.null(),
]);
export type WindowSourceJson = z.infer<typeof WindowSourceSchema>;

export const ClusterUpgradeInputSchema = z.object({
  rolloutId: z.string(),
  /** Which run of the rollout launched this cluster (its plan time): a re-run of a finished rollout starts afresh. */
  runId: z.string(),
  /** The instance the cluster reports its result to: its lane (contracts/lanes.ts); the rollout when absent. */
  reportTo: z.string().optional(),
  ring: z.string(),
  clusterId: z.string(),
  name: z.string(),
  /** `<subscription>|<region>`: the scope of the concurrency cap. */
  bucket: z.string(),
  kind: RolloutKindSchema,
  level: RolloutLevelSchema.optional(),
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

/** Started by the node-image timer, one per policy and day. */
export const NodeImageRefreshInputSchema = z.object({ policy: z.string() });
export type NodeImageRefreshInput = z.infer<typeof NodeImageRefreshInputSchema>;

export const EndOfSupportInputSchema = z.object({
  policy: z.string(),
  clusterId: z.string(),
  kubernetesVersion: z.string(),
  stage: z.enum(["ending", "ended"]),
  eventKey: z.string(),
});
export type EndOfSupportInput = z.infer<typeof EndOfSupportInputSchema>;

export const FleetGateInputSchema = z.object({
  gateId: z.string(),
  fleetId: z.string(),
  displayName: z.string().nullable(),
  updateRunName: z.string().nullable(),
  stage: z.string().nullable(),
  group: z.string().nullable(),
  timing: z.string().nullable(),
  eventKey: z.string(),
  /** Absolute link that approves this gate's instance (set by dispatch from Fleet's record of the gate). */
  approveUrl: z.string().optional(),
});
export type FleetGateInput = z.infer<typeof FleetGateInputSchema>;

/** A notice from an event (budget alert, AKS maintenance) for the digest. */
export const NotifyInputSchema = z.object({
  category: z.enum(["budget", "aksMaintenance"]),
  summary: z.string(),
  event: z.looseObject({ key: z.string(), time: z.string() }),
});
export type NotifyInput = z.infer<typeof NotifyInputSchema>;

/**
 * One digest (team group and slot). Its messages were each validated with MessageSchema (contracts/messages.ts)
 * when queued (activities/notify.ts); here only what the digest itself relies on (typed: contracts/digests.ts).
 */
export const DigestInputSchema = z.object({
  teams: z.array(z.string()),
  slotEnd: z.number(),
  slotMs: z.number(),
  messages: z.array(z.looseObject({ key: z.string() })),
});

/**
 * Validates an orchestrator's input. Pure and deterministic (safe on replay); a bad input throws, which fails
 * the orchestration with a message naming the workflow and each offending field.
 */
export function parseWorkflowInput<S extends z.ZodType>(
  workflow: string,
  schema: S,
  raw: unknown,
): z.infer<S> {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues
    .map((i) => `${i.path.length ? i.path.join(".") : "(input)"}: ${i.message}`)
    .join("; ");
  throw new Error(`${workflow}: invalid input: ${problems}`);
}
