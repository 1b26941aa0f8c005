// Inbound events: Event Grid trigger, Event Hub trigger and a webhook, all feeding one dispatcher.
import { app, output } from "@azure/functions";
import { getAdapters, getRuntimeConfig, publicBaseUrl } from "../src/app/runtime-config.js";
import { armFacts } from "../src/app/arm-facts.js";
import {
  eventGridHandler,
  eventHubHandler,
  webhookHandler,
  type TriggerDeps,
} from "../src/dispatch/triggers.js";
// Not `df.input.durableClient()`: loading durable-functions here would double this file's cold start.
import { durableClientInput } from "../src/dispatch/lazy-durable.js";

// Validate settings and policy while the host loads this file: a bad value stops start-up, by name.
getRuntimeConfig();

const poisonOutput = output.storageQueue({
  queueName: "ringmaster-poison",
  connection: "AzureWebJobsStorage",
});
const deps: TriggerDeps = {
  // Dispatch decides for any list of policies (pure, by name); this app runs one.
  policies: () => [getRuntimeConfig().policy],
  poisonOutput,
  verify: () => ({
    facts: armFacts(getAdapters(), getRuntimeConfig().settings.RINGMASTER_SUBSCRIPTION_IDS),
    publicBaseUrl: publicBaseUrl(),
  }),
};

app.eventGrid("aksEvents", {
  extraInputs: [durableClientInput()],
  extraOutputs: [poisonOutput],
  handler: eventGridHandler(deps),
});

app.eventHub("ingressHub", {
  connection: "RINGMASTER_EVENTHUB",
  // The validated setting (default filled in), so an unset optional name cannot stop the host.
  eventHubName: getRuntimeConfig().settings.RINGMASTER_EVENTHUB_NAME,
  cardinality: "many",
  retry: {
    strategy: "exponentialBackoff",
    maxRetryCount: 5,
    minimumInterval: { seconds: 5 },
    maximumInterval: { minutes: 5 },
  },
  extraInputs: [durableClientInput()],
  extraOutputs: [poisonOutput],
  handler: eventHubHandler(deps),
});

app.http("eventsWebhook", {
  route: "events",
  methods: ["POST", "OPTIONS"],
  authLevel: "function",
  extraInputs: [durableClientInput()],
  extraOutputs: [poisonOutput],
  handler: webhookHandler(deps),
});
