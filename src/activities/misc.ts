import type { ActivityDeps } from "./deps.js";

/** Small side effects: tagging a cluster, approving a Fleet gate (audit events: audit.ts). */
export async function tagCluster(
  deps: ActivityDeps,
  input: { clusterId: string; tags: Record<string, string> },
): Promise<void> {
  await deps.adapters().aks.updateTags(input.clusterId, input.tags);
}

export async function approveFleetGate(deps: ActivityDeps, input: { gateId: string }): Promise<void> {
  await deps.adapters().fleet.approveGate(input.gateId);
}
