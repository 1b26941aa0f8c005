import { afterEach, describe, expect, it } from "vitest";
import type { ActivityDeps } from "../../src/activities/deps.js";
import { loadInventory } from "../../src/activities/inventory.js";
import { checkOperation, startUpgrade } from "../../src/activities/upgrade.js";
import type { StartInput } from "../../src/contracts/upgrade-steps.js";
import type { WriteGuard } from "../../src/contracts/write-guard.js";
import { parsePolicyYaml } from "../../src/config/policy.js";
import { activityDeps } from "../helpers/activity-deps.js";
import { clusterIdOf, startSimulator, SUB, testFleetYaml, type SimHarness } from "../helpers/simulator.js";

/**
 * What an upgrade write checks at the moment it runs (the adapters' clock, not the orchestration's replay
 * time), what a retry after a failed PUT writes, and how list calls survive throttling — through the real
 * activities and adapters against the simulator, whose audit is the oracle of what reached Azure.
 */
const HOUR = 3_600_000;
const alpha = clusterIdOf("rg", "alpha");

const CONTRACT_POLICY = parsePolicyYaml(
  "apiVersion: ringmaster/v1\nkind: RolloutPolicy\nmetadata: { name: contract }\nspec:\n  rings:\n    - name: dev\n      selector: { tags: { env: dev } }\n",
);

const depsFor = (h: SimHarness): ActivityDeps => activityDeps(h, CONTRACT_POLICY);

/** A daily UTC window that opened `openedHoursAgo` before the simulator's now and lasts `hours`. */
function guardAt(h: SimHarness, openedHoursAgo: number, hours: number, needsMinutes: number): WriteGuard {
  const start = Math.floor((h.clock.now() - openedHoursAgo * HOUR) / 60_000) * 60_000;
  return {
    window: {
      kind: "window",
      spec: {
        schedule: { daily: { intervalDays: 1 } },
        startTime: new Date(start).toISOString().slice(11, 16),
        durationHours: hours,
        zone: "UTC",
      },
    },
    blocked: [],
    durationMs: needsMinutes * 60_000,
    planned: { start, end: start + hours * HOUR },
  };
}

/** Every request that tried to start an upgrade (accepted or not): a refused write never gets this far. */
const upgradeWrites = (h: SimHarness) =>
  h.sim.world.records.audit.filter(
    (a) =>
      a.what === "PUT managedClusters.createOrUpdate" || a.what === "POST agentPools.upgradeNodeImageVersion",
  );

const k8s = (guard: WriteGuard): StartInput => ({
  clusterId: alpha,
  kind: "kubernetes",
  target: "1.30.5",
  guard,
});

describe("Contract: an upgrade writes only inside its window, checked when it writes", () => {
  let h: SimHarness;
  afterEach(async () => h?.stop());

  it("writes nothing when the timer fired after the window closed (host down across the window)", async () => {
    h = await startSimulator();
    const deps = depsFor(h);
    // 08:00–14:00 as seen at 16:00: the window closed two hours before the late timer fired.
    const outcome = await startUpgrade(deps, k8s(guardAt(h, 8, 6, 90)));
    expect(outcome).toMatchObject({
      ok: false,
      code: "MissedWindow",
      retriable: false,
      message: expect.stringMatching(/after the window closed/),
    });
    expect(upgradeWrites(h)).toEqual([]);
    expect((await h.aks.getCluster(alpha)).kubernetesVersion).toBe("1.30.4");
  });

  it("writes nothing when the window is open but too little of it is left for the predicted duration", async () => {
    h = await startSimulator();
    const deps = depsFor(h);
    // Five hours into a six-hour window, the upgrade is predicted to take three.
    const outcome = await startUpgrade(deps, k8s(guardAt(h, 5, 6, 180)));
    expect(outcome).toMatchObject({
      ok: false,
      code: "MissedWindow",
      message: expect.stringMatching(/only \d+ min were left at .* the upgrade needs 180 min/),
    });
    // The node-image POST is guarded the same way.
    const pool = await startUpgrade(deps, {
      clusterId: alpha,
      kind: "nodeImage",
      target: "latest",
      pool: "apps",
      toImage: "AKSUbuntu-2204gen2containerd-202611.17.0",
      guard: guardAt(h, 5, 6, 180),
    });
    expect(pool).toMatchObject({ ok: false, code: "MissedWindow" });
    expect(upgradeWrites(h)).toEqual([]);
  });

  it("writes nothing while a freeze applies, even inside the window", async () => {
    h = await startSimulator();
    const now = h.clock.now();
    const guard = { ...guardAt(h, 1, 6, 60), blocked: [{ start: now - HOUR, end: now + 30 * HOUR }] };
    const outcome = await startUpgrade(depsFor(h), k8s(guard));
    expect(outcome).toMatchObject({
      ok: false,
      code: "MissedWindow",
      message: expect.stringMatching(/freeze/),
    });
    expect(upgradeWrites(h)).toEqual([]);
  });

  it("stops retrying a throttled write once it would no longer fit, and writes nothing", async () => {
    // ARM asks to wait two hours at every try (a wait is capped at a minute of the clock, as in the app);
    // the upgrade fits only if it starts within the next three minutes.
    h = await startSimulator(
      testFleetYaml(
        "faults:\n  - { api: managedClusters.createOrUpdate, status: 429, retryAfterSeconds: 7200, times: 20 }\n",
      ),
    );
    const outcome = await startUpgrade(depsFor(h), k8s(guardAt(h, 1, 6, 5 * 60 - 3)));
    expect(outcome).toMatchObject({
      ok: false,
      code: "MissedWindow",
      message: expect.stringMatching(/still being retried .* too late for the upgrade to fit/),
    });
    expect(upgradeWrites(h).every((a) => a.detail?.status === 429)).toBe(true);
    expect((await h.aks.getCluster(alpha)).kubernetesVersion).toBe("1.30.4");
  });

  it("writes once when the window is open and the upgrade fits what is left of it", async () => {
    h = await startSimulator();
    const outcome = await startUpgrade(depsFor(h), k8s(guardAt(h, 1, 6, 60)));
    expect(outcome.ok).toBe(true);
    // AKS answers 200 to an upgrade PUT of an existing cluster (201 only creates one).
    expect(upgradeWrites(h).map((a) => a.detail?.status)).toEqual([200]);
  });
});

