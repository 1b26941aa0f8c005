import type { AuditEvent } from "../azure/audit.js";
import type { ActivityDeps } from "./deps.js";

/** Small side effects: tagging a cluster, approving a Fleet gate, publishing audit events. */
export async function tagCluster(
  deps: ActivityDeps,
  input: { clusterId: string; tags: Record<string, string> },
): Promise<void> {
  await deps.adapters().aks.updateTags(input.clusterId, input.tags);
}

export async function approveFleetGate(deps: ActivityDeps, input: { gateId: string }): Promise<void> {
  await deps.adapters().fleet.approveGate(input.gateId);
}

export async function publishAudit(
  deps: ActivityDeps,
  input: { events: readonly AuditEvent[] },
): Promise<void> {
  await deps.adapters().audit.publish(input.events);
}
