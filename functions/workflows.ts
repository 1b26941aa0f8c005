// Durable orchestrations and activities: names → src/workflows and src/activities. Registered through
// src/app/durable-app.ts, not `df.app.*`: loading this file loads neither durable-functions' index (its HTTP
// client) nor the workflows and activities themselves, which are imported on their first call (issue 12,
// cold start). Settings and policy are read on first use (src/app/runtime-config.ts); functions/schedules.ts
// validates the settings when the host loads the app.
import type { InvocationContext } from "@azure/functions";
import { ACTIVITY_NAMES } from "../src/app/activity-names.js";
import { registerActivity, registerOrchestration } from "../src/app/durable-app.js";
import { auditHubConfigured, auditOutput } from "../src/azure/audit.js";
import { once } from "../src/azure/lazy-sdk.js";
import { WorkflowName } from "../src/contracts/workflow-names.js";
import { durableClientInput } from "../src/dispatch/lazy-durable.js";

registerOrchestration(WorkflowName.rollout, {
  load: async () => (await import("../src/workflows/rollout.js")).rolloutWorkflow,
});
registerOrchestration(WorkflowName.clusterUpgrade, {
  load: async () => (await import("../src/workflows/cluster-upgrade.js")).clusterUpgradeWorkflow,
});
registerOrchestration(WorkflowName.rolloutLane, {
  load: async () => (await import("../src/workflows/rollout-lane.js")).laneWorkflow,
});
registerOrchestration(WorkflowName.nodeImageRefresh, {
  load: async () => (await import("../src/workflows/node-image-refresh.js")).nodeImageRefreshWorkflow,
});
registerOrchestration(WorkflowName.endOfSupport, {
  load: async () => (await import("../src/workflows/end-of-support.js")).endOfSupportWorkflow,
});
registerOrchestration(WorkflowName.fleetGate, {
  load: async () => (await import("../src/workflows/fleet-gate.js")).fleetGateWorkflow,
});
registerOrchestration(WorkflowName.notify, {
  load: async () => (await import("../src/workflows/notify.js")).notifyWorkflow,
});
registerOrchestration(WorkflowName.digest, {
  load: async () => (await import("../src/workflows/notify.js")).digestWorkflow,
});
registerOrchestration(WorkflowName.costAnomalyCheck, {
  load: async () => (await import("../src/workflows/cost-anomaly-check.js")).costAnomalyCheckWorkflow,
});

/** The activities over this process's dependencies, built on the first activity call. */
const activities = once(async () => {
  const [{ createActivities }, { activityDeps }] = await Promise.all([
    import("../src/activities/index.js"),
    import("../src/app/activity-deps.js"),
  ]);
  return createActivities(activityDeps);
});

// The audit hub's output binding exists only when its connection does: the host cannot bind an output to
// a connection it cannot resolve, and without one the activity logs the events instead.
const auditOutputs = auditHubConfigured(process.env) ? [auditOutput] : [];
for (const name of ACTIVITY_NAMES) {
  registerActivity(name, {
    extraInputs: [durableClientInput()],
    ...(name === "publishAudit" ? { extraOutputs: auditOutputs } : {}),
    handler: async (input: unknown, context: InvocationContext) => {
      const handler = (await activities())[name] as (i: unknown, c: InvocationContext) => Promise<unknown>;
      return handler(input, context);
    },
  });
}
