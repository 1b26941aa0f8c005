// Timers: node-image poll (AKS emits no event for new images) and maintenance-window reconcile.
import { app } from "@azure/functions";
import * as df from "durable-functions";
import { nodeImagePoll, windowReconcile } from "../src/api/schedules.js";
import { getRuntimeConfig } from "../src/app/runtime-config.js";

// The schedules are the validated settings themselves (defaults filled in), not `%SETTING%` references: a
// reference to an unset optional setting would stop the Functions host, and this way the schedule that runs
// is the one the app checked with croner.
const { settings } = getRuntimeConfig();

app.timer("nodeImagePoll", {
  schedule: settings.RINGMASTER_NODE_IMAGE_SCHEDULE,
  extraInputs: [df.input.durableClient()],
  handler: nodeImagePoll,
});
app.timer("windowReconcile", { schedule: settings.RINGMASTER_RECONCILE_SCHEDULE, handler: windowReconcile });
