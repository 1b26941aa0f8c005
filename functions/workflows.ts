// Durable orchestrations and activities: names → src/workflows and src/activities. Registered through
// src/app/durable-app.ts, not `df.app.*`, so loading this file does not load durable-functions' HTTP client.
// Settings and policy are read on first use (src/app/runtime-config.ts); functions/schedules.ts validates
// the settings when the host loads the app.
import type { InvocationContext } from "@azure/functions";
import { createActivities } from "../src/activities/index.js";
import { activityDeps } from "../src/app/activity-deps.js";
import { auditHubConfigured, auditOutput } from "../src/azure/audit.js";
import { registerActivity, registerOrchestration } from "../src/app/durable-app.js";
import { durableClientInput } from "../src/dispatch/lazy-durable.js";
import { WorkflowName } from "../src/contracts/workflow-names.js";
import { clusterUpgradeWorkflow } from "../src/workflows/cluster-upgrade.js";
import { endOfSupportWorkflow } from "../src/workflows/end-of-support.js";
import { fleetGateWorkflow } from "../src/workflows/fleet-gate.js";
import { nodeImageRefreshWorkflow } from "../src/workflows/node-image-refresh.js";
import { digestWorkflow, notifyWorkflow } from "../src/workflows/notify.js";
import { rolloutWorkflow } from "../src/workflows/rollout.js";

registerOrchestration(WorkflowName.rollout, rolloutWorkflow);
registerOrchestration(WorkflowName.clusterUpgrade, clusterUpgradeWorkflow);
registerOrchestration(WorkflowName.nodeImageRefresh, nodeImageRefreshWorkflow);
registerOrchestration(WorkflowName.endOfSupport, endOfSupportWorkflow);
registerOrchestration(WorkflowName.fleetGate, fleetGateWorkflow);
registerOrchestration(WorkflowName.notify, notifyWorkflow);
registerOrchestration(WorkflowName.digest, digestWorkflow);

const activities = createActivities(activityDeps);
// The audit hub's output binding exists only when its connection does: the host cannot bind an output to
// a connection it cannot resolve, and without one the activity logs the events instead.
const auditOutputs = auditHubConfigured(process.env) ? [auditOutput] : [];
for (const [name, fn] of Object.entries(activities)) {
  const handler = fn as (input: unknown, context: InvocationContext) => Promise<unknown>;
  registerActivity(name, {
    extraInputs: [durableClientInput()],
    ...(name === "publishAudit" ? { extraOutputs: auditOutputs } : {}),
    handler: (input: unknown, context: InvocationContext) => handler(input, context),
  });
}
