import type { ActivityDeps } from "../activities/deps.js";
import { lazyDurablePort } from "../dispatch/lazy-durable.js";
import { getAdapters, getRuntimeConfig, publicBaseUrl } from "./runtime-config.js";

/** The production wiring of activity dependencies: settings, policy and adapters of this process. */
export const activityDeps: ActivityDeps = {
  adapters: getAdapters,
  policy: () => getRuntimeConfig().policy,
  settings: () => getRuntimeConfig().settings,
  // durable-functions (and its HTTP client) loads on the first durable call, not with the app.
  durable: lazyDurablePort,
  publicBaseUrl,
};
