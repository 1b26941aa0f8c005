import { afterEach, describe, expect, it } from "vitest";
import { loadInventory } from "../../src/activities/inventory.js";
import { listClusterAssignments } from "../../src/azure/cluster-inventory.js";
import { parsePolicyYaml } from "../../src/config/policy.js";
import { planRollout } from "../../src/domain/planner.js";
import { activityDeps } from "../helpers/activity-deps.js";
import { clusterIdOf, startSimulator, SUB, testFleetYaml, type SimHarness } from "../helpers/simulator.js";

/**
 * Microsoft.Maintenance over REST (2023-04-01) and through Resource Graph's `maintenanceresources`, with the
 * real adapters over HTTP against the simulator: assignments on a managed cluster at the shapes of
 * research/aks-apis.md §5, the AKS public configurations, and what the inventory makes of them.
 */
const ALPHA = clusterIdOf("rg", "alpha");
const BETA = clusterIdOf("rg", "beta");
const WEEKEND_M5 = `/subscriptions/${SUB}/providers/Microsoft.Maintenance/publicMaintenanceConfigurations/aks-mrp-cfg-weekend_utc-5`;

/** alpha carries only an assignment; beta an assignment and an AKS-native auto-upgrade window (which wins). */
function fleetWithAssignments(): string {
  return testFleetYaml()
    .replace(
      "        tags: { env: dev }\n",
      "        tags: { env: dev }\n        maintenanceAssignments:\n          - { name: legacy-weekend, configuration: aks-mrp-cfg-weekend_utc-5 }\n",
    )
    .replace(
      "        autoUpgradeProfile: { upgradeChannel: patch }\n",
      `        autoUpgradeProfile: { upgradeChannel: patch }
        maintenanceAssignments:
          - { configuration: aks-mrp-cfg-weekday_utc8 }
        maintenanceConfigurations:
          aksManagedAutoUpgradeSchedule:
            maintenanceWindow: { schedule: { weekly: { dayOfWeek: Tuesday, intervalWeeks: 1 } }, startTime: "01:00", durationHours: 4, utcOffset: "+00:00" }
`,
    );
}

const POLICY = parsePolicyYaml(`apiVersion: ringmaster/v1
kind: RolloutPolicy
metadata: { name: legacy }
spec:
  rings:
    - name: all
      selector: { tags: {} }
`);

