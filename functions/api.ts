// The operations API: rollouts, approvals, pause/resume/cancel, Fleet gates, forecast.
import { app, type HttpRequest, type InvocationContext } from "@azure/functions";
import * as df from "durable-functions";
import {
  answerApproval,
  approveFleetGate,
  control,
  forecast,
  getRollout,
  listRollouts,
  startRollout,
} from "../src/api/rollouts.js";
import { getRuntimeConfig } from "../src/app/runtime-config.js";

getRuntimeConfig();

const client = [df.input.durableClient()];
const authLevel = "function" as const;

app.http("listRollouts", {
  route: "rollouts",
  methods: ["GET"],
  authLevel,
  extraInputs: client,
  handler: listRollouts,
});
app.http("startRollout", {
  route: "rollouts",
  methods: ["POST"],
  authLevel,
  extraInputs: client,
  handler: startRollout,
});
app.http("getRollout", {
  route: "rollouts/{id}",
  methods: ["GET"],
  authLevel,
  extraInputs: client,
  handler: getRollout,
});
app.http("approveRollout", {
  route: "rollouts/{id}/approve",
  methods: ["POST"],
  authLevel,
  extraInputs: client,
  handler: (r: HttpRequest, c: InvocationContext) => answerApproval(r, c, true),
});
app.http("rejectRollout", {
  route: "rollouts/{id}/reject",
  methods: ["POST"],
  authLevel,
  extraInputs: client,
  handler: (r: HttpRequest, c: InvocationContext) => answerApproval(r, c, false),
});
for (const action of ["pause", "resume", "cancel"] as const) {
  app.http(`${action}Rollout`, {
    route: `rollouts/{id}/${action}`,
    methods: ["POST"],
    authLevel,
    extraInputs: client,
    handler: (r: HttpRequest, c: InvocationContext) => control(r, c, action),
  });
}
app.http("approveFleetGateRequest", {
  route: "fleetgates/{gate}/approve",
  methods: ["POST"],
  authLevel,
  extraInputs: client,
  handler: approveFleetGate,
});
app.http("forecast", { route: "plan", methods: ["GET"], authLevel, handler: forecast });
