import { parseClusterId } from "../domain/cluster-ref.js";
import type { RolloutKind } from "./workflow-inputs.js";

/**
 * Durable instance ids are derived from business keys, never random, so every trigger is idempotent:
 * starting an id that exists is a no-op. Durable Functions forbids `/ \ # ?` in ids (and `%` would be decoded
 * again on the way to the backend), hence `:` separators.
 */
const UNSAFE = /[/\\#?%\s]+/g;
const safe = (part: string) => part.replace(UNSAFE, "_");

/**
 * A minor rollout of a version has its own id (`…:minor`): in a fleet across two minors, 1.30.5 is a patch
 * for the 1.30 clusters and a minor for the 1.29 ones, and each level runs as its own rollout under the
 * policy's rule for it (domain/eligibility.ts RolloutLevel). Patch rollouts, and starts by hand without a
 * level, keep the plain id.
 */
export function rolloutInstanceId(
  policy: string,
  kind: RolloutKind,
  target: string,
  level?: "patch" | "minor",
): string {
  return `rollout:${safe(policy)}:${kind}:${safe(target)}${level === "minor" ? ":minor" : ""}`;
}

/**
 * Rollouts of one (policy, kind, target) run in generations (dispatch/generations.ts decides when the next
 * may start): the first keeps the base id, later ones add `:g<n>`.
 */
export function generationId(baseId: string, generation: number): string {
  return generation <= 1 ? baseId : `${baseId}:g${generation}`;
}

/**
 * A rollout id as `rolloutInstanceId` and its generations (`…:g<n>`, `generationId`) make them, or undefined
 * for anything else: other workflows' ids, and ids with characters no rollout id has (`%`, `/`, `?`, …).
 */
const ROLLOUT_ID =
  /^rollout:([A-Za-z0-9][A-Za-z0-9._-]{0,62}):(kubernetes|nodeImage):([A-Za-z0-9][A-Za-z0-9._-]{0,62})(:minor)?(?::g([1-9][0-9]{0,3}))?$/;

export function parseRolloutInstanceId(
  id: string,
): { policy: string; kind: RolloutKind; target: string; minor: boolean; generation: number } | undefined {
  const m = ROLLOUT_ID.exec(id);
  if (!m) return undefined;
  return {
    policy: m[1]!,
    kind: m[2] as RolloutKind,
    target: m[3]!,
    minor: m[4] !== undefined,
    generation: Number(m[5] ?? 1),
  };
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

/** One cost-anomaly check per policy and spend day: a second firing of the daily timer starts nothing. */
export function costCheckInstanceId(policy: string, day: string): string {
  return `cost-check:${safe(policy)}:${day}`;
}

/** One node-image poll per policy and day: a timer that fires twice (a restart, past-due) starts nothing new. */
export function nodeImagePollInstanceId(policy: string, day: string): string {
  return `nodeimage-poll:${safe(policy)}:${day}`;
}