describe("Contract: Microsoft.Maintenance adapter against the simulator", () => {
  let h: SimHarness;
  afterEach(async () => h?.stop());
  const api = (name: string) => h.sim.world.records.counters.get(`api:${name}`) ?? 0;

  it("lists, gets, creates and deletes a cluster's assignments at the REST shapes", async () => {
    h = await startSimulator(fleetWithAssignments());
    const { maintenance } = h.adapters();
    const listed = await maintenance.listAssignments(ALPHA);
    expect(listed).toEqual([
      {
        id: `${ALPHA}/providers/Microsoft.Maintenance/configurationAssignments/legacy-weekend`,
        name: "legacy-weekend",
        type: "Microsoft.Maintenance/configurationAssignments",
        location: "westeurope",
        properties: { maintenanceConfigurationId: WEEKEND_M5, resourceId: ALPHA },
      },
    ]);
    expect(
      (await maintenance.getAssignment(ALPHA, "legacy-weekend")).properties.maintenanceConfigurationId,
    ).toBe(WEEKEND_M5);
    const weekday8 = WEEKEND_M5.replace("aks-mrp-cfg-weekend_utc-5", "aks-mrp-cfg-weekday_utc8");
    const created = await maintenance.assign(ALPHA, "second", "westeurope", weekday8);
    expect(created.properties).toEqual({ maintenanceConfigurationId: weekday8, resourceId: ALPHA });
    expect((await maintenance.listAssignments(ALPHA)).map((a) => a.name).sort()).toEqual([
      "legacy-weekend",
      "second",
    ]);
    await maintenance.unassign(ALPHA, "second");
    expect((await maintenance.listAssignments(ALPHA)).map((a) => a.name)).toEqual(["legacy-weekend"]);
    await expect(maintenance.getAssignment(ALPHA, "second")).rejects.toMatchObject({ statusCode: 404 });
    // An AKS public configuration that does not exist is refused, naming it.
    await expect(
      maintenance.assign(ALPHA, "bad", "westeurope", weekday8.replace("utc8", "utc13")),
    ).rejects.toThrow(/aks-mrp-cfg-weekday_utc13/);
  });

  it("serves the 50 AKS public configurations with their maintenanceWindow", async () => {
    h = await startSimulator(fleetWithAssignments());
    const { maintenance } = h.adapters();
    const all = await maintenance.listPublicConfigurations(SUB);
    expect(all).toHaveLength(50);
    const one = await maintenance.getPublicConfiguration(SUB, "aks-mrp-cfg-weekend_utc-5");
    expect(one).toMatchObject({
      id: WEEKEND_M5,
      name: "aks-mrp-cfg-weekend_utc-5",
      properties: {
        maintenanceScope: "Resource",
        extensionProperties: { maintenanceSubScope: "AKS" },
        maintenanceWindow: {
          startDateTime: "2022-08-01 22:00",
          duration: "08:00",
          timeZone: "SA Pacific Standard Time",
          recurEvery: "Week Friday,Saturday,Sunday",
        },
      },
    });
  });

  it("reads the fleet's assignments with one Resource Graph query, or one REST list per cluster as the fallback", async () => {
    h = await startSimulator(fleetWithAssignments());
    const adapters = h.adapters();
    const clusters = [{ id: ALPHA }, { id: BETA }];
    const graph = await listClusterAssignments(adapters, [SUB], clusters, true);
    expect(graph.source).toBe("resourceGraph");
    expect(api("resourceGraph.resources")).toBe(1);
    expect(api("configurationAssignments.list")).toBe(0);
    expect(graph.byCluster.get(ALPHA.toLowerCase())).toEqual([
      { clusterId: ALPHA, name: "legacy-weekend", maintenanceConfigurationId: WEEKEND_M5 },
    ]);
    expect(graph.byCluster.get(BETA.toLowerCase())?.map((a) => a.name)).toEqual(["aks-mrp-cfg-weekday_utc8"]);

    const rest = await listClusterAssignments(adapters, [SUB], clusters, false);
    expect(rest.source).toBe("armList");
    expect(api("configurationAssignments.list")).toBe(2);
    expect(rest.byCluster).toEqual(graph.byCluster);
  });

  it("the inventory takes an assignment as the window only where AKS has no native configuration", async () => {
    h = await startSimulator(fleetWithAssignments());
    const inventory = await loadInventory(activityDeps(h, POLICY), { withNodeImages: false });
    const alpha = inventory.clusters.find((c) => c.name === "alpha")!;
    const beta = inventory.clusters.find((c) => c.name === "beta")!;
    expect(alpha.windows.autoUpgrade).toEqual({
      kind: "assignment",
      window: {
        configuration: "aks-mrp-cfg-weekend_utc-5",
        days: ["Friday", "Saturday", "Sunday"],
        startTime: "22:00",
        durationMinutes: 480,
        utcOffset: "-05:00",
      },
    });
    expect(alpha.maintenanceAssignments).toEqual([
      { name: "legacy-weekend", maintenanceConfigurationId: WEEKEND_M5 },
    ]);
    expect(beta.windows.autoUpgrade?.kind).toBe("window");
    expect(beta.maintenanceAssignments).toHaveLength(1);
    // One graph query for clusters, one for assignments; one read per distinct public configuration.
    expect(api("resourceGraph.resources")).toBe(2);
    expect(api("configurationAssignments.list")).toBe(0);
    expect(api("publicMaintenanceConfigurations.get")).toBe(2);
  });

  it("skips a cluster whose assignments could not be read (WindowUnknown) unless an AKS-native configuration governs it", async () => {
    // Resource Graph refuses, so each cluster's assignments are one REST list, and every list answers 500
    // (past the SDK's retries): alpha's aks-mrp-cfg-* window is unknown; beta's native window governs anyway.
    h = await startSimulator(
      `${fleetWithAssignments()}faults:
  - { api: resourceGraph.resources, status: 403, times: 100 }
  - { api: configurationAssignments.list, status: 500, times: 100 }
`,
    );
    const inventory = await loadInventory(activityDeps(h, POLICY), { withNodeImages: false });
    expect(api("configurationAssignments.list")).toBeGreaterThanOrEqual(2);
    const alpha = inventory.clusters.find((c) => c.name === "alpha")!;
    const beta = inventory.clusters.find((c) => c.name === "beta")!;
    expect(alpha.assignmentsUnreadable).toMatch(/\S/);
    expect(alpha.windows.autoUpgrade).toBeUndefined();
    expect(beta.assignmentsUnreadable).toBeUndefined();
    // The ring has no window and requireWindow is false: before, alpha was planned for any time.
    const plan = planRollout({
      policy: { ...POLICY, spec: { ...POLICY.spec, requireWindow: false } },
      inventory,
      target: { kind: "kubernetes", version: "1.30.5" },
      now: h.clock.now(),
    });
    const planned = Object.fromEntries(plan.clusters.map((c) => [c.name, c]));
    expect(planned.alpha).toMatchObject({
      status: "skipped",
      reasonCode: "WindowUnknown",
      reason: expect.stringMatching(
        /^window unknown: Microsoft\.Maintenance assignments could not be read: .+; retried at the next inventory$/,
      ),
    });
    expect(planned.beta?.reasonCode).not.toBe("WindowUnknown");
  });
});
