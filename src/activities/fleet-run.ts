import pLimit from "p-limit";
import type { FleetRef, FleetRunStatusJson } from "../azure/fleet.js";
import {
  FLEET_FAILED_MAX,
  type CreatedFleetRun,
  type CreateFleetRunInput,
  type FleetMemberCounts,
  type FleetRunStatus,
  type FleetStageStatus,
} from "../contracts/fleet-run.js";
import { shortReason } from "../contracts/lanes.js";
import { parseFleetId } from "../domain/executor-schema.js";
import {
  fleetRunPlan,
  retrySelection,
  type FleetPlanCluster,
  type FleetPlanRing,
} from "../domain/fleet-run-plan.js";
import { planRollout } from "../domain/planner.js";
import type { Gate } from "../domain/policy-schema.js";
import { effectiveRings } from "../domain/rings.js";
import type { ActivityDeps } from "./deps.js";
import { evaluateGates } from "./gates.js";
import { loadInventory } from "./inventory.js";

/**
 * The Fleet executor's I/O (workflows/fleet-rollout.ts decides): build a rollout's update run from its
 * plan (domain/fleet-run-plan.ts) and write it to Fleet — members into their groups, then the run with
 * its inline strategy —, start and stop it, read its status back as bounded counts, and judge a stage's
 * health gate on the members it completed. Fleet holds the member lists; nothing here returns them whole.
 */

/** Members that belong to no stage of the run Ringmaster writes: the group no strategy of ours names. */
export const NOT_SELECTED_GROUP = "ringmaster-not-selected";
const MEMBER_WRITES_IN_PARALLEL = 8;

export function fleetOf(deps: ActivityDeps): { ref: FleetRef; id: string } {
  const id = deps.policy().spec.fleet?.resourceId;
  const ref = id ? parseFleetId(id) : undefined;
  if (!id || !ref) throw new Error('spec.fleet.resourceId: required for executor "fleet"');
  return { ref, id };
}

