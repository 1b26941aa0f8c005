import type { TokenCredential } from "@azure/core-auth";
import type { HttpClient } from "@azure/core-rest-pipeline";
import type { Settings } from "../config/settings.js";
import { clockFromSetting, type Clock } from "../clock/clock.js";
import { AksAdapter } from "./aks.js";
import { ArmRestClient } from "./arm-rest.js";
import { EmailAdapter } from "./email.js";
import { FleetAdapter } from "./fleet.js";
import { CostManagementAdapter } from "./cost-management.js";
import { AlertsAdapter } from "./insights.js";
import { ResourceGraphAdapter } from "./resource-graph.js";
import { lazyDefaultCredential, once, perKey } from "./lazy-sdk.js";
import { MaintenanceAdapter } from "./maintenance.js";
import { SIMULATED_ARM_HOST, simulatorCredential, simulatorHttpClient } from "./simulator-transport.js";
import { throttleRetryClientOptions } from "./retry.js";
import { ThrottleBudget } from "./throttle-budget.js";

/**
 * The one place that builds Azure clients: for real Azure (DefaultAzureCredential, which uses the Function
 * App's managed identity, or AZURE_CLIENT_ID for a user-assigned one) or for the simulator (its endpoint,
 * a static token, HMAC email), from settings alone. Everything else receives adapters. No SDK is loaded
 * here: each client's package is imported when the client is first needed (lazy-sdk.ts, cold start).
 */
export interface Adapters {
  readonly clock: Clock;
  readonly aks: AksAdapter;
  readonly fleet: FleetAdapter;
  readonly maintenance: MaintenanceAdapter;
  readonly graph: ResourceGraphAdapter;
  readonly cost: CostManagementAdapter;
  readonly alerts: AlertsAdapter;
  readonly email: EmailAdapter;
  /** Real milliseconds between LRO polls: 30 s of the clock's time (or the setting). */
  readonly pollIntervalMs: number;
}

export function composeAdapters(settings: Settings): Adapters {
  const simulated = settings.RINGMASTER_MODE === "simulator";
  const clock = clockFromSetting(simulated ? settings.RINGMASTER_CLOCK : undefined);
  const credential: TokenCredential = simulated ? simulatorCredential() : lazyDefaultCredential();
  const httpClient: HttpClient | undefined = simulated
    ? simulatorHttpClient(settings.RINGMASTER_ARM_ENDPOINT, clock)
    : undefined;
  const armEndpoint = settings.RINGMASTER_ARM_ENDPOINT;
  const arm = simulated
    ? { endpoint: SIMULATED_ARM_HOST, httpClient: httpClient! }
    : armEndpoint
      ? { endpoint: armEndpoint }
      : {};
  // The poll interval is simulated time: 30 s of a 3600x clock is about 8 real milliseconds.
  const pollIntervalMs = Math.max(1, (settings.RINGMASTER_LRO_POLL_SECONDS * 1000) / clock.speed);
  const budget = new ThrottleBudget(clock);
  // Every ARM client retries throttled calls the same way (retry.ts); the simulator's Retry-After is short.
  const throttleRetry = throttleRetryClientOptions({
    retries: 6,
    backoffMs: simulated ? 50 : 2000,
    maxDelayMs: 60_000,
    // Against the simulator the waits are its time (on a discrete clock real time would never refill a bucket).
    ...(simulated ? { clock } : {}),
  });
  // The SDK's own retry waits in real time; against the simulator's fast clock a second is hours. The REST
  // client gets the same, or a 500 from the simulator cost its retries' 1 s, 2 s, 4 s of real time.
  const sdkRetry = simulated ? { retryOptions: { retryDelayInMs: 20, maxRetryDelayInMs: 200 } } : {};
  const clientOptions = {
    ...arm,
    ...throttleRetry,
    ...sdkRetry,
    credentials: { scopes: ["https://management.azure.com/.default"] },
  };
  const aksClient = perKey(
    async (sub) =>
      new (await import("@azure/arm-containerservice")).ContainerServiceClient(
        credential,
        sub,
        clientOptions,
      ),
  );
  const fleetClient = perKey(
    async (sub) =>
      new (await import("@azure/arm-containerservicefleet")).ContainerServiceFleetClient(
        credential,
        sub,
        clientOptions,
      ),
  );
  const graphClient = once(
    async () => new (await import("@azure/arm-resourcegraph")).ResourceGraphClient(credential, clientOptions),
  );
  const rest = new ArmRestClient({ credential, ...arm, ...throttleRetry, ...sdkRetry });
  const email = simulated
    ? new EmailAdapter(
        { connectionString: settings.RINGMASTER_ACS_CONNECTION_STRING, allowInsecure: true },
        pollIntervalMs,
        clock,
      )
    : new EmailAdapter({ endpoint: settings.RINGMASTER_ACS_ENDPOINT, credential }, pollIntervalMs);
  return {
    clock,
    pollIntervalMs,
    aks: new AksAdapter({
      client: aksClient,
      budget,
      pollIntervalMs,
      clock,
      pollSimulatedMs: settings.RINGMASTER_LRO_POLL_SECONDS * 1000,
    }),
    fleet: new FleetAdapter(fleetClient, rest, pollIntervalMs),
    maintenance: new MaintenanceAdapter(rest, budget),
    graph: new ResourceGraphAdapter(graphClient),
    cost: new CostManagementAdapter(rest),
    alerts: new AlertsAdapter(rest),
    email,
  };
}
