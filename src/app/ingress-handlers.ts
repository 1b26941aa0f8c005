import type { StorageQueueOutput } from "@azure/functions";
import { eventGridHandler, eventHubHandler, webhookHandler, type TriggerDeps } from "../dispatch/triggers.js";
import { armFacts } from "./arm-facts.js";
import { getAdapters, getRuntimeConfig, publicBaseUrl } from "./runtime-config.js";

/**
 * The ingress triggers' handlers, as functions/ingress.ts imports them on the first event: this module
 * brings the event schemas (zod), the policy (yaml) and the dispatcher, which the host need not load to
 * start the app. Settings and policy are validated here, so a bad one fails the first event by name.
 */
export function ingressHandlers(poisonOutput: StorageQueueOutput) {
  getRuntimeConfig();
  const deps: TriggerDeps = {
    // Dispatch decides for any list of policies (pure, by name); this app runs one.
    policies: () => [getRuntimeConfig().policy],
    poisonOutput,
    verify: () => ({
      facts: armFacts(getAdapters(), getRuntimeConfig().settings.RINGMASTER_SUBSCRIPTION_IDS),
      publicBaseUrl: publicBaseUrl(),
    }),
  };
  return {
    eventGrid: eventGridHandler(deps),
    eventHub: eventHubHandler(deps),
    webhook: webhookHandler(deps),
  };
}
