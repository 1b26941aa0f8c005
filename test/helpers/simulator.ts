import { ContainerServiceClient } from "@azure/arm-containerservice";
import { clockSetting, coordinatedClock, virtualClock, type Clock } from "../../src/clock/clock.js";
import { composeAdapters, type Adapters } from "../../src/azure/compose.js";
import { parseSettings } from "../../src/config/settings.js";
import { DEFAULT_ACS_KEY } from "../../src/simulator/acs-email.js";
import { AksAdapter } from "../../src/azure/aks.js";
import {
  SIMULATED_ARM_HOST,
  simulatorCredential,
  simulatorHttpClient,
} from "../../src/azure/simulator-transport.js";
import { throttleRetryClientOptions } from "../../src/azure/retry.js";
import { ThrottleBudget } from "../../src/azure/throttle-budget.js";
import type { FleetInput } from "../../src/simulator/fleet-generator.js";
import { parseFleetData, parseFleetYaml } from "../../src/simulator/load-fleet.js";
import { Simulator } from "../../src/simulator/server.js";

export const SUB = "11111111-1111-1111-1111-111111111111";
export const clusterIdOf = (rg: string, name: string) =>
  `/subscriptions/${SUB}/resourceGroups/${rg}/providers/Microsoft.ContainerService/managedClusters/${name}`;

/** A small fleet for contract tests: versions already released, one-minute steps, a fast clock. */
export function testFleetYaml(extra = ""): string {
  return `apiVersion: ringmaster/v1
kind: SimulatedAzure
clock: { start: "2026-11-23T00:00:00Z", speed: 60000 }
timing: { controlPlaneMinutes: 2, perNodeMinutes: 1 }
subscriptions:
  - id: ${SUB}
    name: test
    clusters:
      - name: alpha
        resourceGroup: rg
        location: westeurope
        kubernetesVersion: 1.30.4
        tags: { env: dev }
        nodePools:
          - { name: system, mode: System, count: 2, nodeImageVersion: AKSUbuntu-2204gen2containerd-202611.03.0 }
          - { name: apps, mode: User, count: 3, nodeImageVersion: AKSUbuntu-2204gen2containerd-202611.03.0 }
      - name: beta
        resourceGroup: rg
        location: westeurope
        kubernetesVersion: 1.29.9
        autoUpgradeProfile: { upgradeChannel: patch }
        nodePools:
          - { name: system, mode: System, count: 1, nodeImageVersion: AKSUbuntu-2204gen2containerd-202611.03.0 }
releases:
  kubernetes:
    - { version: 1.30.5, regions: [westeurope], at: "2026-11-01T00:00:00Z" }
    - { version: 1.31.2, regions: [westeurope], at: "2026-11-01T00:00:00Z" }
  nodeImages:
    - { version: AKSUbuntu-2204gen2containerd-202611.17.0, regions: [westeurope], at: "2026-11-01T00:00:00Z" }
${extra}`;
}

export interface SimHarness {
  sim: Simulator;
  clock: Clock;
  /** The RINGMASTER_CLOCK value that gives another process this clock. */
  clockSetting: string;
  /** Adapters built by the real composition root, in simulator mode. */
  adapters: () => Adapters;
  aks: AksAdapter;
  client: (sub: string) => ContainerServiceClient;
  stop(): Promise<void>;
}

/** `yaml` is a fleet file's text, or a fleet as plain data (checked by the same schema, no YAML round trip). */
export async function startSimulator(
  yaml: string | FleetInput = testFleetYaml(),
  options: {
    deliverTo?: string;
    /** The fleet file's wall-coupled clock instead of the discrete-event one (the default). */
    wallClock?: boolean;
  } = {},
): Promise<SimHarness> {
  const fleet = typeof yaml === "string" ? parseFleetYaml(yaml) : parseFleetData(yaml);
  const realStart = Date.now();
  const virtualStart = Date.parse(fleet.clock.start);
  const coordinated = options.wallClock ? undefined : await coordinatedClock(virtualStart);
  const clock = coordinated?.clock ?? virtualClock({ virtualStart, speed: fleet.clock.speed, realStart });
  const setting = coordinated?.setting ?? clockSetting({ virtualStart, speed: fleet.clock.speed, realStart });
  const sim = await Simulator.start({
    fleet,
    clock,
    ...(options.deliverTo ? { deliverTo: options.deliverTo } : {}),
  });
  const httpClient = simulatorHttpClient(sim.url, clock);
  const client = (sub: string) =>
    new ContainerServiceClient(simulatorCredential(), sub, {
      endpoint: SIMULATED_ARM_HOST,
      httpClient,
      credentials: { scopes: ["https://management.azure.com/.default"] },
      retryOptions: { retryDelayInMs: 20, maxRetryDelayInMs: 100 },
      ...throttleRetryClientOptions({
        retries: 6,
        backoffMs: 10,
        // On the discrete clock a wait costs nothing real: capped as the app caps it (compose.ts).
        ...(clock.discrete ? { clock, maxDelayMs: 60_000 } : { maxDelayMs: 1000 }),
      }),
    });
  const aks = new AksAdapter({
    client,
    budget: new ThrottleBudget(clock),
    pollIntervalMs: 5,
    ...(clock.discrete ? { clock, pollSimulatedMs: 30_000 } : {}),
  });
  const adapters = () =>
    composeAdapters(
      parseSettings({
        RINGMASTER_MODE: "simulator",
        RINGMASTER_POLICY_FILE: "examples/policy.yaml",
        RINGMASTER_SUBSCRIPTION_IDS: SUB,
        RINGMASTER_ARM_ENDPOINT: sim.url,
        RINGMASTER_ACS_CONNECTION_STRING: `endpoint=${sim.url}/;accesskey=${DEFAULT_ACS_KEY}`,
        RINGMASTER_LRO_POLL_SECONDS: "30",
        RINGMASTER_CLOCK: setting,
      }),
    );
  return {
    sim,
    clock,
    clockSetting: setting,
    adapters,
    aks,
    client,
    async stop() {
      await sim.stop();
      await coordinated?.stop();
    },
  };
}
