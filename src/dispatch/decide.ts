import type { Policy } from "../config/policy.js";
import type { DomainEvent, EventOf } from "../events/domain-event.js";
import { FleetRunEvents } from "../contracts/fleet-run.js";
import { parseRingmasterGateName } from "../domain/fleet-run-plan.js";
import { ExternalEvent, type GateUpdatedEvent, type NodePoolRollingEvent } from "../contracts/events.js";
import {
  clusterInstanceId,
  endOfSupportInstanceId,
  fleetGateInstanceId,
  notifyInstanceId,
} from "../contracts/instance-ids.js";
import { WorkflowName } from "../contracts/workflow-names.js";
import { decideNewVersion } from "./new-version.js";
import type { Claim } from "./verify.js";

/**
 * What must happen for each domain event. Pure: the same events and policies always give the same
 * decisions, so every routing rule is unit-tested without a host. Execution is `execute.ts`'s job.
 */
export type Decision =
  | {
      type: "start";
      workflow: WorkflowName;
      instanceId: string;
      input: Record<string, unknown>;
      because: string;
      /** What the event claims and ARM must confirm before the start (verify.ts); absent: nothing to check. */
      claim?: Claim;
    }
  | {
      type: "raise";
      instanceId: string;
      eventName: string;
      data: Record<string, unknown>;
      because: string;
      claim?: Claim;
    }
  | { type: "log"; level: "info" | "warn"; message: string; eventKey: string }
  | { type: "poison"; event: EventOf<"Rejected"> };

/** What the cluster workflow hears of each NodePoolRolling* event. */
const ROLLING_PHASE = {
  NodePoolRollingStarted: "Started",
  NodePoolRollingSucceeded: "Succeeded",
  NodePoolRollingFailed: "Failed",
} as const satisfies Record<string, NodePoolRollingEvent["phase"]>;

export interface Planned {
  readonly event: DomainEvent;
  readonly decisions: readonly Decision[];
}

/**
 * Decides for a batch, event by event. Duplicate events (same key) and repeated starts (same instance id,
 * same claim) collapse to the first; a duplicate keeps its place with no decisions, so it is visibly skipped.
 */
export function decide(events: readonly DomainEvent[], policies: readonly Policy[]): Planned[] {
  const planned: Planned[] = [];
  const seenEvents = new Set<string>();
  const seenStarts = new Set<string>();
  const seenRaises = new Set<string>();
  for (const event of events) {
    const decisions: Decision[] = [];
    planned.push({ event, decisions });
    if (event.kind !== "Rejected") {
      if (seenEvents.has(event.key)) continue;
      seenEvents.add(event.key);
    }
    for (const d of decideOne(event, policies)) {
      if (d.type === "start") {
        // Starts that carry a claim collapse only with the same claim: which of them ARM confirms is
        // known after verification (ingest collapses the rest), so a forged event cannot shadow a real one.
        const key = d.claim ? `${d.instanceId}|${JSON.stringify(d.claim)}` : d.instanceId;
        if (seenStarts.has(key)) continue;
        seenStarts.add(key);
      } else if (d.type === "raise") {
        const id = `${d.instanceId}|${d.eventName}|${JSON.stringify(d.data)}`;
        if (seenRaises.has(id)) continue;
        seenRaises.add(id);
      }
      decisions.push(d);
    }
  }
  return planned;
}

export function decideOne(event: DomainEvent, policies: readonly Policy[]): Decision[] {
  switch (event.kind) {
    case "NewKubernetesVersionAvailable":
      return policies.flatMap((policy) => decideNewVersion(event, policy));
    case "ClusterSupportEnding":
    case "ClusterSupportEnded":
      return policies.flatMap((policy) =>
        endOfSupport(
          policy,
          event.clusterId,
          event.kubernetesVersion,
          event.kind === "ClusterSupportEnding" ? "ending" : "ended",
          event,
        ),
      );
    case "ScheduledEvent":
      return decideScheduled(event, policies);
    case "NodePoolRollingStarted":
    case "NodePoolRollingSucceeded":
    case "NodePoolRollingFailed":
      return raiseToCluster(event.clusterId, ExternalEvent.nodePoolRolling, event, {
        phase: ROLLING_PHASE[event.kind],
        nodePoolName: event.nodePoolName,
        time: event.time,
        eventKey: event.key,
      } satisfies NodePoolRollingEvent);
    case "MonitorAlert":
      return [
        ...event.clusterIds.flatMap((clusterId) =>
          raiseToCluster(clusterId, ExternalEvent.monitorAlert, event, {
            alertId: event.alertId,
            alertRule: event.alertRule ?? null,
            severity: event.severity ?? null,
            monitorCondition: event.monitorCondition ?? "Fired",
            time: event.time,
          }),
        ),
        {
          type: "log",
          level: "info",
          message: `Azure Monitor alert ${event.alertRule ?? event.alertId} (${event.severity ?? "no severity"}, ${event.monitorCondition ?? "Fired"})`,
          eventKey: event.key,
        },
      ];
    case "FleetGate":
      return decideFleetGate(event);
    case "BudgetAlert":
      return [
        notify(
          event,
          "budget",
          `Budget ${event.budgetName}: ${event.thresholdType ?? ""} spend ${event.spentAmount ?? "?"} ${event.currency ?? ""}`,
        ),
      ];
    case "SubscriptionValidation":
      return [
        {
          type: "log",
          level: "info",
          message: "Event Grid subscription validation (answered by the webhook)",
          eventKey: event.key,
        },
      ];
    case "Unrecognized":
      return [
        {
          type: "log",
          level: "info",
          message: `ignored event type ${event.eventType}: not one Ringmaster acts on`,
          eventKey: event.key,
        },
      ];
    case "Rejected":
      return [{ type: "poison", event }];
  }
}