describe("Contract: a retry after a failed PUT writes the target", () => {
  let h: SimHarness;
  afterEach(async () => h?.stop());

  it("PUTs the target again after 500s (not the current version), and the cluster gets there", async () => {
    // Four 500s: the SDK's own three retries see them all, so the activity reports the failure.
    h = await startSimulator(
      testFleetYaml("faults:\n  - { api: managedClusters.createOrUpdate, status: 500, times: 4 }\n"),
    );
    const deps = depsFor(h);
    const guard = guardAt(h, 1, 23, 60);
    // Held, as the host holds an activity: the SDK's real-time retries of the 500s are work in flight, so
    // simulated time does not jump to the write's deadline meanwhile.
    const activity = <T>(run: () => Promise<T>) => h.clock.held("the activity", run);
    const first = await activity(() => startUpgrade(deps, k8s(guard)));
    expect(first).toMatchObject({ ok: false, retriable: true });
    expect((await h.aks.getCluster(alpha)).kubernetesVersion).toBe("1.30.4");
    const again = await activity(() => startUpgrade(deps, k8s(guard)));
    if (!again.ok) throw new Error(`the retry failed: ${again.code} ${again.message}`);
    expect(again.handle.kind).toBe("cluster");
    let check = await checkOperation(deps, again.handle);
    while (!check.done) {
      await h.clock.sleep(30_000);
      check = await checkOperation(deps, again.handle);
    }
    expect(check.status).toBe("succeeded");
    expect((await h.aks.getCluster(alpha)).currentKubernetesVersion).toBe("1.30.5");
    expect(upgradeWrites(h).map((a) => a.detail?.status)).toEqual([500, 500, 500, 500, 200]);
  });
});

describe("Contract: list calls survive throttling (one retry mechanism for every ARM client)", () => {
  let h: SimHarness;
  afterEach(async () => h?.stop());

  it("loads the inventory through bare 429s and Retry-After on every list it makes", async () => {
    const fault = (api: string, extra = "") => `  - { api: ${api}, status: 429, times: 4${extra} }\n`;
    // The cluster list is Resource Graph's query now (ARM list is its fallback, tested below directly).
    h = await startSimulator(
      testFleetYaml(
        "faults:\n" +
          fault("resourceGraph.resources") +
          fault("maintenanceConfigurations.listByManagedCluster", ", retryAfterSeconds: 30") +
          fault("agentPools.getUpgradeProfile") +
          fault("managedClusters.listKubernetesVersions"),
      ),
    );
    const inventory = await loadInventory(depsFor(h), { withNodeImages: true });
    expect(inventory.clusters.map((c) => c.name).sort()).toEqual(["alpha", "beta"]);
    expect(inventory.availableVersions.westeurope).toEqual(expect.arrayContaining(["1.30.5", "1.31.2"]));
    expect(h.sim.world.records.counters.get("fault:429")).toBe(16);
    expect(h.sim.world.records.counters.get("api:managedClusters.list")).toBeUndefined();
  });

  it("gives up after a bounded number of tries with ARM's own error", async () => {
    h = await startSimulator(
      testFleetYaml("faults:\n  - { api: managedClusters.list, status: 429, times: 50 }\n"),
    );
    await expect(h.adapters().aks.listClusters(SUB)).rejects.toMatchObject({ statusCode: 429 });
    expect(h.sim.world.records.counters.get("fault:429")).toBeLessThan(50);
  });
});
