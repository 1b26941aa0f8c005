// The operations API: rollouts, approvals, pause/resume/cancel, Fleet gates, forecast.
import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from "@azure/functions";
import { once } from "../src/azure/lazy-sdk.js";
import { durableClientInput } from "../src/dispatch/lazy-durable.js";

/**
 * The handlers, imported on the first request rather than when the host loads the app (issue 12, cold
 * start): the API's schemas, the policy and the adapters are not needed to register the routes.
 */
const handlers = once(async () => {
  const [{ guarded }, rollouts, api, clusters] = await Promise.all([
    import("../src/api/guarded.js"),
    import("../src/api/rollouts.js"),
    import("../src/api/control.js"),
    import("../src/api/rollout-clusters.js"),
  ]);
  const retry = await import("../src/api/rollout-retry.js");
  return {
    listRollouts: guarded(rollouts.listRollouts),
    startRollout: guarded(rollouts.startRollout),
    getRollout: guarded(rollouts.getRollout),
    rolloutClusters: guarded(clusters.listRolloutClusters),
    approveRollout: guarded((r, d) => api.answerApproval(r, d, true)),
    rejectRollout: guarded((r, d) => api.answerApproval(r, d, false)),
    pauseRollout: guarded((r, d) => api.control(r, d, "pause")),
    resumeRollout: guarded((r, d) => api.control(r, d, "resume")),
    cancelRollout: guarded((r, d) => api.control(r, d, "cancel")),
    approveFleetGateRequest: guarded(api.approveFleetGate),
    forecast: guarded(rollouts.forecast),
    retryRollout: guarded(retry.retryRollout),
  };
});
type Name = keyof Awaited<ReturnType<typeof handlers>>;
const handler =
  (name: Name) =>
  async (req: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> =>
    (await handlers())[name](req, context);

// Not `df.input.durableClient()` (the same binding): durable-functions loads on the first call
// (src/api/deps.ts). Settings and policy are read on first use too; functions/schedules.ts validates the
// settings when the host loads the app.
const client = [durableClientInput()];
const authLevel = "function" as const;

app.http("listRollouts", {
  route: "rollouts",
  methods: ["GET"],
  authLevel,
  extraInputs: client,
  handler: handler("listRollouts"),
});
app.http("startRollout", {
  route: "rollouts",
  methods: ["POST"],
  authLevel,
  extraInputs: client,
  handler: handler("startRollout"),
});
app.http("getRollout", {
  route: "rollouts/{id}",
  methods: ["GET"],
  authLevel,
  extraInputs: client,
  handler: handler("getRollout"),
});
app.http("rolloutClusters", {
  route: "rollouts/{id}/clusters",
  methods: ["GET"],
  authLevel,
  extraInputs: client,
  handler: handler("rolloutClusters"),
});
app.http("approveRollout", {
  route: "rollouts/{id}/approve",
  methods: ["POST"],
  authLevel,
  extraInputs: client,
  handler: handler("approveRollout"),
});
app.http("rejectRollout", {
  route: "rollouts/{id}/reject",
  methods: ["POST"],
  authLevel,
  extraInputs: client,
  handler: handler("rejectRollout"),
});
for (const action of ["pause", "resume", "cancel"] as const) {
  app.http(`${action}Rollout`, {
    route: `rollouts/{id}/${action}`,
    methods: ["POST"],
    authLevel,
    extraInputs: client,
    handler: handler(`${action}Rollout`),
  });
}
app.http("retryRollout", {
  route: "rollouts/{id}/retry",
  methods: ["POST"],
  authLevel,
  extraInputs: client,
  handler: handler("retryRollout"),
});
app.http("approveFleetGateRequest", {
  route: "fleetgates/{gate}/approve",
  methods: ["POST"],
  authLevel,
  extraInputs: client,
  handler: handler("approveFleetGateRequest"),
});
app.http("forecast", { route: "plan", methods: ["GET"], authLevel, handler: handler("forecast") });
