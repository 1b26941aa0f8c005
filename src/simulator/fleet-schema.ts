import { z } from "zod";
import { PUBLIC_CONFIGS } from "./arg-maintenance.js";

/**
 * The simulated Azure a fleet file describes (examples/fleet.yaml): subscriptions and clusters, release
 * schedule, faults, clock and Event Grid delivery. The simulator is the test oracle, so this schema is its
 * own and shares nothing with Ringmaster's domain (design §3).
 */
const text = z.string().min(1);
const VERSION = /^\d+\.\d+\.\d+$/;
const version = z.string().regex(VERSION, { error: "expected a full Kubernetes version such as 1.30.4" });
const instantText = z
  .string()
  .refine((s) => !Number.isNaN(Date.parse(s)), { error: "expected an ISO 8601 date-time" });

const PoolSchema = z.strictObject({
  name: text,
  mode: z.enum(["System", "User"]).default("User"),
  count: z.number().int().min(0).max(1000),
  nodeImageVersion: text,
  orchestratorVersion: version.optional(),
  maxSurge: z.string().optional(),
});

/** Maintenance configurations as AKS stores them (`maintenanceWindow`, or the legacy `timeInWeek`). */
const MaintenanceConfigSchema = z.looseObject({
  maintenanceWindow: z.looseObject({}).optional(),
  timeInWeek: z.array(z.looseObject({})).optional(),
  notAllowedTime: z.array(z.looseObject({})).optional(),
});

/**
 * A Microsoft.Maintenance configuration assignment on the cluster, to an AKS public configuration by name
 * (`az maintenance assignment create … publicMaintenanceConfigurations/aks-mrp-cfg-weekday_utc8`).
 */
const AssignmentSchema = z.strictObject({
  name: text.optional(),
  configuration: z.string().refine((n) => PUBLIC_CONFIGS.has(n), {
    error:
      "expected an AKS public configuration: aks-mrp-cfg-weekday_utc<n> or aks-mrp-cfg-weekend_utc<n>, n from -12 to 12 (none for UTC+0), e.g. aks-mrp-cfg-weekend_utc-5",
  }),
});

const ClusterSchema = z.strictObject({
  name: text,
  resourceGroup: text,
  location: text,
  kubernetesVersion: version,
  tags: z.record(z.string(), z.string()).default({}),
  autoUpgradeProfile: z
    .strictObject({ upgradeChannel: z.string().optional(), nodeOSUpgradeChannel: z.string().optional() })
    .optional(),
  maintenanceConfigurations: z
    .partialRecord(
      z.enum(["default", "aksManagedAutoUpgradeSchedule", "aksManagedNodeOSUpgradeSchedule"]),
      MaintenanceConfigSchema,
    )
    .optional(),
  maintenanceAssignments: z.array(AssignmentSchema).optional(),
  powerState: z.enum(["Running", "Stopped"]).default("Running"),
  /** The cluster used deprecated APIs recently: AKS blocks minor upgrades unless forced. */
  deprecatedApiUsage: z.boolean().default(false),
  nodePools: z.array(PoolSchema).min(1),
});

const ReleaseSchema = z.strictObject({ version: text, regions: z.array(text).min(1), at: instantText });

const FaultSchema = z.strictObject({
  cluster: z.string().optional(),
  pool: z.string().optional(),
  on: z.enum(["upgrade", "nodeImageUpgrade", "controlPlane"]).optional(),
  error: z.string().optional(),
  message: z.string().optional(),
  times: z.number().int().min(1).default(1),
  api: z.string().optional(),
  status: z.number().int().optional(),
  retryAfterSeconds: z.number().min(0).optional(),
  /** Extra simulated minutes an operation takes. */
  slowMinutes: z.number().min(0).optional(),
  /** Event Grid: drop (lost) or deliver twice (duplicate) the next N events of this type. */
  event: z.enum(["lost", "duplicate"]).optional(),
  eventType: z.string().optional(),
});

const DAY_TEXT = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { error: "expected a UTC day as YYYY-MM-DD" });

/**
 * What each cluster costs a day: its nodes (one VM scale set per pool in the node resource group
 * `MC_<rg>_<cluster>_<location>`, as the fleet file sizes them), its control plane (the cluster resource)
 * and a load balancer; times a weekday factor and seeded noise; times a spike's factor on its days for the
 * pools it names (those are the resources that grew). A day's rows appear `dataLatencyHours` after the end
 * of that UTC day, as usage data lands in Azure (8–24 h for EA/MCA).
 */