const EOL_STAGE: Readonly<Record<string, "ending" | "ended">> = {
  kubernetesversioneoltwoweeks: "ending",
  kubernetesversioneoloneweek: "ending",
  kubernetesversionoutofsupport: "ended",
};

function decideScheduled(event: EventOf<"ScheduledEvent">, policies: readonly Policy[]): Decision[] {
  if (event.eventSource.toLowerCase() === "eolnotification") {
    const details = typeof event.eventDetails === "object" ? event.eventDetails : {};
    const version = typeof details.kubernetesVersion === "string" ? details.kubernetesVersion : undefined;
    const stage = EOL_STAGE[(event.description ?? "").toLowerCase()] ?? "ending";
    if (!version)
      return [
        logDecision(
          event,
          "end-of-support notice without eventDetails.kubernetesVersion; nothing to plan",
          "warn",
        ),
      ];
    return policies.flatMap((policy) =>
      event.clusterIds.flatMap((clusterId) => endOfSupport(policy, clusterId, version, stage, event)),
    );
  }
  // AKS announcing its own maintenance: on-call hears about the upcoming and the failed ones.
  const status = event.eventStatus.toLowerCase();
  if (status === "scheduled" || status === "failed") {
    return [
      notify(
        event,
        "aksMaintenance",
        `AKS ${event.eventSource} maintenance ${event.eventStatus} for ${event.clusterIds.length} cluster(s)`,
      ),
    ];
  }
  return [logDecision(event, `AKS ${event.eventSource} maintenance ${event.eventStatus}`)];
}

function endOfSupport(
  policy: Policy,
  clusterId: string,
  version: string,
  stage: "ending" | "ended",
  event: DomainEvent,
): Decision[] {
  const instanceId = endOfSupportInstanceId(policy.metadata.name, clusterId, version, stage);
  if (!instanceId)
    return [logDecision(event, `end of support for an unreadable cluster id ${clusterId}`, "warn")];
  return [
    {
      type: "start",
      workflow: WorkflowName.endOfSupport,
      instanceId,
      input: {
        policy: policy.metadata.name,
        clusterId,
        kubernetesVersion: version,
        stage,
        eventKey: event.key,
        time: event.time,
      },
      because: `Kubernetes ${version} support ${stage} (${event.key})`,
      claim: { kind: "cluster", clusterId },
    },
  ];
}

function decideFleetGate(event: EventOf<"FleetGate">): Decision[] {
  // A gate of a run Ringmaster drives (executor "fleet"): a hint that wakes its rollout, which reads Fleet.
  const own = parseRingmasterGateName(event.displayName);
  if (own)
    return [
      {
        type: "raise",
        instanceId: own.rolloutId,
        eventName: FleetRunEvents.gate,
        data: { gateId: event.gateId, action: event.action, state: event.state ?? null, time: event.time },
        because: `Fleet gate ${event.gateName} of rollout ${own.rolloutId} ${event.action.toLowerCase()}`,
      },
    ];
  const instanceId = fleetGateInstanceId(event.gateName);
  if (event.action === "Created") {
    if ((event.state ?? "Pending").toLowerCase() !== "pending") {
      return [
        logDecision(event, `Fleet gate ${event.gateName} created in state ${event.state}; nothing to decide`),
      ];
    }
    return [
      {
        type: "start",
        workflow: WorkflowName.fleetGate,
        instanceId,
        input: {
          gateId: event.gateId,
          fleetId: event.fleetId,
          displayName: event.displayName ?? null,
          gateType: event.gateType ?? null,
          updateRunId: event.updateRunId ?? null,
          updateRunName: event.updateRunName ?? null,
          stage: event.stage ?? null,
          group: event.group ?? null,
          timing: event.timing ?? null,
          eventKey: event.key,
        },
        because: `Fleet gate ${event.displayName ?? event.gateName} pending`,
        claim: { kind: "fleetGate", gateId: event.gateId },
      },
    ];
  }
  const eventName = event.action === "Deleted" ? ExternalEvent.gateDeleted : ExternalEvent.gateUpdated;
  return [
    {
      type: "raise",
      instanceId,
      eventName,
      data: { state: event.state ?? null, time: event.time, eventKey: event.key } satisfies GateUpdatedEvent,
      because: `Fleet gate ${event.gateName} ${event.action.toLowerCase()}`,
      claim: {
        kind: "fleetGateState",
        gateId: event.gateId,
        state: event.action === "Deleted" ? null : (event.state ?? null),
      },
    },
  ];
}

function raiseToCluster(
  clusterId: string,
  eventName: string,
  event: DomainEvent,
  data: Record<string, unknown>,
): Decision[] {
  const instanceId = clusterInstanceId(clusterId);
  if (!instanceId)
    return [logDecision(event, `cannot address a workflow for cluster id ${clusterId}`, "warn")];
  return [{ type: "raise", instanceId, eventName, data, because: `${event.kind} for ${clusterId}` }];
}

function notify(event: DomainEvent, category: string, summary: string): Decision {
  return {
    type: "start",
    workflow: WorkflowName.notify,
    instanceId: notifyInstanceId(event.key),
    input: { category, summary, event },
    because: summary,
  };
}

function logDecision(event: DomainEvent, message: string, level: "info" | "warn" = "info"): Decision {
  return { type: "log", level, message, eventKey: event.key };
}
