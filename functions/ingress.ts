// Inbound events: Event Grid trigger, Event Hub trigger and a webhook, all feeding one dispatcher.
// Loading this file loads @azure/functions and nothing else of weight: the dispatcher, its zod schemas and
// the policy come with the first event (src/app/ingress-handlers.ts), and durable-functions with the first
// durable call (src/dispatch/lazy-durable.ts). The host still reads every trigger's metadata at start.
import { app, output } from "@azure/functions";
import { once } from "../src/azure/lazy-sdk.js";
import { ingressHubName } from "../src/config/binding-settings.js";
import { durableClientInput } from "../src/dispatch/lazy-durable.js";

const poisonOutput = output.storageQueue({
  queueName: "ringmaster-poison",
  connection: "AzureWebJobsStorage",
});
const handlers = once(async () =>
  (await import("../src/app/ingress-handlers.js")).ingressHandlers(poisonOutput),
);

app.eventGrid("aksEvents", {
  extraInputs: [durableClientInput()],
  extraOutputs: [poisonOutput],
  handler: async (event, context) => (await handlers()).eventGrid(event, context),
});

app.eventHub("ingressHub", {
  connection: "RINGMASTER_EVENTHUB",
  // The setting with its default filled in (src/config/settings.ts validates it on first use), so an unset
  // optional name cannot stop the host.
  eventHubName: ingressHubName(process.env),
  cardinality: "many",
  retry: {
    strategy: "exponentialBackoff",
    maxRetryCount: 5,
    minimumInterval: { seconds: 5 },
    maximumInterval: { minutes: 5 },
  },
  extraInputs: [durableClientInput()],
  extraOutputs: [poisonOutput],
  handler: async (messages, context) => (await handlers()).eventHub(messages, context),
});

app.http("eventsWebhook", {
  route: "events",
  methods: ["POST", "OPTIONS"],
  authLevel: "function",
  extraInputs: [durableClientInput()],
  extraOutputs: [poisonOutput],
  handler: async (request, context) => (await handlers()).webhook(request, context),
});
