import type * as df from "durable-functions";
import { rolloutInstanceId } from "../contracts/instance-ids.js";
import { WorkflowName } from "../contracts/workflow-names.js";
import { activityWithRetry, iso, nowMs, type Ctx } from "./call.js";
import {
  NodeImageRefreshInputSchema,
  parseWorkflowInput,
  type RolloutInput,
} from "../contracts/workflow-inputs.js";

/**
 * Started by the node-image timer (AKS emits no event for new images): finds pools whose region offers a
 * newer image and, if any, runs a node-image rollout through the same ring machinery, named by the day.
 */
export function* nodeImageRefreshWorkflow(ctx: Ctx): Generator<df.Task, unknown, unknown> {
  const { policy } = parseWorkflowInput(
    WorkflowName.nodeImageRefresh,
    NodeImageRefreshInputSchema,
    ctx.df.getInput(),
  );
  const found = yield* activityWithRetry(ctx, "findStaleNodeImages", undefined);
  const stalePools = found.staleCount;
  if (stalePools === 0) return { stale: 0 };
  const label = iso(nowMs(ctx)).slice(0, 10);
  const input: RolloutInput = {
    policy,
    kind: "nodeImage",
    target: label,
    requiresApproval: false,
    trigger: { stalePools, families: found.families },
  };
  ctx.df.setCustomStatus({ phase: `node image rollout ${label}`, stalePools });
  const outcome: unknown = yield ctx.df.callSubOrchestrator(
    WorkflowName.rollout,
    input,
    rolloutInstanceId(policy, "nodeImage", label),
  );
  return { stale: stalePools, outcome };
}
