import type * as df from "durable-functions";
import { EndOfSupportInputSchema, parseWorkflowInput } from "../contracts/workflow-inputs.js";
import { WorkflowName } from "../contracts/workflow-names.js";
import { activityWithRetry, iso, nowMs, type Ctx } from "./call.js";

/**
 * AKS says a cluster's version is about to leave support (or has): tell on-call now, urgently, with what to
 * do; once support has ended, tag the cluster so inventories and dashboards show it.
 */
export function* endOfSupportWorkflow(ctx: Ctx): Generator<df.Task, unknown, unknown> {
  const input = parseWorkflowInput(WorkflowName.endOfSupport, EndOfSupportInputSchema, ctx.df.getInput());
  const name = input.clusterId.split("/").pop() ?? input.clusterId;
  const [major, minor] = input.kubernetesVersion.split(".").map(Number) as [number, number];
  const next = `${major}.${minor + 1}`;
  if (input.stage === "ended")
    yield* activityWithRetry(ctx, "tagCluster", {
      clusterId: input.clusterId,
      tags: { "ringmaster.io/support": `ended ${iso(nowMs(ctx)).slice(0, 10)}` },
    });
  const plan = yield* activityWithRetry(ctx, "planSupportUpgrade", {
    clusterId: input.clusterId,
    nowMs: nowMs(ctx),
  });
  const when = (t?: string | null) => (t ? `${t.slice(0, 16).replace("T", " ")} UTC` : "—");
  const planLine = plan.target
    ? plan.plan?.status === "scheduled"
      ? `Plan: ${name} ${plan.current} → ${plan.target} in ring ${plan.plan.ring ?? "—"}, predicted ${when(plan.plan.predictedStart)} to ${when(plan.plan.predictedEnd)} — once the ${plan.target} rollout is approved.`
      : `Plan: ${name} ${plan.current} → ${plan.target}, but the policy would not schedule it: ${plan.plan?.reason ?? "not in any ring"}.`
    : `Plan: none yet — ${plan.note ?? "no next version"}.`;
  yield* activityWithRetry(ctx, "queueNotification", {
    kind: "endOfSupport",
    key: `eos:${input.clusterId}:${input.kubernetesVersion}:${input.stage}`,
    title: `${input.stage === "ended" ? "Out of support" : "Support ending"}: ${name} runs Kubernetes ${input.kubernetesVersion}`,
    summary:
      input.stage === "ended"
        ? `Kubernetes ${input.kubernetesVersion} is no longer supported by AKS; ${name} gets no fixes and AKS may force-upgrade it.`
        : `Kubernetes ${input.kubernetesVersion} leaves AKS support soon.`,
    lines: [
      planLine,
      `Upgrade ${name} to ${next}.x (one minor at a time); to start now: POST /api/rollouts {"target":"${plan.target ?? `${next}.x`}"}.`,
      `Approve the pending ${next} rollout through the API if one is waiting; its forecast email lists this cluster's window.`,
      `Cluster: ${input.clusterId}`,
    ],
    urgent: true,
    time: iso(nowMs(ctx)),
  });
  return { notified: true };
}
