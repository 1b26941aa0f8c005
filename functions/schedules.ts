// Timers: node-image poll (AKS emits no event for new images), maintenance-window reconcile, cost-anomaly check.
import { app } from "@azure/functions";
import { once } from "../src/azure/lazy-sdk.js";
import { getSettings } from "../src/config/settings.js";
import { durableClientInput } from "../src/dispatch/lazy-durable.js";

// The schedules are the validated settings themselves (defaults filled in), not `%SETTING%` references: a
// reference to an unset optional setting would stop the Functions host, and this way the schedule that runs
// is the one the app checked with croner. This is the app's load-time settings check: a bad setting stops
// start-up by name. The policy file is read on first use (src/app/runtime-config.ts).
const settings = getSettings();

/** The timer handlers (activities, adapters, policy), imported on the first tick (issue 12, cold start). */
const schedules = once(() => import("../src/api/schedules.js"));

app.timer("nodeImagePoll", {
  schedule: settings.RINGMASTER_NODE_IMAGE_SCHEDULE,
  extraInputs: [durableClientInput()],
  handler: async (timer, context) => (await schedules()).nodeImagePoll(timer, context),
});
// Daily at the settings' hour (UTC), after the day before's usage has landed.
app.timer("costAnomalyScan", {
  schedule: `0 0 ${settings.RINGMASTER_COST_CHECK_HOUR} * * *`,
  extraInputs: [durableClientInput()],
  handler: async (timer, context) => (await schedules()).costAnomalyCheck(timer, context),
});
app.timer("windowReconcile", {
  schedule: settings.RINGMASTER_RECONCILE_SCHEDULE,
  handler: async (timer, context) => (await schedules()).windowReconcile(timer, context),
});
