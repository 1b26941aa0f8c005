import { z } from "zod";

/**
 * The one typed shape every inbound signal becomes, whatever envelope carried it. Workflows and the
 * dispatcher see only these. Every accepted event has `key` (stable across redeliveries: duplicates share
 * it) and `time` (ISO 8601, UTC, from the event itself where the payload has one).
 */
export const EventKind = {
  NewKubernetesVersionAvailable: "NewKubernetesVersionAvailable",
  ClusterSupportEnding: "ClusterSupportEnding",
  ClusterSupportEnded: "ClusterSupportEnded",
  NodePoolRollingStarted: "NodePoolRollingStarted",
  NodePoolRollingSucceeded: "NodePoolRollingSucceeded",
  NodePoolRollingFailed: "NodePoolRollingFailed",
  ScheduledEvent: "ScheduledEvent",
  FleetGate: "FleetGate",
  SubscriptionValidation: "SubscriptionValidation",
  BudgetAlert: "BudgetAlert",
  MonitorAlert: "MonitorAlert",
  Unrecognized: "Unrecognized",
  Rejected: "Rejected",
} as const;
export type EventKind = (typeof EventKind)[keyof typeof EventKind];

const common = {
  key: z.string(),
  time: z.string(),
  /** Envelope id, when the envelope had one. */
  id: z.string().optional(),
};

const clusterEvent = { ...common, clusterId: z.string() };

export const NewKubernetesVersionAvailableSchema = z.object({
  kind: z.literal(EventKind.NewKubernetesVersionAvailable),
  ...clusterEvent,
  latestSupportedKubernetesVersion: z.string().optional(),
  latestStableKubernetesVersion: z.string().optional(),
  lowestMinorKubernetesVersion: z.string().optional(),
  latestPreviewKubernetesVersion: z.string().optional(),
});

const supportEvent = { ...clusterEvent, kubernetesVersion: z.string() };
export const ClusterSupportEndingSchema = z.object({
  kind: z.literal(EventKind.ClusterSupportEnding),
  ...supportEvent,
});
export const ClusterSupportEndedSchema = z.object({
  kind: z.literal(EventKind.ClusterSupportEnded),
  ...supportEvent,
});

const rollingEvent = { ...clusterEvent, nodePoolName: z.string() };
export const NodePoolRollingStartedSchema = z.object({
  kind: z.literal(EventKind.NodePoolRollingStarted),
  ...rollingEvent,
});
export const NodePoolRollingSucceededSchema = z.object({
  kind: z.literal(EventKind.NodePoolRollingSucceeded),
  ...rollingEvent,
});
export const NodePoolRollingFailedSchema = z.object({
  kind: z.literal(EventKind.NodePoolRollingFailed),
  ...rollingEvent,
});

/** An ARN ContainerServiceEventResources notice: AKS maintenance (eventSource AutoUpgrader) or end of support (EOLNotification). */
export const ScheduledEventSchema = z.object({
  kind: z.literal(EventKind.ScheduledEvent),
  ...common,
  /** The impacted managed clusters (`properties.resources`). */
  clusterIds: z.array(z.string()),
  eventId: z.string(),
  eventSource: z.string(),
  eventStatus: z.string(),
  description: z.string().optional(),
  /** Free text for maintenance notices; a parsed object for end-of-support notices (sent as object or JSON string). */
  eventDetails: z.union([z.string(), z.record(z.string(), z.unknown())]).optional(),
  scheduledTime: z.string().optional(),
  startTime: z.string().optional(),
  lastUpdateTime: z.string().optional(),
  location: z.string().optional(),
});

/** A Fleet Manager update-run gate was created, changed state or was deleted (ARN AKSResources). */
export const FleetGateSchema = z.object({
  kind: z.literal(EventKind.FleetGate),
  ...common,
  action: z.enum(["Created", "Updated", "Deleted"]),
  gateId: z.string(),
  gateName: z.string(),
  fleetId: z.string(),
  displayName: z.string().optional(),
  gateType: z.string().optional(),
  state: z.string().optional(),
  updateRunId: z.string().optional(),
  updateRunName: z.string().optional(),
  stage: z.string().optional(),
  group: z.string().optional(),
  timing: z.string().optional(),
});

export const SubscriptionValidationSchema = z.object({
  kind: z.literal(EventKind.SubscriptionValidation),
  ...common,
  validationCode: z.string(),
  validationUrl: z.string().optional(),
});

/** A Cost Management budget notification; amounts are numbers parsed from strings such as "$12,345.67". */
export const BudgetAlertSchema = z.object({
  kind: z.literal(EventKind.BudgetAlert),
  ...common,
  schema: z.enum(["CommonAlertSchema", "LegacyBudget"]),
  budgetName: z.string(),
  budgetId: z.string().optional(),
  scope: z.string().optional(),
  subscriptionId: z.string().optional(),
  resourceGroup: z.string().optional(),
  thresholdType: z.string().optional(),
  budgetType: z.string().optional(),
  currency: z.string().optional(),
  spentAmount: z.number().optional(),
  budgetAmount: z.number().optional(),
  notificationThresholdAmount: z.number().optional(),
  forecastedTotal: z.number().optional(),
  description: z.string().optional(),
});

export const MonitorAlertSchema = z.object({
  kind: z.literal(EventKind.MonitorAlert),
  ...common,
  alertId: z.string(),
  alertRule: z.string().optional(),
  severity: z.string().optional(),
  monitorCondition: z.string().optional(),
  monitoringService: z.string().optional(),
  signalType: z.string().optional(),
  targetIds: z.array(z.string()),
  /** The managed clusters among `targetIds`. */
  clusterIds: z.array(z.string()),
  description: z.string().optional(),
});

/** Well-formed, but not a signal Ringmaster acts on. */
export const UnrecognizedSchema = z.object({
  kind: z.literal(EventKind.Unrecognized),
  ...common,
  eventType: z.string(),
  subject: z.string().optional(),
});

/** Input that could not be read. `reason` names the field and the problem; `at` locates it in the batch. */
export const RejectedSchema = z.object({
  kind: z.literal(EventKind.Rejected),
  ...common,
  reason: z.string(),
  at: z.string(),
  eventType: z.string().optional(),
});

export const DomainEventSchema = z.discriminatedUnion("kind", [
  NewKubernetesVersionAvailableSchema,
  ClusterSupportEndingSchema,
  ClusterSupportEndedSchema,
  NodePoolRollingStartedSchema,
  NodePoolRollingSucceededSchema,
  NodePoolRollingFailedSchema,
  ScheduledEventSchema,
  FleetGateSchema,
  SubscriptionValidationSchema,
  BudgetAlertSchema,
  MonitorAlertSchema,
  UnrecognizedSchema,
  RejectedSchema,
]);

export type DomainEvent = z.infer<typeof DomainEventSchema>;
export type EventOf<K extends EventKind> = Extract<DomainEvent, { kind: K }>;
export type AcceptedEvent = Exclude<DomainEvent, { kind: "Rejected" }>;
export type NodePoolRollingEvent = EventOf<
  "NodePoolRollingStarted" | "NodePoolRollingSucceeded" | "NodePoolRollingFailed"
>;