export async function createFleetRun(deps: ActivityDeps, raw: CreateFleetRunInput): Promise<CreatedFleetRun> {
  const input = { fromRing: 0, previousRuns: [], retryFailed: false, ...raw };
  const policy = deps.policy();
  const { fleet } = deps.adapters();
  const { ref, id } = fleetOf(deps);
  const inventory = await loadInventory(deps, { withNodeImages: input.kind === "nodeImage" });
  const plan = planRollout({
    policy,
    inventory,
    target:
      input.kind === "kubernetes"
        ? { kind: "kubernetes", version: input.target, level: input.level }
        : { kind: "nodeImage" },
    now: input.planMs,
  });
  const rings = effectiveRings(policy);
  const ringIndex = new Map(rings.map((r) => [r.name, r.index]));
  // What earlier runs of this rollout did to each member, by cluster id (lower case).
  const before = new Map<string, string>();
  for (const name of input.previousRuns)
    for (const stage of (await fleet.runStatus(ref, name))?.stages ?? [])
      for (const g of stage.groups ?? [])
        for (const m of g.members ?? [])
          if (m.clusterResourceId)
            before.set(m.clusterResourceId.toLowerCase(), m.status?.state ?? "NotStarted");
  const asCluster = (c: (typeof plan.clusters)[number]): FleetPlanCluster => ({
    clusterId: c.clusterId,
    name: c.name,
    subscriptionId: c.subscriptionId,
    location: c.location,
    ring: c.ring!,
  });
  let selected: FleetPlanCluster[];
  // Rings a retry must still ask approval for: none of their members ever began.
  let unstartedRings = new Set<string>();
  if (input.mode === "retry") {
    const retry = retrySelection(plan.clusters, before);
    selected = retry.selected.map(asCluster);
    unstartedRings = retry.unstartedRings;
  } else {
    selected = plan.clusters
      .filter(
        (c) => c.status === "scheduled" && c.ring !== null && (ringIndex.get(c.ring) ?? 0) >= input.fromRing,
      )
      .filter((c) => {
        const was = before.get(c.clusterId.toLowerCase()) ?? "";
        return input.mode === "plan" || !(was === "Completed" || (was === "Failed" && !input.retryFailed));
      })
      .map(asCluster);
  }
  const planRings: FleetPlanRing[] = rings.map((r) => ({
    name: r.name,
    cap: r.maxConcurrentPerSubscriptionRegion,
    // A retry keeps the ring's soak and health gates: the same safety as the run it repeats.
    soakMs: r.soakMs,
    // A follow-up run goes on in a ring whose approval was already given: it does not ask again; a retry
    // asks it for every ring that never began (its approval was never given).
    approvalRequired:
      input.mode === "plan" ||
      (input.mode === "continue" && r.index !== input.fromRing) ||
      (input.mode === "retry" && unstartedRings.has(r.name))
        ? r.approval.required
        : false,
    hasHealthGates: r.gates.length > 0,
  }));
  const members = await fleet.members(ref);
  const memberOf = new Map(members.map((m) => [m.clusterResourceId.toLowerCase(), m]));
  const notMembers = selected.filter((c) => !memberOf.has(c.clusterId.toLowerCase()));
  const runPlan = fleetRunPlan(
    input.rolloutId,
    planRings,
    selected.filter((c) => memberOf.has(c.clusterId.toLowerCase())),
    input.runName,
  );
  if (runPlan.stages.length === 0)
    throw new Error(`no member of Fleet ${id} is selected for ${input.runName}`);
  // Fleet takes a strategy's members from their `group`: selected members into theirs, any other member
  // that carries one of the run's group names out of it (so only the plan's clusters are in the run).
  const runGroups = new Set(runPlan.stages.flatMap((s) => s.groups.map((g) => g.name)));
  const limit = pLimit(MEMBER_WRITES_IN_PARALLEL);
  await Promise.all(
    members.map((m) =>
      limit(async () => {
        const want =
          runPlan.groupOf.get(m.clusterResourceId.toLowerCase()) ??
          (m.group && runGroups.has(m.group) ? NOT_SELECTED_GROUP : undefined);
        if (want && want !== m.group) await fleet.setMemberGroup(ref, m.name, want);
      }),
    ),
  );
  const upgradeType =
    input.kind === "nodeImage" ? "NodeImageOnly" : (policy.spec.fleet?.upgradeType ?? "Full");
  await fleet.putRun(ref, input.runName, {
    strategy: {
      stages: runPlan.stages.map((s) => ({
        name: s.name,
        groups: s.groups,
        ...(s.afterStageWaitInSeconds ? { afterStageWaitInSeconds: s.afterStageWaitInSeconds } : {}),
        ...(s.beforeGates.length ? { beforeGates: s.beforeGates } : {}),
        ...(s.afterGates.length ? { afterGates: s.afterGates } : {}),
      })),
    },
    managedClusterUpdate: {
      upgrade:
        upgradeType === "NodeImageOnly"
          ? { type: upgradeType }
          : { type: upgradeType, kubernetesVersion: input.target },
      ...(upgradeType === "NodeImageOnly"
        ? {
            nodeImageSelection: input.nodeImageVersions?.length
              ? { type: "Custom", customNodeImageVersions: input.nodeImageVersions }
              : { type: "Consistent" },
          }
        : {}),
    },
  });
  const count = new Map<string, number>();
  for (const g of runPlan.groupOf.values()) count.set(g, (count.get(g) ?? 0) + 1);
  return {
    runName: input.runName,
    fleetId: id,
    upgradeType,
    stages: runPlan.stages.map((s) => ({
      name: s.name,
      ring: s.ring,
      groups: s.groups.length,
      members: s.groups.reduce((n, g) => n + (count.get(g.name) ?? 0), 0),
      approval: s.beforeGates.length > 0,
      health: s.afterGates.length > 0,
      ...(s.afterStageWaitInSeconds ? { afterStageWaitInSeconds: s.afterStageWaitInSeconds } : {}),
    })),
    members: runPlan.groupOf.size,
    notMembers: { count: notMembers.length, names: notMembers.slice(0, FLEET_FAILED_MAX).map((c) => c.name) },
  };
}

export async function fleetRunAction(
  deps: ActivityDeps,
  input: { runName: string; action: "start" | "stop" },
): Promise<void> {
  const { fleet } = deps.adapters();
  const { ref } = fleetOf(deps);
  if (input.action === "start") await fleet.start(ref, input.runName);
  else await fleet.stop(ref, input.runName);
}

