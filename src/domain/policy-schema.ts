import { z } from "zod";
import { CostPolicySchema } from "./cost-policy-schema.js";
import { parseIsoDuration, type PolicyDuration } from "./durations.js";
import { ExecutorSchema, FleetExecutorSchema } from "./executor-schema.js";
import { parseVersion } from "./versions.js";
import { PolicyWindowSchema, timeZoneSchema } from "./window-spec.js";

/**
 * The rollout policy a platform team writes (examples/policy.yaml). Every field is validated here, and
 * every error names its path (`spec.rings[2].approval.timeout`) and what a valid value looks like.
 *
 * Parsing happens here once: durations come out as `{ iso, ms }` (nothing else parses ISO text), and every
 * default is declared once, on its field. Objects that may be left out entirely use `.prefault({})`, which
 * runs `{}` through the object so its fields' own defaults fill it in (no second copy of the values).
 */

const duration = (example: string) =>
  z
    .string({ error: `expected an ISO 8601 duration such as "${example}"` })
    .transform((iso, ctx): PolicyDuration => {
      const ms = parseIsoDuration(iso);
      if (ms === undefined) {
        ctx.issues.push({
          code: "custom",
          input: iso,
          message: `expected an ISO 8601 duration in weeks, days, hours, minutes or seconds, such as "${example}"`,
        });
        return z.NEVER;
      }
      return { iso, ms };
    });

/** A duration whose default is its example; the default is parsed like a written value. */
const durationOr = (fallback: string) => duration(fallback).prefault(fallback);

const versionEntry = z
  .string({ error: 'expected a version string such as "1.31.0" or a minor such as "1.31"' })
  .refine((v) => parseVersion(v) !== undefined, {
    error: 'expected a version such as "1.31.0" or a minor such as "1.31"',
  });

const VersionModeSchema = z.enum(["auto", "approval", "never"], {
  error: 'expected "auto" (roll out by itself), "approval" (wait for a person) or "never"',
});

const LocalDateTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/;
const FreezeSchema = z
  .strictObject({
    name: z.string({ error: "expected a name for the freeze" }).min(1),
    timeZone: timeZoneSchema.default("UTC"),
    start: z.string().regex(LocalDateTime, { error: 'expected local date-time "YYYY-MM-DDTHH:MM"' }),
    end: z.string().regex(LocalDateTime, { error: 'expected local date-time "YYYY-MM-DDTHH:MM"' }),
  })
  .refine((f) => f.start < f.end, { message: "start must be before end", path: ["end"] });

const SEVERITIES = ["Sev0", "Sev1", "Sev2", "Sev3", "Sev4"] as const;
const GateSchema = z.union(
  [
    z.literal("provisioningState"),
    z.literal("nodePoolEvents"),
    z.strictObject({
      azureMonitorAlerts: z.strictObject({
        severities: z
          .array(z.enum(SEVERITIES, { error: `expected one of ${SEVERITIES.join(", ")}` }))
          .min(1)
          .default(["Sev0", "Sev1"]),
        lookback: durationOr("PT2H"),
      }),
    }),
    z.strictObject({
      httpProbe: z.strictObject({
        url: z.url({ protocol: /^https?$/, error: "expected an http(s) URL" }),
        expectStatus: z.number().int().min(100).max(599).default(200),
        timeout: durationOr("PT10S"),
      }),
    }),
  ],
  {
    error: `expected a gate: provisioningState, nodePoolEvents, { azureMonitorAlerts: {…} } or { httpProbe: {…} }`,
  },
);
export type Gate = z.infer<typeof GateSchema>;

const SelectorSchema = z
  .strictObject({
    tags: z.record(z.string(), z.string()).optional(),
    subscriptions: z.array(z.string()).optional(),
    resourceGroups: z.array(z.string()).optional(),
    locations: z.array(z.string()).optional(),
    /** Cluster name patterns; `*` matches any run of characters. */
    names: z.array(z.string()).optional(),
  })
  .refine((s) => Object.values(s).some((v) => v !== undefined), {
    message: "select at least one of tags, subscriptions, resourceGroups, locations or names",
  });
export type Selector = z.infer<typeof SelectorSchema>;

/**
 * The digest slot, also used when `notifications` is left out (that block needs a sender, so it cannot be
 * filled in by default): the one place the value is written.
 */
export const DIGEST_DEFAULT: PolicyDuration = durationOr("PT30M").parse(undefined);

const positiveInt = (what: string) =>
  z
    .number({ error: `expected a whole number (${what})` })
    .int({ error: `expected a whole number (${what})` });

const ApprovalSchema = z.strictObject({
  required: z.boolean().default(true),
  timeout: durationOr("PT48H"),
  onTimeout: z.enum(["approve", "reject"], { error: 'expected "approve" or "reject"' }).default("reject"),
  /**
   * The one-click link in the email is not enough: whoever acts on this ring (approve, reject, resume,
   * cancel) must be signed in (App Service authentication in Azure), and is recorded by that identity.
   */
  requireIdentity: z.boolean({ error: "expected true or false" }).default(false),
});

