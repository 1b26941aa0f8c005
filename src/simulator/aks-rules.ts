import type { SimCluster } from "./aks-state.js";
import { armError, type Reply } from "./http-kit.js";
import { cmp, minor, minorNumber, triple } from "./sim-versions.js";

/**
 * AKS's rules for a Kubernetes upgrade request, enforced with AKS's error codes. Where AKS documents a
 * code it is used (OperationNotAllowed, NotAllAgentPoolOrchestratorVersionSpecifiedAndUnchanged,
 * ValidationError/UpgradeBlockedOnDeprecatedAPIUsage); for version-path errors AKS's exact code is not
 * documented and the simulator uses K8sVersionNotSupported, NotAllowedUpgradeVersion and
 * NodePoolVersionSkewNotAllowed.
 */
export const IN_PROGRESS_MESSAGE =
  "Operation is not allowed because there's an in progress operation on the managed cluster. Please wait until the current operation is completed, then try again.";

export function operationNotAllowed(): Reply {
  return armError(409, "OperationNotAllowed", IN_PROGRESS_MESSAGE);
}

/** Resolves "1.30" to the region's newest 1.30 patch; a full version is taken as is. */
export function resolveTarget(requested: string, available: readonly string[]): string | undefined {
  if (/^\d+\.\d+$/.test(requested))
    return available
      .filter((v) => minor(v) === requested)
      .sort(cmp)
      .pop();
  return available.includes(requested) ? requested : undefined;
}

export interface UpgradeRequest {
  readonly target: string;
  readonly poolTargets: ReadonlyMap<string, string>;
  readonly forceUpgrade: boolean;
}

export function legalUpgrades(cluster: SimCluster, available: readonly string[]): string[] {
  const current = cluster.currentKubernetesVersion;
  return available
    .filter(
      (v) =>
        cmp(v, current) > 0 &&
        minorNumber(v) - minorNumber(current) <= 1 &&
        triple(v)[0] === triple(current)[0],
    )
    .sort(cmp);
}

export function checkUpgrade(
  cluster: SimCluster,
  req: UpgradeRequest,
  available: readonly string[],
): Reply | undefined {
  if (cluster.runningOperation) return operationNotAllowed();
  const current = cluster.currentKubernetesVersion;
  if (!available.includes(req.target)) {
    return armError(
      400,
      "K8sVersionNotSupported",
      `Version ${req.target} is not supported in this region (${cluster.location}). Available versions: ${available.join(", ")}.`,
    );
  }
  if (cmp(req.target, current) < 0 || minorNumber(req.target) - minorNumber(current) > 1) {
    return armError(
      400,
      "NotAllowedUpgradeVersion",
      `Upgrading Kubernetes version ${current} to ${req.target} is not allowed. Available upgrades: ${legalUpgrades(cluster, available).join(", ") || "none"}. Minor versions cannot be skipped.`,
    );
  }
  for (const [pool, v] of req.poolTargets) {
    if (cmp(v, req.target) > 0) {
      return armError(
        400,
        "NodePoolVersionSkewNotAllowed",
        `Node pool ${pool} version ${v} cannot be newer than the control plane version ${req.target}.`,
      );
    }
    if (minorNumber(req.target) - minorNumber(v) > 3) {
      return armError(
        400,
        "NodePoolVersionSkewNotAllowed",
        `Node pool ${pool} version ${v} is more than 3 minor versions behind the control plane version ${req.target}.`,
      );
    }
  }
  const poolsUnchanged = cluster.pools.every(
    (p) => (req.poolTargets.get(p.name) ?? p.orchestratorVersion) === p.orchestratorVersion,
  );
  if (req.target !== current && poolsUnchanged && cluster.upgradeChannel.toLowerCase() !== "none") {
    return armError(
      400,
      "NotAllAgentPoolOrchestratorVersionSpecifiedAndUnchanged",
      `Using managed cluster api, all Agent pools' OrchestratorVersion must be all specified or all unspecified. If all specified, they must be stay unchanged or the same with control plane. Control-plane-only upgrades are not allowed while the auto-upgrade channel "${cluster.upgradeChannel}" is set.`,
    );
  }
  if (cluster.deprecatedApiUsage && minor(req.target) !== minor(current) && !req.forceUpgrade) {
    return armError(
      400,
      "ValidationError",
      "Control Plane upgrade is blocked due to recent usage of a Kubernetes API deprecated in the specified version. To bypass this error, set enable-force-upgrade in upgradeSettings.overrideSettings.",
      { subcode: "UpgradeBlockedOnDeprecatedAPIUsage" },
    );
  }
  return undefined;
}

export function checkPoolUpgrade(cluster: SimCluster, pool: string, target: string): Reply | undefined {
  if (cluster.runningOperation) return operationNotAllowed();
  const p = cluster.pools.find((x) => x.name === pool)!;
  if (cmp(target, cluster.currentKubernetesVersion) > 0) {
    return armError(
      400,
      "NodePoolVersionSkewNotAllowed",
      `Node pool ${pool} version ${target} cannot be newer than the control plane version ${cluster.currentKubernetesVersion}.`,
    );
  }
  if (
    cmp(target, p.currentOrchestratorVersion) < 0 ||
    minorNumber(target) - minorNumber(p.currentOrchestratorVersion) > 1
  ) {
    return armError(
      400,
      "NotAllowedUpgradeVersion",
      `Upgrading node pool ${pool} from ${p.currentOrchestratorVersion} to ${target} is not allowed. Minor versions cannot be skipped.`,
    );
  }
  return undefined;
}
