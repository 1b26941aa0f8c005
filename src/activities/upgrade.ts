import type { ClusterInfo, OperationCheck, OperationHandle } from "../azure/aks.js";
import { describeAzureError } from "../azure/errors.js";
import { kubernetesChannelConflict, nodeOsChannelConflict } from "../domain/auto-upgrade.js";
import { imageFamily } from "../domain/inventory.js";
import { mustParseVersion, parseVersion, upgradeLevel } from "../domain/versions.js";
import type { Outcome } from "../contracts/cluster-results.js";
import { FailureCode } from "../contracts/failure-codes.js";
import type { ActivityDeps } from "./deps.js";
import { checkWriteTime, type WriteGuard } from "./write-guard.js";

/**
 * The side of a cluster upgrade that talks to AKS: the preflight that decides whether to touch the cluster
 * at all, the single write that starts the upgrade, the check of a running operation, and the inspection
 * that verifies the result. Expected refusals come back as values with AKS's or our own code.
 */
const BUSY_STATES = [
  "upgrading",
  "updating",
  "scaling",
  "creating",
  "deleting",
  "canceling",
  "upgradingnodeimageversion",
  "starting",
  "stopping",
];

export interface PreflightInput {
  readonly clusterId: string;
  readonly kind: "kubernetes" | "nodeImage";
  readonly target: string;
  readonly pinnedImages: Record<string, string>;
}

export interface PoolPlan {
  readonly pool: string;
  readonly from: string;
  readonly to: string;
}

export type PreflightResult = Outcome<{
  cluster: ClusterInfo;
  pools: PoolPlan[];
  skippedPools: { pool: string; reason: string }[];
}>;

const refuse = (code: string, message: string, retriable = false): PreflightResult => ({
  ok: false,
  code,
  message,
  retriable,
});

export async function preflight(deps: ActivityDeps, input: PreflightInput): Promise<PreflightResult> {
  const { aks } = deps.adapters();
  const c = await aks.getCluster(input.clusterId);
  if (c.powerState.toLowerCase() === "stopped")
    return refuse("ClusterStopped", `${c.name} is stopped; AKS upgrades only running clusters`);
  if (BUSY_STATES.includes(c.provisioningState.toLowerCase())) {
    return refuse(
      "OperationInProgress",
      `${c.name} is ${c.provisioningState}: another operation is running`,
      true,
    );
  }
  if (input.kind === "kubernetes") {
    if (c.upgradeChannel.toLowerCase() !== "none") {
      const available = (await aks.getUpgradeProfile(c.id)).upgrades
        .map((v) => parseVersion(v))
        .filter((v) => v !== undefined);
      const conflict = kubernetesChannelConflict(
        c.upgradeChannel,
        mustParseVersion(c.currentKubernetesVersion),
        available,
      );
      if (conflict)
        return refuse("AutoUpgradeChannelConflict", `${c.name}: ${conflict}; whichever runs first wins.`);
    }
    const current = mustParseVersion(c.currentKubernetesVersion);
    const target = mustParseVersion(input.target);
    const poolsBehind = c.pools.filter((p) => p.currentOrchestratorVersion !== input.target);
    const level = upgradeLevel(current, target);
    if (level === "none" && poolsBehind.length === 0 && c.provisioningState === "Succeeded")
      return refuse("AlreadyAtTarget", `${c.name} already runs ${input.target}`);
    if (level === "downgrade")
      return refuse(
        "NewerThanTarget",
        `${c.name} runs ${c.currentKubernetesVersion}, newer than ${input.target}`,
      );
    if (level === "skip")
      return refuse(
        "WouldSkipMinor",
        `${c.name} runs ${c.currentKubernetesVersion}; ${input.target} would skip a minor (AKS upgrades one minor at a time)`,
      );
    if (level !== "none") {
      const upgrades = (await aks.getUpgradeProfile(c.id)).upgrades;
      if (!upgrades.includes(input.target))
        return refuse(
          "TargetNotAvailable",
          `${input.target} is not (yet) an available upgrade for ${c.name} in ${c.location}`,
          true,
        );
    }
    return {
      ok: true,
      cluster: c,
      pools: poolsBehind.map((p) => ({ pool: p.name, from: p.currentOrchestratorVersion, to: input.target })),
      skippedPools: [],
    };
  }
  const osConflict = nodeOsChannelConflict(c.nodeOSUpgradeChannel);
  if (osConflict) return refuse("AutoUpgradeChannelConflict", `${c.name}: ${osConflict}.`);
  const pools: PoolPlan[] = [];
  const skippedPools: { pool: string; reason: string }[] = [];
  for (const p of c.pools) {
    const latest = (await aks.latestNodeImage(c.id, p.name)) ?? p.nodeImageVersion;
    const pinned = input.pinnedImages[imageFamily(p.nodeImageVersion)];
    const wanted = pinned ?? latest;
    if (p.nodeImageVersion >= wanted) continue;
    if (pinned && latest !== pinned) {
      skippedPools.push({
        pool: p.name,
        reason:
          latest > pinned
            ? `${c.location} now offers ${latest}; this rollout stays on ${pinned}, the image an earlier ring qualified`
            : `the qualified image ${pinned} is not yet released in ${c.location}`,
      });
      continue;
    }
    pools.push({ pool: p.name, from: p.nodeImageVersion, to: wanted });
  }
  if (pools.length === 0 && skippedPools.length === 0)
    return refuse("AlreadyAtTarget", `every pool of ${c.name} already runs its target image`);
  // AKS installs only the newest image of a region; a pool whose region moved past the qualified image waits for the next refresh.
  if (pools.length === 0)
    return refuse("HeldAtQualifiedImage", skippedPools.map((s) => `${s.pool}: ${s.reason}`).join("; "));
  return { ok: true, cluster: c, pools, skippedPools };
}

