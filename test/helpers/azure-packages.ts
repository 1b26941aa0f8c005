/**
 * The Azure SDK client packages Ringmaster uses (and the pipeline under them): each is imported when its
 * client is first needed, so no entry may load one at start (issue 12, cold start). Read by the module-graph
 * test of dist/ and the metafile test of the deployed bundle.
 */
export const AZURE_SDK_PACKAGES = [
  "@azure/identity",
  "@azure/arm-containerservice",
  "@azure/arm-containerservicefleet",
  "@azure/arm-resourcegraph",
  "@azure/communication-email",
  "@azure/event-hubs",
  "@azure/core-client",
  "@azure/core-rest-pipeline",
] as const satisfies readonly string[];
