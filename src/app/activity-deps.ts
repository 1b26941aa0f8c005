import * as df from "durable-functions";
import type { ActivityDeps } from "../activities/deps.js";
import { durableClientPort } from "../dispatch/durable-client-port.js";
import { getAdapters, getRuntimeConfig, publicBaseUrl } from "./runtime-config.js";

/** The production wiring of activity dependencies: settings, policy and adapters of this process. */
export const activityDeps: ActivityDeps = {
  adapters: getAdapters,
  policy: () => getRuntimeConfig().policy,
  settings: () => getRuntimeConfig().settings,
  durable: (context) => durableClientPort(df.getClient(context)),
  publicBaseUrl,
};
