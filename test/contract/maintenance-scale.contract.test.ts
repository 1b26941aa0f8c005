import { afterEach, describe, expect, it } from "vitest";
import { loadInventory } from "../../src/activities/inventory.js";
import { parsePolicyYaml } from "../../src/config/policy.js";
import { generateFleet, type FleetInput } from "../../src/simulator/fleet-generator.js";
import { activityDeps } from "../helpers/activity-deps.js";
import { startSimulator, SUB, type SimHarness } from "../helpers/simulator.js";

/**
 * What honouring Microsoft.Maintenance assignments costs at scale, 30% of the generated clusters with an
 * `aks-mrp-cfg-*` assignment (`ringmaster simulate generate --legacy-assignments 0.3`), counted by the
 * simulator: through Resource Graph, one more paged query (a page per 1,000 assignments) and one read per
 * distinct public configuration, whatever the fleet size; when Resource Graph refuses the query, one
 * REST list per cluster. The numbers are printed for the report.
 *
 * `npm test` runs 400 clusters: more lists than the simulator's read bucket holds (250), and than the
 * adapter's own budget (125), so the fallback's pacing is what keeps it free of 429s. `npm run bench
 * scale-contracts` runs the same file at 1,000 (SCALE_CLUSTERS).
 */
const CLUSTERS = Number(process.env.SCALE_CLUSTERS ?? 400);
const POLICY = parsePolicyYaml(`apiVersion: ringmaster/v1
kind: RolloutPolicy
metadata: { name: scale }
spec:
  rings:
    - name: all
      selector: { tags: {} }
`);

/** The generated fleet as data (the fleet file's schema and checks, without the YAML round trip). */
function generated(faults: FleetInput["faults"] = []): FleetInput {
  const data = generateFleet({
    clusters: CLUSTERS,
    subscriptions: 1,
    regions: "westeurope,northeurope,eastus",
    legacyAssignments: 0.3,
  });
  // One subscription, the harness's: activityDeps manages exactly that one.
  data.subscriptions[0]!.id = SUB;
  return { ...data, faults };
}

describe(`Contract: the cost of reading maintenance assignments at ${CLUSTERS} clusters`, () => {
  let h: SimHarness;
  afterEach(async () => h?.stop());
  const api = (name: string) => h.sim.world.records.counters.get(`api:${name}`) ?? 0;
  const maintenanceReads = () =>
    api("configurationAssignments.list") +
    api("configurationAssignments.get") +
    api("publicMaintenanceConfigurations.get") +
    api("publicMaintenanceConfigurations.list");

  it("through Resource Graph: 1 query for the assignments and ≤ 50 configuration reads, no read per cluster", async () => {
    h = await startSimulator(generated());
    const inventory = await loadInventory(activityDeps(h, POLICY), { withNodeImages: false });
    const legacy = inventory.clusters.filter((c) => c.maintenanceAssignments?.length);
    const honoured = inventory.clusters.filter((c) => c.windows.autoUpgrade?.kind === "assignment");
    expect(legacy).toHaveLength(CLUSTERS * 0.3);
    expect(honoured).toHaveLength(CLUSTERS * 0.3);
    expect(api("configurationAssignments.list")).toBe(0);
    // Clusters: 1 page; assignments: 1 page.
    expect(api("resourceGraph.resources")).toBe(2);
    const distinct = new Set(legacy.map((c) => c.maintenanceAssignments![0]!.maintenanceConfigurationId));
    expect(api("publicMaintenanceConfigurations.get")).toBe(distinct.size);
    expect(distinct.size).toBeLessThanOrEqual(50);
    console.log(
      `maintenance reads, Resource Graph path: ${maintenanceReads()} ARM reads for ${CLUSTERS} clusters (${(maintenanceReads() / CLUSTERS).toFixed(3)} per cluster, ${(maintenanceReads() / legacy.length).toFixed(3)} per cluster with an assignment), ${api("resourceGraph.resources")} Resource Graph queries in all`,
    );
  }, 120_000);

  it("when Resource Graph refuses: one REST list per cluster, and the same windows", async () => {
    h = await startSimulator(generated([{ api: "resourceGraph.resources", status: 403, times: 100 }]));
    const inventory = await loadInventory(activityDeps(h, POLICY), { withNodeImages: false });
    expect(inventory.clusters.filter((c) => c.windows.autoUpgrade?.kind === "assignment")).toHaveLength(
      CLUSTERS * 0.3,
    );
    // One list per cluster, paced by the adapter's throttle budget: no 429 (unpaced, 963 of 2,012 requests
    // were; and before the budget's waits were whole milliseconds, this pacing never finished).
    const throttled = h.sim.world.records.counters.get("throttled:429") ?? 0;
    const lists = api("configurationAssignments.list");
    expect(lists).toBe(CLUSTERS);
    expect(throttled).toBe(0);
    console.log(
      `maintenance reads, ARM fallback: ${maintenanceReads()} ARM requests for ${CLUSTERS} clusters (${(maintenanceReads() / CLUSTERS).toFixed(3)} per cluster; ${throttled} answered 429 in the whole inventory)`,
    );
  }, 180_000);
});
