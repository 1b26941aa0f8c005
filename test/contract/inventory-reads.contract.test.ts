import { afterEach, describe, expect, it } from "vitest";
import { findStaleNodeImages, loadInventory } from "../../src/activities/inventory.js";
import { parsePolicyYaml } from "../../src/config/policy.js";
import { activityDeps } from "../helpers/activity-deps.js";
import { startSimulator, SUB, type SimHarness } from "../helpers/simulator.js";

/**
 * What reading the fleet costs, counted by the simulator: the cluster list is one Resource Graph query;
 * the weekly stale-image scan reads one pool's upgrade profile per region and image family (not every
 * pool's) and no maintenance configurations; a rollout's inventory reads each cluster's configurations
 * with one list call.
 */
const CLUSTERS = 30;

function fleetYaml(): string {
  const clusters = Array.from(
    { length: CLUSTERS },
    (_, i) => `      - name: c-${String(i).padStart(2, "0")}
        resourceGroup: rg
        location: ${i % 2 ? "northeurope" : "westeurope"}
        kubernetesVersion: 1.30.4
        nodePools:
          - { name: system, mode: System, count: 1, nodeImageVersion: AKSUbuntu-2204gen2containerd-202611.03.0 }
          - { name: apps, mode: User, count: 2, nodeImageVersion: AKSUbuntu-2204gen2containerd-202611.03.0 }
          - { name: win, mode: User, count: 1, nodeImageVersion: AKSWindows-2022-containerd-20348.2700.241105 }`,
  ).join("\n");
  return `apiVersion: ringmaster/v1
kind: SimulatedAzure
clock: { start: "2026-11-23T00:00:00Z", speed: 60000 }
subscriptions:
  - id: ${SUB}
    name: test
    clusters:
${clusters}
releases:
  kubernetes:
    - { version: 1.30.5, regions: [westeurope, northeurope], at: "2026-11-01T00:00:00Z" }
  nodeImages:
    - { version: AKSUbuntu-2204gen2containerd-202611.17.0, regions: [westeurope], at: "2026-11-01T00:00:00Z" }
`;
}

const POLICY = parsePolicyYaml(`apiVersion: ringmaster/v1
kind: RolloutPolicy
metadata: { name: reads }
spec:
  rings:
    - name: all
      selector: { tags: {} }
`);

describe("Contract: the ARM reads of reading the fleet", () => {
  let h: SimHarness;
  afterEach(async () => h?.stop());
  const api = (name: string) => h.sim.world.records.counters.get(`api:${name}`) ?? 0;

  it("scans for stale node images with one upgrade-profile read per region and image family", async () => {
    h = await startSimulator(fleetYaml());
    const { staleCount, sample, families } = await findStaleNodeImages(activityDeps(h, POLICY));
    // Only westeurope has the newer Ubuntu image: its 15 clusters × 2 Ubuntu pools are stale. The result
    // counts them all and names only the first 20, so it stays small whatever the fleet's size.
    expect(staleCount).toBe(30);
    expect(sample).toHaveLength(20);
    expect(sample.every((p) => p.latest !== p.current)).toBe(true);
    expect(families).toEqual(["AKSUbuntu-2204gen2containerd"]);
    // 2 regions × 2 families, instead of 30 clusters × 3 pools = 90.
    expect(api("agentPools.getUpgradeProfile")).toBe(4);
    expect(api("maintenanceConfigurations.listByManagedCluster")).toBe(0);
    expect(api("resourceGraph.resources")).toBe(1);
    expect(api("managedClusters.list")).toBe(0);
  });

  it("reads a cluster's maintenance configurations with one list call when planning a rollout", async () => {
    h = await startSimulator(fleetYaml());
    const inventory = await loadInventory(activityDeps(h, POLICY), { withNodeImages: false });
    expect(inventory.clusters).toHaveLength(CLUSTERS);
    expect(api("maintenanceConfigurations.listByManagedCluster")).toBe(CLUSTERS);
    expect(api("maintenanceConfigurations.get")).toBe(0);
    expect(api("managedClusters.listKubernetesVersions")).toBe(2);
  });
});
