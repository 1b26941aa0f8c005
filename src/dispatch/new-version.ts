import type { Policy } from "../config/policy.js";
import {
  compareVersions,
  formatVersion,
  minorDistance,
  parseVersion,
  sameMinor,
  versionMatches,
  type KubeVersion,
} from "../domain/versions.js";
import type { EventOf } from "../events/domain-event.js";
import type { Decision } from "./decide.js";
import { rolloutInstanceId } from "../contracts/instance-ids.js";
import { WorkflowName } from "../contracts/workflow-names.js";
import type { RolloutInput } from "../contracts/workflow-inputs.js";

/** What started a rollout: the event's key, the cluster it spoke for and its time. */
export interface RolloutTrigger {
  readonly eventKey: string;
  readonly clusterId: string;
  readonly time: string;
}

/**
 * AKS sends this event per cluster, with versions relative to that cluster: `lowestMinorKubernetesVersion`
 * is the highest patch of the cluster's own minor, so it is the patch target; the next minor's highest
 * patch (never further: minors are not skipped) is the minor target. The same release reaching 40
 * clusters yields the same targets, hence the same rollout instance ids, hence one start.
 *
 * A level belongs to a (target, cluster) pair, not to a version: in a fleet across two minors, 1.30.5 is
 * a patch for the 1.30 clusters and a minor for the 1.29 ones. So a version gets one rollout per level
 * that some cluster's event asks for (the minor one under its own id, contracts/instance-ids.ts), each
 * under the policy's rule for its level, and each moves only the clusters whose step has its level
 * (domain/eligibility.ts): a patch rollout never takes a cluster across a minor.
 *
 * The levels found here are the event's claims. Every start carries a claim that verification (verify.ts)
 * checks against ARM, and the level — hence whether approval is required — is decided again from the
 * cluster's real version, so a forged "patch" cannot start an unapproved minor.
 */
export function decideNewVersion(
  event: EventOf<"NewKubernetesVersionAvailable">,
  policy: Policy,
): Decision[] {
  const candidates = [
    event.lowestMinorKubernetesVersion,
    event.latestStableKubernetesVersion,
    event.latestSupportedKubernetesVersion,
  ]
    .map((v) => (v ? parseVersion(v) : undefined))
    .filter((v): v is KubeVersion => v !== undefined);
  if (candidates.length === 0) return [];
  const base = event.lowestMinorKubernetesVersion
    ? parseVersion(event.lowestMinorKubernetesVersion)
    : undefined;
  const reference = base ?? [...candidates].sort(compareVersions)[0]!;
  const targets: { level: "patch" | "minor"; version: KubeVersion }[] = [];
  if (base) targets.push({ level: "patch", version: base });
  const nextMinor = candidates
    .filter((v) => minorDistance(reference, v) === 1)
    .sort(compareVersions)
    .pop();
  if (nextMinor) targets.push({ level: "minor", version: nextMinor });
  if (!base && !nextMinor && candidates.some((v) => sameMinor(v, reference)))
    targets.push({ level: "patch", version: reference });

  const trigger = { eventKey: event.key, clusterId: event.clusterId, time: event.time };
  return targets.map(({ level, version }) => rolloutTarget(policy, level, version, trigger));
}

/** The policy's answer for one target at one level: a rollout start (with its claim) or why not. */
export function rolloutTarget(
  policy: Policy,
  level: "patch" | "minor",
  version: KubeVersion,
  trigger: RolloutTrigger,
): Decision {
  const target = formatVersion(version);
  const mode = policy.spec.versions[level];
  const denied = policy.spec.versions.deny.find((entry) => versionMatches(entry, version));
  const allow = policy.spec.versions.allow;
  const name = policy.metadata.name;
  const log = (message: string): Decision => ({
    type: "log",
    level: "info",
    message,
    eventKey: trigger.eventKey,
  });
  if (denied) return log(`policy ${name}: ${target} is denied (spec.versions.deny "${denied}"); no rollout`);
  if (allow && !allow.some((entry) => versionMatches(entry, version)))
    return log(`policy ${name}: ${target} is not in spec.versions.allow; no rollout`);
  if (mode === "never")
    return log(`policy ${name}: ${level} upgrades are set to never; ${target} not rolled out`);
  const input: RolloutInput = {
    policy: name,
    kind: "kubernetes",
    level,
    target,
    requiresApproval: mode === "approval",
    trigger: { ...trigger },
  };
  return {
    type: "start",
    workflow: WorkflowName.rollout,
    instanceId: rolloutInstanceId(name, "kubernetes", target, level),
    input,
    because: `${level} ${target} available (${trigger.eventKey})`,
    claim: { kind: "rolloutTarget", clusterId: trigger.clusterId, target, policy: name },
  };
}
