import { afterEach, describe, expect, it } from "vitest";
import type { ActivityDeps } from "../../src/activities/deps.js";
import { applyRingWindows } from "../../src/activities/windows.js";
import type { DiscreteClock } from "../../src/clock/discrete.js";
import { WRITTEN_ROWS } from "../../src/contracts/ring-windows.js";
import { parsePolicyYaml } from "../../src/config/policy.js";
import { activityDeps } from "../helpers/activity-deps.js";
import { clusterIdOf, startSimulator, SUB, type SimHarness } from "../helpers/simulator.js";

/**
 * What the window reconcile costs, counted by the simulator: with nothing to change, each cluster's
 * maintenance configurations are read once a day (one list call), however often the timer fires (every 6 h
 * by default; before: two GETs per cluster every run, 8 reads a day). A daylight-saving transition and drift
 * still get written.
 */
const CLUSTERS = 24;
const HOUR = 3_600_000;
const SLOT = 6 * HOUR;

function fleetYaml(): string {
  const clusters = Array.from(
    { length: CLUSTERS },
    (_, i) => `      - name: c-${String(i).padStart(2, "0")}
        resourceGroup: rg
        location: westeurope
        kubernetesVersion: 1.30.4
        tags: { env: ${i % 2 ? "prod" : "dev"} }
        nodePools:
          - { name: system, mode: System, count: 1, nodeImageVersion: AKSUbuntu-2204gen2containerd-202611.03.0 }`,
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
    - { version: 1.30.5, regions: [westeurope], at: "2026-11-01T00:00:00Z" }
`;
}

const POLICY = parsePolicyYaml(`apiVersion: ringmaster/v1
kind: RolloutPolicy
metadata: { name: windows }
spec:
  manageWindows: true
  rings:
    - name: dev
      selector: { tags: { env: dev } }
      maintenanceWindow: { daily: { intervalDays: 1 }, startTime: "02:00", durationHours: 4, timeZone: Europe/Berlin }
    - name: prod
      selector: { tags: { env: prod } }
      maintenanceWindow: { weekly: { dayOfWeek: Sunday }, startTime: "03:00", durationHours: 4, timeZone: Europe/Berlin }
`);

const KINDS = ["kubernetes", "nodeImage"] as const;

describe("Contract: the window reconcile's ARM reads, counted by the simulator", () => {
  let h: SimHarness;
  let deps: ActivityDeps;
  afterEach(async () => h?.stop());

  const reads = () =>
    Object.fromEntries([...h.sim.world.records.perCluster].map(([name, c]) => [name, c.reads]));
  const writes = () => [...h.sim.world.records.perCluster.values()].reduce((n, c) => n + c.writes, 0);
  const api = (name: string) => h.sim.world.records.counters.get(`api:${name}`) ?? 0;

  /**
   * Runs the activity with the simulated clock standing at `t`, as the timer would: Resource Graph's quota
   * (15 queries per 5 s) and everything else the simulator times see the same instant as `nowMs`.
   */
  async function at<T>(t: number, run: () => Promise<T>): Promise<T> {
    const clock = h.clock as DiscreteClock;
    const arrived = await clock.at(t);
    // The run holds the clock itself (its waits on the clock, such as the ARM read budget, let time move).
    const result = clock.held(`reconcile run at ${new Date(t).toISOString()}`, run);
    arrived.release();
    return result;
  }

  /** The reconcile timer every 6 hours from `from` for `days`, as windowReconcile runs it. */
  async function reconcileEvery6h(from: number, days: number) {
    const results = [];
    for (let t = from + SLOT; t <= from + days * 24 * HOUR; t += SLOT)
      results.push(await at(t, () => applyRingWindows(deps, { kinds: KINDS, nowMs: t, sinceMs: t - SLOT })));
    return results;
  }

  it("reads each cluster once a day in steady state: 1 list call per cluster per day, nothing written", async () => {
    h = await startSimulator(fleetYaml());
    deps = activityDeps(h, POLICY);
    const t0 = Date.parse("2026-11-23T00:15:00Z");
    // A rollout's first step: every cluster read and written once.
    const first = await at(t0, () => applyRingWindows(deps, { kinds: KINDS, nowMs: t0 }));
    expect(first.writtenCount).toBe(CLUSTERS * KINDS.length);
    // What goes into the rollout's history stays bounded: the first WRITTEN_ROWS, and the count.
    expect(first.written).toHaveLength(WRITTEN_ROWS);
    const before = reads();
    const writesBefore = writes();
    const listsBefore = api("maintenanceConfigurations.listByManagedCluster");

    const runs = await reconcileEvery6h(t0, 4);
    expect(runs).toHaveLength(16);
    expect(runs.flatMap((r) => r.written)).toEqual([]);
    expect(writes() - writesBefore).toBe(0);
    const after = reads();
    const perCluster = Object.keys(after).map((name) => after[name]! - (before[name] ?? 0));
    // 4 simulated days, 24 clusters: exactly 4 reads each (the issue measured ≈ 8 a day each before).
    expect(perCluster).toEqual(Array.from({ length: CLUSTERS }, () => 4));
    expect(api("maintenanceConfigurations.listByManagedCluster") - listsBefore).toBe(CLUSTERS * 4);
    expect(api("maintenanceConfigurations.get")).toBe(0);
    // The cluster list is one Resource Graph query a run, no ARM list.
    expect(api("resourceGraph.resources")).toBe(17);
    expect(api("managedClusters.list")).toBe(0);
    // Spread over the day: no run reads more than half the fleet.
    expect(Math.max(...runs.map((r) => r.read))).toBeLessThan(CLUSTERS / 2 + 1);
  });

  it("lists every configuration written when asked (the reconcile timer logs each one)", async () => {
    h = await startSimulator(fleetYaml());
    deps = activityDeps(h, POLICY);
    const t0 = Date.parse("2026-11-23T00:15:00Z");
    const all = await at(t0, () => applyRingWindows(deps, { kinds: KINDS, nowMs: t0, everyRow: true }));
    expect(all.writtenCount).toBe(CLUSTERS * KINDS.length);
    expect(new Set(all.written.map((w) => `${w.cluster}/${w.config}`)).size).toBe(CLUSTERS * KINDS.length);
  });

  it("rewrites the offset when daylight saving time starts, and only then writes", async () => {
    h = await startSimulator(fleetYaml());
    deps = activityDeps(h, POLICY);
    // Europe/Berlin moves from +01:00 to +02:00 on 2027-03-28 at 01:00 UTC.
    const t0 = Date.parse("2027-03-25T00:15:00Z");
    await applyRingWindows(deps, { kinds: KINDS, nowMs: t0 });
    const runs = await reconcileEvery6h(t0, 4);
    const written = runs.flatMap((r) => r.written);
    expect(written.length).toBeGreaterThan(0);
    for (const w of written) {
      expect(w.was).toContain('"utcOffset":"+01:00"');
      expect(w.now).toContain('"utcOffset":"+02:00"');
    }
    // Each configuration rewritten once at most, and every one holds the summer offset afterwards.
    expect(new Set(written.map((w) => `${w.cluster}/${w.config}`)).size).toBe(written.length);
    for (let i = 0; i < CLUSTERS; i++) {
      const configs = await h.aks.listMaintenanceConfigurations(
        clusterIdOf("rg", `c-${String(i).padStart(2, "0")}`),
      );
      expect(configs.map((c) => c.maintenanceWindow?.utcOffset)).toEqual(["+02:00", "+02:00"]);
    }
  });

  it("corrects drift within a day, at the cluster's daily check", async () => {
    h = await startSimulator(fleetYaml());
    deps = activityDeps(h, POLICY);
    const t0 = Date.parse("2026-11-23T00:15:00Z");
    await applyRingWindows(deps, { kinds: KINDS, nowMs: t0 });
    const id = clusterIdOf("rg", "c-03");
    const config = (await h.aks.getMaintenanceConfiguration(id, "aksManagedAutoUpgradeSchedule"))!;
    // Someone moves prod's window to 22:00 by hand.
    await h.aks.putMaintenanceConfiguration(id, "aksManagedAutoUpgradeSchedule", {
      maintenanceWindow: { ...config.maintenanceWindow!, startTime: "22:00" },
    });
    const runs = await reconcileEvery6h(t0, 1);
    const fixed = runs.flatMap((r) => r.written);
    expect(fixed).toEqual([
      expect.objectContaining({ cluster: "c-03", config: "aksManagedAutoUpgradeSchedule" }),
    ]);
    expect(
      (await h.aks.getMaintenanceConfiguration(id, "aksManagedAutoUpgradeSchedule"))?.maintenanceWindow
        ?.startTime,
    ).toBe("03:00");
  });
});
