import { parseClusterId } from "../domain/cluster-ref.js";

/**
 * Durable instance ids are derived from business keys, never random, so every trigger is idempotent:
 * starting an id that exists is a no-op. Durable Functions forbids `/ \ # ?` in ids, hence `:` separators.
 */
const UNSAFE = /[/\\#?\s]+/g;
const safe = (part: string) => part.replace(UNSAFE, "_");

export const WorkflowName = {
  rollout: "rollout",
  clusterUpgrade: "clusterUpgrade",
  nodeImageRefresh: "nodeImageRefresh",
  endOfSupport: "endOfSupport",
  fleetGate: "fleetGate",
  notify: "notify",
  digest: "digest",
} as const;
export type WorkflowName = (typeof WorkflowName)[keyof typeof WorkflowName];

export type RolloutKind = "kubernetes" | "nodeImage";

export function rolloutInstanceId(policy: string, kind: RolloutKind, target: string): string {
  return `rollout:${safe(policy)}:${kind}:${safe(target)}`;
}

/** One cluster workflow per cluster at a time: AKS itself allows only one operation per cluster. */
export function clusterInstanceId(clusterId: string): string | undefined {
  const ref = parseClusterId(clusterId);
  return ref
    ? `cluster:${safe(ref.subscriptionId)}:${safe(ref.resourceGroup)}:${safe(ref.name)}`.toLowerCase()
    : undefined;
}

export function endOfSupportInstanceId(
  policy: string,
  clusterId: string,
  version: string,
  stage: string,
): string | undefined {
  const cluster = clusterInstanceId(clusterId);
  return cluster
    ? `eos:${safe(policy)}:${stage}:${safe(version)}:${cluster.slice("cluster:".length)}`
    : undefined;
}

export function fleetGateInstanceId(gateName: string): string {
  return `fleetgate:${safe(gateName)}`.toLowerCase();
}

export function notifyInstanceId(eventKey: string): string {
  return `notify:${safe(eventKey)}`;
}

/** One digest per team group and slot: messages for the same group and slot go out together. */
export function digestInstanceId(teams: readonly string[], slotEnd: number): string {
  return `digest:${safe(teams.join("+"))}:${new Date(slotEnd).toISOString()}`;
}

/** One node-image poll per policy and day: a timer that fires twice (a restart, past-due) starts nothing new. */
export function nodeImagePollInstanceId(policy: string, day: string): string {
  return `nodeimage-poll:${safe(policy)}:${day}`;
}
