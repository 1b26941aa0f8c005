import type { InvocationContext } from "@azure/functions";
import { clusterInstanceId } from "../contracts/instance-ids.js";
import { WorkflowName } from "../contracts/workflow-names.js";
import { isActive } from "../contracts/durable-port.js";
import type { ClusterResult } from "../contracts/cluster-results.js";
import { FailureCode } from "../contracts/failure-codes.js";
import type {
  LaunchClustersInput,
  LaunchOutcome,
  ReportClusterResultInput,
  SignalClustersInput,
} from "../contracts/cluster-launch.js";
import { RolloutEvents, type ClusterResultEvent } from "../contracts/events.js";
import type { ClusterUpgradeInput } from "../contracts/workflow-inputs.js";
import type { ActivityDeps } from "./deps.js";

/**
 * A rollout's cluster workflows are independent instances (`cluster:<sub>:<rg>:<name>`) that report back to
 * the rollout with an event, rather than sub-orchestrations the rollout awaits: durable-functions 3 re-issues
 * a task that is awaited a second time in a new `Task.any` (azure-functions-durable-js#574), so a rollout that
 * also listens for pause/cancel while clusters run cannot keep re-awaiting child tasks. Launching is
 * idempotent (an activity may run twice): an instance this run already started is left alone, and one that
 * already finished for this run hands back its result. Inputs and outcomes: contracts/cluster-launch.ts.
 */
export async function launchClusters(
  deps: ActivityDeps,
  input: LaunchClustersInput,
  context: InvocationContext,
): Promise<LaunchOutcome[]> {
  const durable = deps.durable(context);
  const outcomes: LaunchOutcome[] = [];
  for (const cluster of input.clusters) {
    const instanceId = instanceOf(cluster.clusterId);
    const existing = await durable.describe(instanceId);
    const owner = ownerOf(existing?.input);
    const ours = owner?.rolloutId === cluster.rolloutId && owner.runId === cluster.runId;
    if (isActive(existing?.runtimeStatus)) {
      outcomes.push(
        ours
          ? { clusterId: cluster.clusterId, state: "running" }
          : { clusterId: cluster.clusterId, state: "busy", busyWith: owner?.rolloutId ?? "another workflow" },
      );
      continue;
    }
    if (existing && ours) {
      outcomes.push({
        clusterId: cluster.clusterId,
        state: "finished",
        result: finishedResult(cluster, existing.runtimeStatus, existing.output),
      });
      continue;
    }
    await durable.start(WorkflowName.clusterUpgrade, instanceId, cluster);
    outcomes.push({ clusterId: cluster.clusterId, state: "started" });
  }
  return outcomes;
}

/** Forwards pause/resume/cancel to cluster workflows still waiting; one that has ended has nothing to hold. */
export async function signalClusters(
  deps: ActivityDeps,
  input: SignalClustersInput,
  context: InvocationContext,
): Promise<{ delivered: number }> {
  const durable = deps.durable(context);
  let delivered = 0;
  for (const id of input.clusterIds)
    if (await durable.raise(instanceOf(id), input.event, input.data)) delivered++;
  return { delivered };
}

/** A cluster workflow's last step: tell the rollout. A rollout that is gone (canceled, terminated) no longer listens. */
export async function reportClusterResult(
  deps: ActivityDeps,
  input: ReportClusterResultInput,
  context: InvocationContext,
): Promise<{ delivered: boolean }> {
  const durable = deps.durable(context);
  const status = await durable.status(input.rolloutId);
  if (!isActive(status)) return { delivered: false };
  const delivered = await durable.raise(input.rolloutId, RolloutEvents.clusterResult, {
    runId: input.runId,
    result: input.result,
  } satisfies ClusterResultEvent);
  return { delivered };
}

function instanceOf(clusterId: string): string {
  const id = clusterInstanceId(clusterId);
  if (!id)
    throw new Error(
      `"${clusterId}" is not an AKS cluster resource id (/subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.ContainerService/managedClusters/<name>)`,
    );
  return id;
}

function ownerOf(input: unknown): { rolloutId?: string; runId?: string } | undefined {
  if (!input || typeof input !== "object") return undefined;
  const o = input as Record<string, unknown>;
  return {
    ...(typeof o.rolloutId === "string" ? { rolloutId: o.rolloutId } : {}),
    ...(typeof o.runId === "string" ? { runId: o.runId } : {}),
  };
}

function finishedResult(cluster: ClusterUpgradeInput, runtimeStatus: string, output: unknown): ClusterResult {
  if (runtimeStatus === "Completed" && output && typeof output === "object" && "status" in output)
    return output as ClusterResult;
  const reason =
    runtimeStatus === "Terminated"
      ? "the cluster workflow was terminated"
      : `the cluster workflow ended ${runtimeStatus}: ${typeof output === "string" ? output.split("\n")[0] : "no result"}`;
  return {
    clusterId: cluster.clusterId,
    name: cluster.name,
    ring: cluster.ring,
    status: runtimeStatus === "Terminated" ? "canceled" : "failed",
    code: FailureCode.workflowFailed,
    reason,
    attempts: 0,
    poolEvents: [],
  };
}
