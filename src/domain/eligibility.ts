import { kubernetesChannelConflict, nodeOsChannelConflict } from "./auto-upgrade.js";
import { Code, type EligibilityCode } from "./codes.js";
import { imageFamily } from "./inventory.js";
import { nodeImageAtLeast, nodeImageNewer } from "./node-image-version.js";
import { compareVersions, mustParseVersion, parseVersion, upgradeLevel, versionMatches } from "./versions.js";

/**
 * Whether a cluster can take a target now: the one rule behind the planner's forecast (from the inventory)
 * and the preflight right before writing (from the cluster as AKS reports it). Both describe the cluster
 * as `EligibilityFacts`, so the same cluster gets the same code from both. Checked in this order: stopped,
 * denied, already there / newer / a minor skipped / a step of the other level, AKS's own channel, then availability (Kubernetes) or the
 * image an earlier ring qualified (node images). Windows, freezes and rings are the planner's; a running
 * operation is the preflight's.
 */
export interface EligibilityPool {
  readonly name: string;
  readonly orchestratorVersion: string;
  readonly nodeImageVersion: string;
  /** The newest image AKS offers this pool in its region; undefined when unknown. */
  readonly latestNodeImageVersion?: string | undefined;
}

export interface EligibilityFacts {
  readonly location: string;
  readonly powerState?: string | undefined;
  readonly provisioningState?: string | undefined;
  /** The control plane's current version. */
  readonly kubernetesVersion: string;
  readonly upgradeChannel?: string | undefined;
  readonly nodeOSUpgradeChannel?: string | undefined;
  readonly pools: readonly EligibilityPool[];
  /**
   * Kubernetes versions AKS offers this cluster: its region's GA versions when planning, its upgrade
   * profile when writing. Undefined when unknown (then availability is not judged).
   */
  readonly availableVersions?: readonly string[] | undefined;
}

/**
 * A Kubernetes rollout's level (patch or minor) is the policy's: `spec.versions.patch` and `.minor` decide
 * whether it runs and whether it needs approval. A rollout moves only the clusters whose step has its level,
 * so a patch rollout never takes a cluster across a minor; without a level (a start by hand through the API,
 * whose caller chose the approval) any single step goes.
 */
export type RolloutLevel = "patch" | "minor";

export type EligibilityTarget =
  | { readonly kind: "kubernetes"; readonly version: string; readonly level?: RolloutLevel | undefined }
  /** Node images: the newest of each pool's region, or per image family the one an earlier ring qualified. */
  | { readonly kind: "nodeImage"; readonly pinned?: Readonly<Record<string, string>> | undefined };

export interface EligibilityRules {
  /** The policy's spec.versions.deny: exact versions ("1.31.0") or whole minors ("1.31"). */
  readonly deny: readonly string[];
}

export interface PoolStep {
  readonly pool: string;
  readonly from: string;
  readonly to: string;
}

export type Eligibility =
  | {
      readonly ok: true;
      /** Pools the upgrade moves (Kubernetes: the pools not yet on the target; the write covers the cluster). */
      readonly pools: readonly PoolStep[];
      /** Node images: pools left on their image, and why. */
      readonly heldPools: readonly { readonly pool: string; readonly reason: string }[];
    }
  | { readonly ok: false; readonly code: EligibilityCode; readonly message: string };

const no = (code: EligibilityCode, message: string): Eligibility => ({ ok: false, code, message });

export function isStopped(powerState: string | undefined): boolean {
  return (powerState ?? "Running").toLowerCase() === "stopped";
}

export function decideEligibility(
  facts: EligibilityFacts,
  target: EligibilityTarget,
  rules: EligibilityRules,
): Eligibility {
  if (isStopped(facts.powerState))
    return no(Code.ClusterStopped, "cluster is stopped; AKS upgrades only running clusters");
  return target.kind === "kubernetes"
    ? kubernetes(facts, target.version, target.level, rules)
    : nodeImage(facts, target.pinned ?? {});
}

