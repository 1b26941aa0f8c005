// ARM requests per cluster upgrade (reads, writes, polls), counted by the simulator, at Ringmaster's 30 s
// poll interval against the SDK's default 2 s as the baseline measured in the same run.
import { ContainerServiceClient } from "@azure/arm-containerservice";
import { readFileSync } from "node:fs";
import { AksAdapter } from "../../dist/src/azure/aks.js";
import {
  SIMULATED_ARM_HOST,
  simulatorCredential,
  simulatorHttpClient,
} from "../../dist/src/azure/simulator-transport.js";
import { ThrottleBudget } from "../../dist/src/azure/throttle-budget.js";
import { virtualClock } from "../../dist/src/clock/clock.js";
import { parseFleetYaml } from "../../dist/src/simulator/load-fleet.js";
import { Simulator } from "../../dist/src/simulator/server.js";
import { row } from "./harness.js";

async function measure(pollSimulatedSeconds) {
  const text = readFileSync(new URL("../../examples/fleet.yaml", import.meta.url), "utf8").replace(
    /faults:[\s\S]*?eventGrid:/,
    "faults: []\neventGrid:",
  );
  const fleet = parseFleetYaml(text);
  // Slow enough that even the 2 s baseline (7 ms real) is above timer and HTTP latency.
  const speed = 300;
  const clock = virtualClock({ virtualStart: Date.parse("2026-11-23T07:00:00Z"), speed });
  const sim = await Simulator.start({ fleet, clock, deliverTo: undefined });
  sim.world.events.stop();
  const httpClient = simulatorHttpClient(sim.url);
  const client = (sub) =>
    new ContainerServiceClient(simulatorCredential(), sub, {
      endpoint: SIMULATED_ARM_HOST,
      httpClient,
      credentials: { scopes: ["https://management.azure.com/.default"] },
    });
  const pollIntervalMs = (pollSimulatedSeconds * 1000) / speed;
  const aks = new AksAdapter({ client, budget: new ThrottleBudget(clock), pollIntervalMs, backoffMs: 10 });
  const id =
    "/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg-staging/providers/Microsoft.ContainerService/managedClusters/aks-stg-weu-1";
  const start = clock.now();
  const result = await aks.waitForOperation(await aks.beginClusterUpgrade(id, "1.30.5"));
  const minutes = (clock.now() - start) / 60000;
  const counts = sim.world.records.perCluster.get("aks-stg-weu-1");
  await sim.stop();
  return { result: result.status, minutes, ...counts };
}

export async function run() {
  console.log("arm: requests per cluster upgrade (aks-stg-weu-1: control plane + 9 nodes, simulated)");
  const ours = await measure(30);
  const sdkDefault = await measure(2);
  row("upgrade duration (simulated)", `${ours.minutes.toFixed(0)} min, ${ours.result}`);
  row("Ringmaster, 30 s polls: reads / writes / polls", `${ours.reads} / ${ours.writes} / ${ours.polls}`);
  row("baseline, SDK default 2 s polls", `${sdkDefault.reads} / ${sdkDefault.writes} / ${sdkDefault.polls}`);
  row(
    "polls vs baseline",
    `${(ours.polls / sdkDefault.polls).toFixed(3)}x (${sdkDefault.polls - ours.polls} fewer)`,
  );
  return { ours, sdkDefault };
}
