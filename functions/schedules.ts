// Timers: node-image poll (AKS emits no event for new images) and maintenance-window reconcile.
import { app } from "@azure/functions";
import * as df from "durable-functions";
import { nodeImagePoll, windowReconcile } from "../src/api/schedules.js";
import { getRuntimeConfig } from "../src/app/runtime-config.js";

getRuntimeConfig();

app.timer("nodeImagePoll", {
  schedule: "%RINGMASTER_NODE_IMAGE_SCHEDULE%",
  extraInputs: [df.input.durableClient()],
  handler: nodeImagePoll,
});
app.timer("windowReconcile", { schedule: "%RINGMASTER_RECONCILE_SCHEDULE%", handler: windowReconcile });
