// The operations API: rollouts, approvals, pause/resume/cancel, Fleet gates, forecast.
import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from "@azure/functions";
import * as df from "durable-functions";
import { answerApproval, approveFleetGate, control } from "../src/api/control.js";
import { apiDeps, type ApiDeps } from "../src/api/deps.js";
import { forecast, getRollout, listRollouts, startRollout } from "../src/api/rollouts.js";
import { getRuntimeConfig } from "../src/app/runtime-config.js";

getRuntimeConfig();

const client = [df.input.durableClient()];
const authLevel = "function" as const;

/**
 * A failure of the durable backend or ARM is a 503 that says so (and can be retried), never a 404 that
 * claims the rollout does not exist, and never a crash.
 */
function guarded(
  handler: (req: HttpRequest, deps: ApiDeps) => Promise<HttpResponseInit>,
): (req: HttpRequest, context: InvocationContext) => Promise<HttpResponseInit> {
  return async (req, context) => {
    try {
      return await handler(req, apiDeps(context));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      context.error(`api: ${req.method} ${new URL(req.url).pathname} failed: ${message.slice(0, 500)}`);
      return {
        status: 503,
        headers: { "Retry-After": "10" },
        jsonBody: { error: "the durable backend or Azure did not answer; try again shortly" },
      };
    }
  };
}

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
