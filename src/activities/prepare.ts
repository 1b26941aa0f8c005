import type { InvocationContext } from "@azure/functions";
import pLimit from "p-limit";
import type { Policy } from "../config/policy.js";
import type { Inventory } from "../domain/inventory.js";
import { planRollout, type Plan, type PlanTarget } from "../domain/planner.js";
import { rolloutExecutor } from "../domain/executor-schema.js";
import { effectiveRings } from "../domain/rings.js";
import type { InstancePort } from "../contracts/durable-port.js";
import type { LaneInput } from "../contracts/lanes.js";
import type { PreparedRollout, PrepareRolloutInput } from "../contracts/prepared-rollout.js";
import { WorkflowName } from "../contracts/workflow-names.js";
import type { ActivityDeps } from "./deps.js";
import { loadInventory } from "./inventory.js";
import { legacyAssignmentSummary } from "./inventory-assignments.js";
import { splitIntoLanes } from "./lane-plan.js";

/**
 * Everything a rollout decides before it starts, done once in an activity so its result is recorded in
 * history instead of being recomputed on every replay: the inventory, the plan (forecast) and, per ring,
 * the input of each cluster workflow (window source, predicted duration, retries). The clusters go to lanes
 * (lane-plan.ts), started here and waiting for their ring; the rollout gets a summary whose size does not
 * grow with the fleet. Its shape is the contract's (contracts/prepared-rollout.ts).
 */
export async function prepareRollout(
  deps: ActivityDeps,
  input: PrepareRolloutInput,
  context: InvocationContext,
): Promise<PreparedRollout> {
  const policy = deps.policy();
  const inventory = await loadInventory(deps, { withNodeImages: input.kind === "nodeImage" });
  const target: PlanTarget =
    input.kind === "kubernetes"
      ? { kind: "kubernetes", version: input.target, level: input.level }
      : { kind: "nodeImage" };
  const plan = planRollout({ policy, inventory, target, now: input.nowMs });
  const { prepared, lanes } = preparedFrom(input, plan, policy, inventory, deps.publicBaseUrl());
  // The lanes hold the plan from here on: each waits for its ring to start (rollout-lane.ts).
  // With the Fleet executor, Fleet holds the clusters (one update run, activities/fleet-run.ts): no lanes.
  if (!prepared.plan.nothingToDo && prepared.settings.executor !== "fleet")
    await startLanes(deps.durable(context), lanes);
  return prepared;
}

/** The plan as the rollout keeps it, and the lanes that hold its clusters (pure; the activity starts them). */
export function preparedFrom(
  input: PrepareRolloutInput,
  plan: Plan,
  policy: Policy,
  inventory: Inventory,
  baseUrl: string,
): { prepared: PreparedRollout; lanes: { id: string; input: LaneInput }[] } {
  const split = splitIntoLanes(input, plan, policy, inventory);
  // The Fleet executor starts no lanes: its rings keep their subscription-regions themselves.
  const fleet = rolloutExecutor(policy) === "fleet";
  const summary = fleet
    ? {
        ...split.summary,
        rings: split.summary.rings.map((r) => ({
          ...r,
          bucketKeys: [
            ...new Set(
              split.lanes.filter((l) => l.input.ring === r.name).map((l) => l.input.bucket.toLowerCase()),
            ),
          ]
            .sort()
            .slice(0, 500),
        })),
      }
    : split.summary;
  const prepared: PreparedRollout = {
    runId: plan.now,
    plan: { ...summary, ...legacyAssignmentSummary(inventory) },
    settings: {
      manageWindows: policy.spec.manageWindows,
      baseUrl,
      rolloutApproval: {
        timeoutMs: policy.spec.versions.approval.timeout.ms,
        onTimeout: policy.spec.versions.approval.onTimeout,
      },
      rings: effectiveRings(policy).map((r) => ({
        name: r.name,
        approvalRequired: r.approval.required,
        approvalTimeoutMs: r.approval.timeoutMs,
        onTimeout: r.approval.onTimeout,
        cap: r.maxConcurrentPerSubscriptionRegion,
        failureBudget: r.failureBudget,
        soakMs: r.soakMs,
        gates: r.gates,
        notify: r.notify,
        retries: r.retries.attempts,
      })),
      executor: rolloutExecutor(policy),
      freezes: plan.freezes.slice(0, 100),
    },
  };
  return { prepared, lanes: split.lanes };
}

/** Lanes started at once: a 5,000-cluster plan has hundreds, and each start is a round trip to the backend. */
const LANE_STARTS_IN_PARALLEL = 8;

/** Starts each lane once per run: a retried activity finds this run's lanes there and leaves them be. */
async function startLanes(
  durable: InstancePort,
  lanes: readonly { id: string; input: LaneInput }[],
): Promise<void> {
  const limit = pLimit(LANE_STARTS_IN_PARALLEL);
  await Promise.all(
    lanes.map((lane) =>
      limit(async () => {
        const existing = await durable.describe(lane.id);
        const input = existing?.input as { runId?: unknown } | undefined;
        if (existing && input?.runId === lane.input.runId) return;
        await durable.start(WorkflowName.rolloutLane, lane.id, lane.input);
      }),
    ),
  );
}