export interface StartInput {
  readonly clusterId: string;
  readonly kind: "kubernetes" | "nodeImage";
  readonly target: string;
  readonly pool?: string;
  /** Node images: the image the pool should end on; a pool already on it is not re-imaged. */
  readonly toImage?: string;
  /** Window, fit and freezes, checked against the clock right before anything is written. */
  readonly guard: WriteGuard;
}

/**
 * The one write of an upgrade step; a retry is the same write again: the PUT at the target (AKS's
 * documented way to resume a cluster left Failed, and the only way to get anywhere after a PUT that
 * failed before AKS took it), or the pool's node-image POST. Nothing is written outside the window
 * (write-guard.ts). Activities run at least once: if the host died after the PUT but before recording
 * it, this runs again, AKS answers 409 (an operation is in progress), and the upgrade already under way
 * to this target is adopted instead of failing or writing twice.
 */
export async function startUpgrade(
  deps: ActivityDeps,
  input: StartInput,
): Promise<Outcome<{ handle: OperationHandle }>> {
  const { aks, clock } = deps.adapters();
  const verdict = checkWriteTime(input.guard, clock.now());
  if (!verdict.ok)
    return { ok: false, code: FailureCode.missedWindow, message: verdict.reason, retriable: false };
  // Retries inside the clients (5xx, throttling) must not carry the write past the moment it still fits.
  const late = new AbortController();
  const timer = setTimeout(
    () => late.abort(),
    Math.max(0, (verdict.latestStart - clock.now()) / clock.speed),
  );
  timer.unref();
  try {
    if (input.kind === "nodeImage" && input.toImage) {
      // Activities run at least once: a pool an interrupted attempt already re-imaged is not re-imaged again.
      const pool = (await aks.getCluster(input.clusterId)).pools.find((p) => p.name === input.pool);
      if (pool && pool.nodeImageVersion >= input.toImage && pool.provisioningState === "Succeeded")
        return {
          ok: true,
          handle: { kind: "watch", clusterId: input.clusterId, pool: pool.name, token: "" },
        };
    }
    const options = { abortSignal: late.signal };
    const handle =
      input.kind === "nodeImage"
        ? await aks.beginNodeImageUpgrade(input.clusterId, input.pool!, options)
        : await aks.beginClusterUpgrade(input.clusterId, input.target, options);
    return { ok: true, handle };
  } catch (error) {
    if (late.signal.aborted) {
      // Aborted in flight, a request may still have reached AKS before the deadline: then it is ours.
      const adopted = await underWay(deps, input);
      if (adopted) return { ok: true, handle: adopted };
      return {
        ok: false,
        code: FailureCode.missedWindow,
        message: `the write was still being retried at ${new Date(clock.now()).toISOString()}, too late for the upgrade to fit the window (${describeAzureError(error).message})`,
        retriable: false,
      };
    }
    const f = describeAzureError(error);
    if (f.status === 409) {
      const adopted = await underWay(deps, input);
      if (adopted) return { ok: true, handle: adopted };
    }
    const subcode = (error as { details?: { error?: { subcode?: string } } }).details?.error?.subcode;
    return {
      ok: false,
      code: subcode ? `${f.code}/${subcode}` : f.code,
      message: f.message,
      retriable: f.status === 409 || f.status === 429 || (f.status ?? 500) >= 500,
    };
  } finally {
    clearTimeout(timer);
  }
}

async function underWay(deps: ActivityDeps, input: StartInput): Promise<OperationHandle | undefined> {
  const c = await deps.adapters().aks.getCluster(input.clusterId);
  // Ours if it is running towards this target, or already finished there (it ended between the 409 and now).
  const state = c.provisioningState.toLowerCase();
  if (input.kind === "kubernetes") {
    const ours =
      c.kubernetesVersion === input.target && (BUSY_STATES.includes(state) || state === "succeeded");
    return ours ? { kind: "watch", clusterId: c.id, token: "" } : undefined;
  }
  const pool = c.pools.find((p) => p.name === input.pool);
  const poolState = pool?.provisioningState.toLowerCase();
  const ours =
    pool &&
    (poolState === "upgradingnodeimageversion" ||
      (poolState === "succeeded" && !!input.toImage && pool.nodeImageVersion >= input.toImage));
  return ours ? { kind: "watch", clusterId: c.id, pool: pool.name, token: "" } : undefined;
}

export function checkOperation(deps: ActivityDeps, handle: OperationHandle): Promise<OperationCheck> {
  return deps.adapters().aks.checkOperation(handle);
}

export function inspectCluster(deps: ActivityDeps, input: { clusterId: string }): Promise<ClusterInfo> {
  return deps.adapters().aks.getCluster(input.clusterId);
}
