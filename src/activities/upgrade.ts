import type { ClusterInfo } from "../azure/aks.js";
import { describeAzureError } from "../azure/errors.js";
import { Code, isHoldCode } from "../domain/codes.js";
import {
  decideEligibility,
  isStopped,
  type EligibilityFacts,
  type EligibilityPool,
  type EligibilityTarget,
} from "../domain/eligibility.js";
import { nodeImageAtLeast } from "../domain/node-image-version.js";
import { ClusterFactsSchema, type ClusterFacts } from "../contracts/cluster-facts.js";
import { FailureCode } from "../contracts/failure-codes.js";
import type { OperationRef, OperationStatus } from "../contracts/operation-ref.js";
import type { PreflightInput, PreflightResult, StartInput, StartResult } from "../contracts/upgrade-steps.js";
import type { ActivityDeps } from "./deps.js";
import { operationHandle, operationRef, operationStatus } from "./operation-ref.js";
import { checkWriteTime } from "./write-guard.js";

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

const refuse = (code: Code, message: string): PreflightResult => ({
  ok: false,
  code,
  message,
  retriable: isHoldCode(code),
});

/**
 * Whether to touch the cluster now: a running operation holds it; otherwise the shared eligibility rule
 * (domain/eligibility.ts, the planner's too) decides on the cluster as AKS reports it this moment.
 */
export async function preflight(deps: ActivityDeps, input: PreflightInput): Promise<PreflightResult> {
  const { aks } = deps.adapters();
  const c = await aks.getCluster(input.clusterId);
  const stopped = isStopped(c.powerState);
  if (!stopped && BUSY_STATES.includes(c.provisioningState.toLowerCase()))
    return refuse(
      Code.OperationInProgress,
      `${c.name} is ${c.provisioningState}: another operation is running`,
    );
  const pools: EligibilityPool[] = [];
  for (const p of c.pools) {
    // Node images: a pool whose region reports no newer image stays where it is.
    const latest =
      input.kind === "nodeImage" && !stopped
        ? ((await aks.latestNodeImage(c.id, p.name)) ?? p.nodeImageVersion)
        : undefined;
    pools.push({
      name: p.name,
      orchestratorVersion: p.currentOrchestratorVersion,
      nodeImageVersion: p.nodeImageVersion,
      latestNodeImageVersion: latest,
    });
  }
  const facts: EligibilityFacts = {
    location: c.location,
    powerState: c.powerState,
    provisioningState: c.provisioningState,
    kubernetesVersion: c.currentKubernetesVersion,
    upgradeChannel: c.upgradeChannel,
    nodeOSUpgradeChannel: c.nodeOSUpgradeChannel,
    pools,
    availableVersions:
      input.kind === "kubernetes" && !stopped ? (await aks.getUpgradeProfile(c.id)).upgrades : undefined,
  };
  const target: EligibilityTarget =
    input.kind === "kubernetes"
      ? { kind: "kubernetes", version: input.target, level: input.level }
      : { kind: "nodeImage", pinned: input.pinnedImages };
  const verdict = decideEligibility(facts, target, { deny: deps.policy().spec.versions.deny });
  if (!verdict.ok) return refuse(verdict.code, `${c.name}: ${verdict.message}`);
  return {
    ok: true,
    cluster: clusterFacts(c),
    pools: verdict.pools.map((p) => ({ ...p })),
    skippedPools: verdict.heldPools.map((h) => ({ ...h })),
  };
}

/**
 * The one write of an upgrade step; a retry is the same write again: the PUT at the target (AKS's
 * documented way to resume a cluster left Failed, and the only way to get anywhere after a PUT that
 * failed before AKS took it), or the pool's node-image POST. Nothing is written outside the window
 * (write-guard.ts). Activities run at least once: if the host died after the PUT but before recording
 * it, this runs again, AKS answers 409 (an operation is in progress), and the upgrade already under way
 * to this target is adopted instead of failing or writing twice.
 */
export async function startUpgrade(deps: ActivityDeps, input: StartInput): Promise<StartResult> {
  const { aks, clock } = deps.adapters();
  const verdict = checkWriteTime(input.guard, clock.now());
  if (!verdict.ok)
    return { ok: false, code: FailureCode.missedWindow, message: verdict.reason, retriable: false };
  // Retries inside the clients (5xx, throttling) must not carry the write past the moment it still fits.
  const late = new AbortController();
  const timer = clock.setTimer(verdict.latestStart, () => late.abort());
  try {
    if (input.kind === "nodeImage" && input.toImage) {
      // Activities run at least once: a pool an interrupted attempt already re-imaged is not re-imaged again.
      const pool = (await aks.getCluster(input.clusterId)).pools.find((p) => p.name === input.pool);
      if (
        pool &&
        nodeImageAtLeast(pool.nodeImageVersion, input.toImage) &&
        pool.provisioningState === "Succeeded"
      )
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
    return { ok: true, handle: operationRef(handle) };
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
    clock.clearTimer(timer);
  }
}

async function underWay(deps: ActivityDeps, input: StartInput): Promise<OperationRef | undefined> {
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
      (poolState === "succeeded" &&
        !!input.toImage &&
        nodeImageAtLeast(pool.nodeImageVersion, input.toImage)));
  return ours ? { kind: "watch", clusterId: c.id, pool: pool.name, token: "" } : undefined;
}

/** `ref` comes back from orchestration history: validated before it reaches the adapter. */
export async function checkOperation(deps: ActivityDeps, ref: OperationRef): Promise<OperationStatus> {
  return operationStatus(await deps.adapters().aks.checkOperation(operationHandle(ref)));
}

export async function inspectCluster(
  deps: ActivityDeps,
  input: { clusterId: string },
): Promise<ClusterFacts> {
  return clusterFacts(await deps.adapters().aks.getCluster(input.clusterId));
}

/** What history keeps of the adapter's cluster (contracts/cluster-facts.ts): only the contract's fields, copied. */
export function clusterFacts(c: ClusterInfo): ClusterFacts {
  return ClusterFactsSchema.parse({
    id: c.id,
    name: c.name,
    currentKubernetesVersion: c.currentKubernetesVersion,
    provisioningState: c.provisioningState,
    pools: c.pools.map((p) => ({
      name: p.name,
      currentOrchestratorVersion: p.currentOrchestratorVersion,
      nodeImageVersion: p.nodeImageVersion,
      provisioningState: p.provisioningState,
    })),
  });
}