const CostModelSchema = z.strictObject({
  perNodeHour: z.number().positive().default(0.2),
  controlPlaneHour: z.number().min(0).default(0.1),
  loadBalancerDay: z.number().min(0).default(0.6),
  currency: z.string().default("USD"),
  /** Factors Monday first (seven numbers): e.g. a fleet that scales down at weekends. */
  weekday: z
    .array(z.number().positive())
    .length(7, { error: "expected seven factors, Monday first" })
    .default([1, 1, 1, 1, 1, 1, 1]),
  /** Each resource's day varies by up to ± this fraction (seeded-random.ts, same run to run). */
  noise: z.number().min(0).max(0.5).default(0),
  seed: z.number().int().default(1),
  dataLatencyHours: z.number().min(0).max(168).default(8),
  /** Rows per page before `nextLink`. */
  pageSize: z.number().int().min(1).max(5000).default(1000),
  /** Cost Management's own throttle (per tenant): queries a minute, answered 429 with x-ms-ratelimit headers. */
  queriesPerMinute: z.number().positive().default(60),
  spikes: z
    .array(
      z.strictObject({
        cluster: text,
        day: DAY_TEXT,
        factor: z.number().positive(),
        days: z.number().int().min(1).default(1),
        /** The pools whose scale sets grew; all of the cluster's pools when absent. */
        pools: z.array(text).optional(),
      }),
    )
    .default([]),
});

export const FleetSchema = z.strictObject({
  apiVersion: z.literal("ringmaster/v1"),
  kind: z.literal("SimulatedAzure"),
  clock: z.strictObject({ start: instantText, speed: z.number().positive().default(3600) }),
  timing: z
    .strictObject({
      controlPlaneMinutes: z.number().positive().default(12),
      perNodeMinutes: z.number().positive().default(6),
    })
    .default({ controlPlaneMinutes: 12, perNodeMinutes: 6 }),
  subscriptions: z
    .array(
      z.strictObject({
        id: z.string().regex(/^[0-9a-f-]{36}$/i),
        name: text,
        clusters: z.array(ClusterSchema),
      }),
    )
    .min(1),
  releases: z
    .strictObject({
      kubernetes: z.array(ReleaseSchema).default([]),
      nodeImages: z.array(ReleaseSchema).default([]),
    })
    .default({ kubernetes: [], nodeImages: [] }),
  faults: z.array(FaultSchema).default([]),
  /** When a minor leaves support; AKS then sends ClusterSupportEnding (14 days before) and ClusterSupportEnded. */
  endOfSupport: z
    .array(z.strictObject({ minor: z.string().regex(/^\d+\.\d+$/), at: instantText }))
    .default([]),
  /** Azure Monitor alerts that fire on a cluster, for health gates. */
  alerts: z
    .array(
      z.strictObject({
        cluster: text,
        rule: text,
        severity: z.enum(["Sev0", "Sev1", "Sev2", "Sev3", "Sev4"]),
        at: instantText,
        minutes: z.number().positive().default(60),
      }),
    )
    .default([]),
  /** Daily cost model per cluster, served as Cost Management's Query API (arm-cost.ts). */
  costs: CostModelSchema.prefault({}),
  /** Fleet Manager fleets and their members (cluster names, with update groups). */
  fleets: z
    .array(
      z.strictObject({
        subscription: z.string(),
        resourceGroup: text,
        name: text,
        members: z.array(z.strictObject({ cluster: text, group: z.string().optional() })).default([]),
      }),
    )
    .default([]),
  /** Answers for HTTP health probes of outside URLs (default 200). */
  probes: z.array(z.strictObject({ url: z.string(), status: z.number().int() })).default([]),
  /** Communication Services send quotas (custom domain defaults). */
  email: z
    .strictObject({
      perMinute: z.number().int().positive().default(30),
      perHour: z.number().int().positive().default(100),
      accessKey: z.string().optional(),
    })
    .default({ perMinute: 30, perHour: 100 }),
  eventGrid: z
    .strictObject({
      deliverTo: z.url().optional(),
      duplicateRate: z.number().min(0).max(1).default(0),
      maxDeliveryAttempts: z.number().int().min(1).max(30).default(30),
    })
    .optional(),
});

export type Fleet = z.infer<typeof FleetSchema>;
export type FleetCluster = Fleet["subscriptions"][number]["clusters"][number];