function kubernetes(
  facts: EligibilityFacts,
  to: string,
  rolloutLevel: RolloutLevel | undefined,
  rules: EligibilityRules,
): Eligibility {
  const current = mustParseVersion(facts.kubernetesVersion);
  const wanted = mustParseVersion(to);
  const denied = rules.deny.find((d) => versionMatches(d, wanted));
  if (denied) return no(Code.DeniedVersion, `${to} is denied by spec.versions.deny ("${denied}")`);
  const level = upgradeLevel(current, wanted);
  const poolsBehind = facts.pools.filter((p) => p.orchestratorVersion !== to);
  // A control plane on the target with pools behind, or left Failed, still needs the write (AKS's way to resume).
  const settled = (facts.provisioningState ?? "Succeeded").toLowerCase() === "succeeded";
  if (level === "none" && poolsBehind.length === 0 && settled)
    return no(Code.AlreadyAtTarget, `already on ${to}`);
  if (level === "downgrade")
    return no(Code.NewerThanTarget, `on ${facts.kubernetesVersion}, newer than ${to}`);
  if (level === "skip")
    return no(
      Code.WouldSkipMinor,
      `on ${facts.kubernetesVersion}; ${to} would skip a minor (AKS upgrades one minor at a time)`,
    );
  if ((level === "patch" || level === "minor") && rolloutLevel !== undefined && level !== rolloutLevel)
    return no(
      Code.OtherLevel,
      `on ${facts.kubernetesVersion}, ${to} is a ${level} upgrade; this ${rolloutLevel} rollout leaves it to the ${level} rollout of ${to} (spec.versions.${level})`,
    );
  const available = (facts.availableVersions ?? [])
    .map((v) => parseVersion(v))
    .filter((v) => v !== undefined);
  const conflict = kubernetesChannelConflict(facts.upgradeChannel, current, available);
  if (conflict) return no(Code.AutoUpgradeChannelConflict, conflict);
  if (
    level !== "none" &&
    facts.availableVersions !== undefined &&
    !available.some((v) => compareVersions(v, wanted) === 0)
  )
    return no(Code.TargetNotAvailable, `${to} is not (yet) an available upgrade in ${facts.location}`);
  return {
    ok: true,
    pools: poolsBehind.map((p) => ({ pool: p.name, from: p.orchestratorVersion, to })),
    heldPools: [],
  };
}

function nodeImage(facts: EligibilityFacts, pinned: Readonly<Record<string, string>>): Eligibility {
  const pools: PoolStep[] = [];
  const heldPools: { pool: string; reason: string }[] = [];
  for (const p of facts.pools) {
    const latest = p.latestNodeImageVersion;
    const pin = pinned[imageFamily(p.nodeImageVersion)];
    const wanted = pin ?? latest;
    if (wanted === undefined || nodeImageAtLeast(p.nodeImageVersion, wanted)) continue;
    // AKS installs only the newest image of a region: a pool whose region offers another image than the pin waits.
    if (pin !== undefined && latest !== undefined && latest !== pin) {
      heldPools.push({
        pool: p.name,
        reason: nodeImageNewer(latest, pin)
          ? `${facts.location} now offers ${latest}; this rollout stays on ${pin}, the image an earlier ring qualified`
          : `the qualified image ${pin} is not yet released in ${facts.location}`,
      });
      continue;
    }
    pools.push({ pool: p.name, from: p.nodeImageVersion, to: wanted });
  }
  if (pools.length === 0 && heldPools.length === 0)
    return no(Code.AlreadyAtTarget, "every node pool already runs the target node image");
  const osConflict = nodeOsChannelConflict(facts.nodeOSUpgradeChannel);
  if (osConflict) return no(Code.AutoUpgradeChannelConflict, osConflict);
  if (pools.length === 0)
    return no(Code.HeldAtQualifiedImage, heldPools.map((s) => `${s.pool}: ${s.reason}`).join("; "));
  return { ok: true, pools, heldPools };
}
