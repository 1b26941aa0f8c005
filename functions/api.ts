// The operations API: rollouts, approvals, pause/resume/cancel, Fleet gates, forecast.
import { app } from "@azure/functions";
import * as df from "durable-functions";
import { answerApproval, approveFleetGate, control } from "../src/api/control.js";
import { guarded } from "../src/api/guarded.js";
import { listRolloutClusters } from "../src/api/rollout-clusters.js";
import { forecast, getRollout, listRollouts, startRollout } from "../src/api/rollouts.js";
import { getRuntimeConfig } from "../src/app/runtime-config.js";

getRuntimeConfig();

const client = [df.input.durableClient()];
const authLevel = "function" as const;

app.http("listRollouts", {
  route: "rollouts",
  methods: ["GET"],
  authLevel,
  extraInputs: client,
  handler: guarded(listRollouts),
});
app.http("startRollout", {
  route: "rollouts",
  methods: ["POST"],
  authLevel,
  extraInputs: client,
  handler: guarded(startRollout),
});
app.http("getRollout", {
  route: "rollouts/{id}",
  methods: ["GET"],
  authLevel,
  extraInputs: client,
  handler: guarded(getRollout),
});
app.http("rolloutClusters", {
  route: "rollouts/{id}/clusters",
  methods: ["GET"],
  authLevel,
  extraInputs: client,
  handler: guarded(listRolloutClusters),
});
app.http("approveRollout", {
  route: "rollouts/{id}/approve",
  methods: ["POST"],
  authLevel,
  extraInputs: client,
  handler: guarded((r, d) => answerApproval(r, d, true)),
});
app.http("rejectRollout", {
  route: "rollouts/{id}/reject",
  methods: ["POST"],
  authLevel,
  extraInputs: client,
  handler: guarded((r, d) => answerApproval(r, d, false)),
});
for (const action of ["pause", "resume", "cancel"] as const) {
  app.http(`${action}Rollout`, {
    route: `rollouts/{id}/${action}`,
    methods: ["POST"],
    authLevel,
    extraInputs: client,
    handler: guarded((r, d) => control(r, d, action)),
  });
}
app.http("approveFleetGateRequest", {
  route: "fleetgates/{gate}/approve",
  methods: ["POST"],
  authLevel,
  extraInputs: client,
  handler: guarded(approveFleetGate),
});
app.http("forecast", { route: "plan", methods: ["GET"], authLevel, handler: guarded(forecast) });