const emptyCounts = (): FleetMemberCounts => ({
  total: 0,
  notStarted: 0,
  pending: 0,
  running: 0,
  completed: 0,
  failed: 0,
  skipped: 0,
});
const COUNTED: Record<string, keyof FleetMemberCounts> = {
  NotStarted: "notStarted",
  Pending: "pending",
  Running: "running",
  Stopping: "running",
  Completed: "completed",
  Failed: "failed",
  Skipped: "skipped",
  Stopped: "notStarted",
};

/** A run's status in counts per stage, its first failures and the gates that wait (bounded, for history). */
export function summarizeRun(runName: string, status: FleetRunStatusJson | undefined): FleetRunStatus {
  if (!status) return { runName, state: "Missing", stages: [], gates: [] };
  const gates: FleetRunStatus["gates"] = [];
  const stages = (status.stages ?? []).map((s): FleetStageStatus => {
    const counts = emptyCounts();
    const failed: FleetStageStatus["failed"] = [];
    for (const g of s.groups ?? [])
      for (const m of g.members ?? []) {
        const state = m.status?.state ?? "NotStarted";
        counts.total++;
        counts[COUNTED[state] ?? "notStarted"]++;
        if (state === "Failed" && failed.length < FLEET_FAILED_MAX)
          failed.push({
            name: m.name ?? "",
            clusterId: m.clusterResourceId ?? "",
            code: m.status?.error?.code ?? "UpdateFailed",
            reason: shortReason(m.status?.error?.message ?? "the member's update failed")!,
          });
      }
    for (const [timing, refs] of [
      ["Before", s.beforeGates],
      ["After", s.afterGates],
    ] as const)
      for (const r of refs ?? [])
        if (r.status?.state === "Pending" && r.gateId && gates.length < 200)
          gates.push({ gateId: r.gateId, displayName: r.displayName ?? "", stage: s.name ?? "", timing });
    const wait = s.afterStageWaitStatus;
    const started = wait?.status?.startTime ? Date.parse(wait.status.startTime) : undefined;
    return {
      name: s.name ?? "",
      state: s.status?.state ?? "NotStarted",
      counts,
      failed,
      ...(wait?.status?.state
        ? {
            wait: {
              state: wait.status.state,
              ...(started !== undefined && wait.waitDurationInSeconds
                ? { until: new Date(started + wait.waitDurationInSeconds * 1000).toISOString() }
                : {}),
            },
          }
        : {}),
    };
  });
  const e = status.status?.error;
  return {
    runName,
    state: status.status?.state ?? "NotStarted",
    ...(e ? { error: shortReason(`${e.code ?? ""}: ${e.message ?? ""}`)! } : {}),
    stages,
    gates,
    ...(status.nodeImageSelection?.selectedNodeImageVersions?.length
      ? { selectedNodeImageVersions: status.nodeImageSelection.selectedNodeImageVersions.slice(0, 50) }
      : {}),
  };
}

export async function pollFleetRun(deps: ActivityDeps, input: { runName: string }): Promise<FleetRunStatus> {
  const { fleet } = deps.adapters();
  const { ref } = fleetOf(deps);
  return summarizeRun(input.runName, await fleet.runStatus(ref, input.runName));
}

/** A stage's health gate: Ringmaster's gates over the members that stage completed, with evidence. */
export async function evaluateFleetStage(
  deps: ActivityDeps,
  input: { runName: string; stage: string; gates: unknown[] },
): Promise<{
  passed: boolean;
  results: Awaited<ReturnType<typeof evaluateGates>>["results"];
  clusters: number;
}> {
  const { fleet } = deps.adapters();
  const { ref } = fleetOf(deps);
  const status = await fleet.runStatus(ref, input.runName);
  const stage = status?.stages?.find((s) => s.name === input.stage);
  const clusterIds = (stage?.groups ?? []).flatMap((g) =>
    (g.members ?? [])
      .filter((m) => m.status?.state === "Completed" && m.clusterResourceId)
      .map((m) => m.clusterResourceId!),
  );
  const verdict = await evaluateGates(deps, { gates: input.gates as Gate[], clusterIds, poolEvents: {} });
  return { ...verdict, clusters: clusterIds.length };
}
