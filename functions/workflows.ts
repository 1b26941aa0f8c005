// Durable orchestrations and activities: names → src/workflows and src/activities.
import type { InvocationContext } from "@azure/functions";
import * as df from "durable-functions";
import { createActivities } from "../src/activities/index.js";
import { activityDeps } from "../src/app/activity-deps.js";
import { auditHubConfigured, auditOutput } from "../src/azure/audit.js";
import { getRuntimeConfig } from "../src/app/runtime-config.js";
import { WorkflowName } from "../src/contracts/workflow-names.js";
import { clusterUpgradeWorkflow } from "../src/workflows/cluster-upgrade.js";
import { endOfSupportWorkflow } from "../src/workflows/end-of-support.js";
import { fleetGateWorkflow } from "../src/workflows/fleet-gate.js";
import { nodeImageRefreshWorkflow } from "../src/workflows/node-image-refresh.js";
import { digestWorkflow, notifyWorkflow } from "../src/workflows/notify.js";
import { laneWorkflow } from "../src/workflows/rollout-lane.js";
import { rolloutWorkflow } from "../src/workflows/rollout.js";

getRuntimeConfig();

df.app.orchestration(WorkflowName.rollout, rolloutWorkflow);
df.app.orchestration(WorkflowName.clusterUpgrade, clusterUpgradeWorkflow);
df.app.orchestration(WorkflowName.rolloutLane, laneWorkflow);
df.app.orchestration(WorkflowName.nodeImageRefresh, nodeImageRefreshWorkflow);
df.app.orchestration(WorkflowName.endOfSupport, endOfSupportWorkflow);
df.app.orchestration(WorkflowName.fleetGate, fleetGateWorkflow);
df.app.orchestration(WorkflowName.notify, notifyWorkflow);
df.app.orchestration(WorkflowName.digest, digestWorkflow);

const activities = createActivities(activityDeps);
// The audit hub's output binding exists only when its connection does: the host cannot bind an output to
// a connection it cannot resolve, and without one the activity logs the events instead.
const auditOutputs = auditHubConfigured(process.env) ? [auditOutput] : [];
for (const [name, fn] of Object.entries(activities)) {
  const handler = fn as (input: unknown, context: InvocationContext) => Promise<unknown>;
  df.app.activity(name, {
    extraInputs: [df.input.durableClient()],
    ...(name === "publishAudit" ? { extraOutputs: auditOutputs } : {}),
    handler: (input: unknown, context: InvocationContext) => handler(input, context),
  });
}
