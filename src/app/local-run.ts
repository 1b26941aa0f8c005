import { createHash } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { clockSetting, coordinatedClock, virtualClock, type Clock } from "../clock/clock.js";
import { LocalHost } from "../devhost/host.js";
import { silentLogger } from "../devhost/logger.js";
import { loadPolicyFile, type Policy } from "../config/policy.js";
import { DEFAULT_ACS_KEY } from "../simulator/acs-email.js";
import type { Fleet } from "../simulator/fleet-schema.js";
import { loadFleetFile } from "../simulator/load-fleet.js";
import { Simulator } from "../simulator/server.js";
import { restoreWorld } from "../simulator/world-snapshot.js";
import { WorldStore } from "../simulator/world-store.js";

/**
 * The whole service on one machine: the simulated Azure (from a fleet file), the local Functions host
 * running this app with its durable engine, and simulated Event Grid delivering AKS events to the app's
 * webhook — all on one virtual clock, so days of windows, soaks and approvals pass in minutes: the
 * discrete-event clock (time jumps whenever nothing is in flight) or, given `speed`, the wall-coupled one.
 */
export interface LocalRunOptions {
  readonly appDir: string;
  readonly fleetFile: string;
  readonly policyFile: string;
  /** Simulated seconds per real second on the wall-coupled clock (default: the fleet file's). */
  readonly speed?: number;
  /** The discrete-event clock instead (`speed` is then ignored). */
  readonly discrete?: boolean;
  readonly port?: number;
  /** Durable state and the simulated world are kept here; a restart with the same directory resumes both. */
  readonly stateDir?: string;
  /**
   * False for a run that is never restarted on its state (a safety scenario in its own directory): the
   * simulated world is then not saved as it changes (about a twentieth of such a run's CPU).
   */
  readonly resumable?: boolean;
  readonly verbose?: boolean;
}

export interface LocalRun {
  readonly sim: Simulator;
  readonly host: LocalHost;
  readonly clock: Clock;
  /** The simulated instant this run resumed from, when it continued a saved state. */
  readonly resumedAt: number | undefined;
  stop(): Promise<void>;
}

/** The app settings that point Ringmaster at a running simulator (what local.settings.json holds in Azure). */
/** The action-link key of a simulated run (tests sign links with it too). */
export function simulatorLinkKey(acsKey: string): string {
  return createHash("sha256").update(`ringmaster-simulator-action-links\n${acsKey}`).digest("base64url");
}

export function simulatedAppSettings(o: {
  sim: Simulator;
  fleet: Fleet;
  policy: Policy;
  policyFile: string;
  clock: string;
}): Record<string, string> {
  return {
    RINGMASTER_MODE: "simulator",
    RINGMASTER_POLICY_FILE: resolve(o.policyFile),
    RINGMASTER_SUBSCRIPTION_IDS: o.fleet.subscriptions.map((s) => s.id).join(","),
    RINGMASTER_ARM_ENDPOINT: o.sim.url,
    RINGMASTER_ACS_CONNECTION_STRING: `endpoint=${o.sim.url}/;accesskey=${o.fleet.email.accessKey ?? DEFAULT_ACS_KEY}`,
    RINGMASTER_CLOCK: o.clock,
    // One-click links in emails are signed with a key derived from the simulated ACS key: stable across
    // restarts of the same run (links sent before a restart still open), never a production secret.
    RINGMASTER_ACTION_LINK_KEY: simulatorLinkKey(o.fleet.email.accessKey ?? DEFAULT_ACS_KEY),
    // The simulator answers probes of outside URLs (fleet file `probes`), so a run never leaves the machine.
    RINGMASTER_PROBE_RELAY: `${o.sim.url}/_sim/probe`,
    RINGMASTER_NODE_IMAGE_SCHEDULE: o.policy.spec.nodeImage?.schedule ?? "0 0 5 * * Mon",
    RINGMASTER_RECONCILE_SCHEDULE: "0 15 */6 * * *",
    RINGMASTER_LRO_POLL_SECONDS: "30",
    TASKHUB_NAME: "ringmaster",
    AzureWebJobsStorage: "UseDevelopmentStorage=true",
    // The backend the deployment uses by default (infra/app/api.bicep): the local host applies its limits.
    AzureFunctionsJobHost__extensions__durableTask__storageProvider__type: "azureManaged",
  };
}

export async function startLocalRun(options: LocalRunOptions): Promise<LocalRun> {
  const fleet = loadFleetFile(options.fleetFile);
  const policy = loadPolicyFile(options.policyFile);
  const speed = options.speed ?? fleet.clock.speed;
  const stateDir = options.stateDir ?? mkdtempSync(join(tmpdir(), "ringmaster-run-"));
  // The simulated world lives beside the task hub: a restart on the same state resumes the world and its
  // clock where they were, instead of the fleet file's start (which the durable state is already past).
  const simulatorDir = join(stateDir, "simulator");
  const store = new WorldStore(simulatorDir);
  const saved = store.load(fleet);
  const realStart = Date.now();
  const virtualStart = saved?.resumeAt ?? Date.parse(fleet.clock.start);
  const coordinated = options.discrete ? await coordinatedClock(virtualStart) : undefined;
  const clock = coordinated?.clock ?? virtualClock({ virtualStart, speed, realStart });
  const setting = coordinated?.setting ?? clockSetting({ virtualStart, speed, realStart });
  // Delivery starts once the app's webhook is up; Event Grid validates the subscription first.
  const sim = await Simulator.start({
    fleet,
    clock,
    deliverTo: "deferred",
    // Audit records and Event Grid deliveries too many for memory spill beside the saved world.
    recordsDir: simulatorDir,
    ...(saved ? { prepare: (world) => restoreWorld(world, saved.snapshot) } : {}),
  });
  if (options.resumable !== false) store.attach(sim.world);
  const env = simulatedAppSettings({
    sim,
    fleet,
    policy,
    policyFile: options.policyFile,
    clock: setting,
  });
  let host: LocalHost;
  try {
    host = await LocalHost.start({
      appDir: options.appDir,
      clock,
      port: options.port ?? 0,
      stateDir,
      env,
      ...(options.verbose ? {} : { logger: silentLogger() }),
    });
  } catch (error) {
    store.stop();
    await sim.stop();
    await coordinated?.stop();
    throw error;
  }
  sim.world.events.retarget(`${host.baseUrl}/runtime/webhooks/eventgrid?functionName=aksEvents`);
  sim.world.events.start();
  return {
    sim,
    host,
    clock,
    resumedAt: saved?.resumeAt,
    async stop() {
      await host.stop();
      store.stop();
      await sim.stop();
      await coordinated?.stop();
    },
  };
}
