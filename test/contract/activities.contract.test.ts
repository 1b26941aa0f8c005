import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ActivityDeps } from "../../src/activities/deps.js";
import { evaluateGates } from "../../src/activities/gates.js";
import { planSupportUpgrade } from "../../src/activities/support.js";
import { checkOperation, startUpgrade } from "../../src/activities/upgrade.js";
import { applyRingWindows } from "../../src/activities/windows.js";
import { parsePolicyYaml } from "../../src/config/policy.js";
import { activityDeps } from "../helpers/activity-deps.js";
import { clusterIdOf, startSimulator, type SimHarness } from "../helpers/simulator.js";

/** Activities against the simulator through the real adapters: what they write, and what they refuse to write twice. */
const POLICY = `apiVersion: ringmaster/v1
kind: RolloutPolicy
metadata: { name: contract }
spec:
  manageWindows: true
  rings:
    - name: dev
      selector: { tags: { env: dev } }
      maintenanceWindow: { weekly: { dayOfWeek: Tuesday }, startTime: "09:00", durationHours: 6, timeZone: Europe/Berlin }
`;

/** A write guard that always passes (no window, no freeze): these tests are about what is written. */
const ANY_TIME = { window: null, blocked: [], durationMs: 0, planned: { start: 0, end: 0 } };

describe("Contract: activities on the simulated Azure", () => {
  let h: SimHarness;
  let deps: ActivityDeps;
  const alpha = clusterIdOf("rg", "alpha");

  beforeAll(async () => {
    h = await startSimulator();
    deps = activityDeps(h, parsePolicyYaml(POLICY));
  });
  afterAll(() => h.stop());

  it("writes a ring window once, as AKS stores it, and again only when DST changes its offset", async () => {
    const november = Date.parse("2026-11-23T00:00:00Z");
    const first = await applyRingWindows(deps, { kinds: ["kubernetes"], nowMs: november });
    expect(first.written.map((w) => w.cluster)).toEqual(["alpha"]);
    expect(first.written[0]!.now).toContain('"utcOffset":"+01:00"');
    const again = await applyRingWindows(deps, { kinds: ["kubernetes"], nowMs: november });
    expect(again.written).toEqual([]);
    expect(again.unchanged).toBe(1);
    // In summer Berlin is UTC+02:00: the same 09:00 local window needs a new offset.
    const summer = await applyRingWindows(deps, {
      kinds: ["kubernetes"],
      nowMs: Date.parse("2027-04-05T00:00:00Z"),
    });
    expect(summer.written.map((w) => [w.cluster, w.config])).toEqual([
      ["alpha", "aksManagedAutoUpgradeSchedule"],
    ]);
    expect(summer.written[0]!.now).toContain('"utcOffset":"+02:00"');
    const stored = await h.aks.getMaintenanceConfiguration(alpha, "aksManagedAutoUpgradeSchedule");
    expect(stored?.maintenanceWindow?.utcOffset).toBe("+02:00");
  });

  it("plans the way out of end of support: the next minor's newest patch, in the cluster's ring and window", async () => {
    const now = Date.parse("2026-11-23T00:00:00Z");
    const plan = await planSupportUpgrade(deps, { clusterId: alpha, nowMs: now });
    expect(plan).toMatchObject({
      cluster: "alpha",
      current: "1.30.4",
      target: "1.31.2",
      plan: { ring: "dev", status: "scheduled" },
    });
    // Tuesday 09:00 Berlin is 08:00 UTC in November.
    expect(plan.plan?.predictedStart).toBe("2026-11-24T08:00:00.000Z");
    const beta = await planSupportUpgrade(deps, { clusterId: clusterIdOf("rg", "beta"), nowMs: now });
    expect(beta).toMatchObject({ current: "1.29.9", target: "1.30.5", plan: { status: "skipped" } });
  });

  it("adopts an upgrade already under way instead of failing or writing twice (an activity run again after a crash)", async () => {
    const first = await startUpgrade(deps, {
      clusterId: alpha,
      kind: "kubernetes",
      target: "1.30.5",
      guard: ANY_TIME,
    });
    expect(first.ok).toBe(true);
    const again = await startUpgrade(deps, {
      clusterId: alpha,
      kind: "kubernetes",
      target: "1.30.5",
      guard: ANY_TIME,
    });
    // At this clock's speed the first upgrade may still run (AKS answers 409: adopt it and watch) or have
    // finished already (the cluster is at the target: nothing to write). Either way: one accepted PUT.
    expect(again).toMatchObject({ ok: true, handle: { clusterId: alpha } });
    if (again.ok) expect(["watch", "cluster"]).toContain(again.handle.kind);
    const accepted = h.sim.world.records.audit.filter(
      (a) => a.what === "PUT managedClusters.createOrUpdate" && Number(a.detail?.status) < 300,
    );
    expect(accepted).toHaveLength(1);
    if (!again.ok) throw new Error("unreachable");
    let check = await checkOperation(deps, again.handle);
    while (!check.done) {
      await new Promise((r) => setTimeout(r, 20));
      check = await checkOperation(deps, again.handle);
    }
    expect(check.status).toBe("succeeded");
    expect((await h.aks.getCluster(alpha)).currentKubernetesVersion).toBe("1.30.5");
    // Run once more after it finished (the host died before recording it): nothing is written.
    const late = await startUpgrade(deps, {
      clusterId: alpha,
      kind: "kubernetes",
      target: "1.30.5",
      guard: ANY_TIME,
    });
    expect(late).toMatchObject({ ok: true, handle: { kind: "watch" } });
    if (late.ok)
      expect(await checkOperation(deps, late.handle)).toMatchObject({ done: true, status: "succeeded" });
    expect(
      h.sim.world.records.audit.filter(
        (a) => a.what === "PUT managedClusters.createOrUpdate" && Number(a.detail?.status) < 300,
      ),
    ).toHaveLength(1);
  });

  it("refuses a different target while an operation runs (409 with AKS's code), without adopting it", async () => {
    const started = await startUpgrade(deps, {
      clusterId: alpha,
      kind: "kubernetes",
      target: "1.31.2",
      guard: ANY_TIME,
    });
    expect(started.ok).toBe(true);
    const other = await startUpgrade(deps, {
      clusterId: alpha,
      kind: "nodeImage",
      target: "latest",
      pool: "apps",
      guard: ANY_TIME,
    });
    expect(other).toMatchObject({ ok: false, code: "OperationNotAllowed", retriable: true });
  });

  it("passes the node-pool gate when a failed pool rolled again, and blocks when its last roll failed", async () => {
    const events = (phases: string[]) =>
      phases.map((phase, i) => ({ pool: "apps", phase, time: `2026-11-23T10:0${i}:00Z` }));
    const recovered = await evaluateGates(deps, {
      gates: ["nodePoolEvents"],
      clusterIds: [alpha],
      poolEvents: { [alpha]: events(["Started", "Failed", "Started", "Succeeded"]) },
    });
    expect(recovered.passed).toBe(true);
    expect(recovered.results[0]!.evidence.join("\n")).toMatch(
      /alpha\/apps failed at .*then rolled again \(Succeeded/,
    );
    const blocked = await evaluateGates(deps, {
      gates: ["nodePoolEvents"],
      clusterIds: [alpha],
      poolEvents: { [alpha]: events(["Started", "Failed"]) },
    });
    expect(blocked).toMatchObject({
      passed: false,
      results: [{ kind: "nodePoolEvents", evidence: ["alpha/apps failed at 2026-11-23T10:01:00Z"] }],
    });
  });
});
