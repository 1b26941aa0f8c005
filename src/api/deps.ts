import type { InvocationContext } from "@azure/functions";
import { getAdapters, getRuntimeConfig, publicBaseUrl } from "../app/runtime-config.js";
import type { Policy } from "../config/policy.js";
import { armFacts } from "../app/arm-facts.js";
import { durableClientPort, optionalIso } from "../dispatch/durable-client-port.js";
import { durableFunctions } from "../dispatch/lazy-durable.js";
import type { DurablePort } from "../contracts/durable-port.js";
import type { ArmFacts } from "../dispatch/verify.js";
import type { ActorPolicy } from "./actor.js";
import { instanceQuery, type InstancePage, type InstanceQuery } from "./instance-query.js";

/** An instance as the list shows it. */
export interface InstanceSummary {
  readonly instanceId: string;
  readonly runtimeStatus: string;
  readonly createdTime: string;
  readonly lastUpdatedTime: string;
  readonly customStatus?: unknown;
}

/** What the API handlers use; production binds them to the invocation's durable client and to ARM. */
export interface ApiDeps {
  readonly port: DurablePort;
  list(): Promise<readonly InstanceSummary[]>;
  /** One page of instances by id prefix (lanes of a rollout): the durable HTTP API's instance query. */
  instances(query: InstanceQuery): Promise<InstancePage>;
  /** ARM reads: whether a target is offered, whether a Fleet gate may be approved. */
  facts(): ArmFacts;
  /** The one policy this app runs: rollouts the API starts are named after it. */
  readonly policy: Policy;
  readonly publicBaseUrl: string;
  /** How callers are identified (actor.ts resolveActor); absent means the local rules. */
  readonly actorPolicy?: ActorPolicy;
  /** The app's clock (simulated time locally): link deadlines and the dashboard's "now". */
  now?(): number;
  /** The one-click links' signing key (RINGMASTER_ACTION_LINK_KEY); absent when links are not signed. */
  readonly actionLinkKey?: string;
}

/** durable-functions (with its HTTP client) loads on the first API call, not when the host loads the app. */
export async function apiDeps(context: InvocationContext): Promise<ApiDeps> {
  const client = (await durableFunctions()).getClient(context);
  const { settings, policy } = getRuntimeConfig();
  return {
    port: durableClientPort(client),
    async list() {
      // Rollouts only (by id prefix, a page at a time): a fleet's thousands of cluster and lane
      // workflows are not read to list a handful of rollouts.
      const query = instanceQuery(client);
      const all: InstanceSummary[] = [];
      let token: string | undefined;
      do {
        const page = await query({
          instanceIdPrefix: "rollout:",
          top: 100,
          showInput: false,
          ...(token ? { continuationToken: token } : {}),
        });
        for (const s of page.instances)
          all.push({
            instanceId: s.instanceId,
            runtimeStatus: String(s.runtimeStatus),
            createdTime: optionalIso("t", s.createdTime).t ?? "",
            lastUpdatedTime: optionalIso("t", s.lastUpdatedTime).t ?? "",
            customStatus: s.customStatus,
          });
        token = page.continuationToken;
      } while (token);
      return all;
    },
    instances: instanceQuery(client),
    facts: () => armFacts(getAdapters(), settings.RINGMASTER_SUBSCRIPTION_IDS),
    policy,
    publicBaseUrl: publicBaseUrl(),
    now: () => getAdapters().clock.now(),
    ...(settings.RINGMASTER_ACTION_LINK_KEY ? { actionLinkKey: settings.RINGMASTER_ACTION_LINK_KEY } : {}),
    actorPolicy: {
      mode: settings.RINGMASTER_MODE,
      // Set by App Service when its authentication is on; only then are the principal headers its own.
      easyAuth: (process.env.WEBSITE_AUTH_ENABLED ?? "").toLowerCase() === "true",
    },
  };
}