/** A ring without `approval`: the schema's own defaults with `required: false`. */
export const NO_APPROVAL = ApprovalSchema.parse({ required: false });

const RolloutApprovalSchema = z.strictObject({
  timeout: durationOr("P7D"),
  onTimeout: z.enum(["approve", "reject"], { error: 'expected "approve" or "reject"' }).default("reject"),
  /** As a ring's `approval.requireIdentity`, for the question asked before the first ring. */
  requireIdentity: z.boolean({ error: "expected true or false" }).default(false),
});

const RetriesSchema = z.strictObject({
  /** Attempts after the first failure, within the same window. */
  attempts: positiveInt("retries").min(0).max(10).default(2),
  delay: durationOr("PT10M"),
});

const RingSchema = z.strictObject({
  name: z
    .string({ error: "expected a ring name" })
    .regex(/^[a-z0-9][a-z0-9-]{0,39}$/, { error: "expected lower-case letters, digits and dashes (max 40)" }),
  selector: SelectorSchema,
  maintenanceWindow: PolicyWindowSchema.optional(),
  soak: duration("PT24H").optional(),
  failureBudget: positiveInt("failed clusters tolerated").min(0).optional(),
  /** Left out: no approval (`NO_APPROVAL`); written, even as `approval: {}`, one is required. */
  approval: ApprovalSchema.optional(),
  maxConcurrentPerSubscriptionRegion: positiveInt("clusters at once").min(1).optional(),
  gates: z.array(GateSchema).optional(),
  retries: RetriesSchema.optional(),
  notify: z.array(z.string()).optional(),
  /** Overrides `spec.executor` for this ring (domain/executor-schema.ts). */
  executor: ExecutorSchema.optional(),
});

export const PolicySchema = z.strictObject({
  apiVersion: z.literal("ringmaster/v1", { error: 'expected "ringmaster/v1"' }),
  kind: z.literal("RolloutPolicy", { error: 'expected "RolloutPolicy"' }),
  metadata: z.strictObject({
    name: z
      .string({ error: "expected a policy name" })
      .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, { error: "expected lower-case letters, digits and dashes" }),
  }),
  spec: z.strictObject({
    versions: z
      .strictObject({
        patch: VersionModeSchema.default("auto"),
        minor: VersionModeSchema.default("approval"),
        allow: z.array(versionEntry).optional(),
        deny: z.array(versionEntry).default([]),
        /** The question asked before the first ring of a target set to "approval". */
        approval: RolloutApprovalSchema.prefault({}),
      })
      .prefault({}),
    nodeImage: z
      .strictObject({
        /** Six-field NCRONTAB; checked with croner by config/policy.ts (config/ncrontab.ts). */
        schedule: z.string({ error: 'expected six-field NCRONTAB, e.g. "0 0 5 * * Mon"' }),
        enabled: z.boolean().default(true),
      })
      .optional(),
    /** Who carries the rollout out: Ringmaster's cluster workflows or one Fleet Manager update run. */
    executor: ExecutorSchema.default("ringmaster"),
    fleet: FleetExecutorSchema.optional(),
    manageWindows: z.boolean().default(false),
    requireWindow: z.boolean().default(true),
    freezes: z.array(FreezeSchema).default([]),
    estimates: z
      .strictObject({
        controlPlaneMinutes: positiveInt("minutes").min(1).default(15),
        perNodeMinutes: positiveInt("minutes").min(1).default(8),
        nodeImagePerNodeMinutes: positiveInt("minutes").min(1).optional(),
      })
      .prefault({}),
    defaults: z
      .strictObject({
        soak: durationOr("PT24H"),
        failureBudget: positiveInt("failed clusters tolerated").min(0).default(0),
        maxConcurrentPerSubscriptionRegion: positiveInt("clusters at once").min(1).default(3),
        gates: z.array(GateSchema).default(["provisioningState", "nodePoolEvents"]),
        retries: RetriesSchema.prefault({}),
        /** How often a running upgrade is polled when no NodePoolRolling* event arrives. */
        slowPoll: durationOr("PT5M"),
      })
      .prefault({}),
    rings: z.array(RingSchema).min(1, { error: "define at least one ring" }),
    onCall: z
      .record(
        z.string(),
        z.strictObject({ email: z.array(z.email({ error: "expected an email address" })).min(1) }),
      )
      .default({}),
    notifications: z
      .strictObject({
        from: z.email({ error: "expected the sender address of a verified ACS domain" }),
        digest: durationOr(DIGEST_DEFAULT.iso),
      })
      .optional(),
    cost: CostPolicySchema,
  }),
});

export type Policy = z.infer<typeof PolicySchema>;
export type Ring = Policy["spec"]["rings"][number];
