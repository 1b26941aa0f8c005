import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { virtualClock } from "../../src/clock/clock.js";
import { parseFleetYaml } from "../../src/simulator/load-fleet.js";
import { AUDIT_IN_MEMORY, Records } from "../../src/simulator/records.js";
import { Simulator } from "../../src/simulator/server.js";
import { SpillLog } from "../../src/simulator/spill-log.js";
import { restoreWorld, snapshotWorld } from "../../src/simulator/world-snapshot.js";
import { World } from "../../src/simulator/world.js";
import { SUB, testFleetYaml } from "../helpers/simulator.js";

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), "rm-records-"));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const lines = (file: string) => readFileSync(file, "utf8").split("\n").filter(Boolean);
const START = Date.parse("2026-11-23T00:00:00Z");

describe("Simulator records: memory stays bounded", () => {
  it("keeps at most twice `keep` entries in memory, spills the rest to JSON lines, and reads them all back", () => {
    const file = join(tempDir(), "log.jsonl");
    const log = new SpillLog<{ n: number }>(file, 1_000);
    for (let n = 0; n < 100_000; n++) log.push({ n });
    expect(log.recent.length).toBeLessThan(2_000);
    expect(log.total).toBe(100_000);
    expect(lines(file)).toHaveLength(log.spilled);
    const all = log.all();
    expect(all).toHaveLength(100_000);
    expect(all.every((e, i) => e.n === i)).toBe(true);
  });

  it("100,000 audit entries: the newest stay in memory, every one is in audit.jsonl, `audit` is the whole history", () => {
    const dir = tempDir();
    let now = START;
    const records = new Records(() => now, { dir });
    for (let i = 0; i < 100_000; i++) {
      now += 1000;
      records.log("request", `GET managedClusters.get`, { path: `/c/${i}`, status: 200 });
    }
    expect(records.recentAudit.length).toBeLessThan(2 * AUDIT_IN_MEMORY);
    // The bound is in bytes too: what stays in memory is a few MB at most, whatever the run's length.
    expect(JSON.stringify(records.recentAudit).length).toBeLessThan(2 * AUDIT_IN_MEMORY * 200);
    expect(records.auditTotal).toBe(100_000);
    expect(lines(join(dir, "audit.jsonl"))).toHaveLength(records.auditDropped);
    const audit = records.audit;
    expect(audit).toHaveLength(100_000);
    expect(audit[0]).toMatchObject({
      what: "GET managedClusters.get",
      detail: { path: "/c/0", status: 200 },
    });
    expect(audit.at(-1)!.detail!.path).toBe("/c/99999");
  });

  it("without a records directory the oldest entries are counted and dropped, so memory stays bounded", () => {
    const records = new Records(() => START, { keep: 100 });
    for (let i = 0; i < 10_000; i++) records.log("event", `e${i}`);
    expect(records.recentAudit.length).toBeLessThan(200);
    expect(records.auditDropped + records.recentAudit.length).toBe(10_000);
    expect(records.audit.at(-1)!.what).toBe("e9999");
  });

  it("a request's status, set when its handler answers, is in the file (entries spill only once old)", () => {
    const dir = tempDir();
    const records = new Records(() => START, { dir, keep: 10 });
    const first = records.log("request", "PUT managedClusters.createOrUpdate", { path: "/x" });
    first.detail!.status = 201;
    for (let i = 0; i < 30; i++) records.log("event", `e${i}`);
    expect(JSON.parse(lines(join(dir, "audit.jsonl"))[0]!)).toMatchObject({ detail: { status: 201 } });
  });

  it("a restart from a saved world continues the file without counting twice what a crash left in both", () => {
    const dir = tempDir();
    const fleet = parseFleetYaml(testFleetYaml());
    const clock = virtualClock({ virtualStart: START, speed: 1 });
    const before = new World(fleet, clock, { recordsDir: dir });
    for (let i = 0; i < 12_000; i++) before.records.log("event", `before ${i}`);
    const saved = snapshotWorld(before);
    // After the save, more entries spill before the crash: they are in the file and not in the snapshot's count.
    for (let i = 12_000; i < 20_000; i++) before.records.log("event", `before ${i}`);
    before.stop();
    expect(lines(join(dir, "audit.jsonl")).length).toBeGreaterThan(saved.records.auditDropped);

    const after = new World(fleet, clock, { recordsDir: dir });
    restoreWorld(after, saved);
    for (let i = 0; i < 12_000; i++) after.records.log("event", `after ${i}`);
    const audit = after.records.audit.map((a) => a.what);
    expect(audit).toHaveLength(24_000);
    expect(audit.slice(0, 12_000)).toEqual(Array.from({ length: 12_000 }, (_, i) => `before ${i}`));
    expect(audit.slice(12_000)).toEqual(Array.from({ length: 12_000 }, (_, i) => `after ${i}`));
    after.stop();
  });

  it("Event Grid delivery attempts spill too; the snapshot keeps the newest and the count", () => {
    const dir = tempDir();
    const fleet = parseFleetYaml(testFleetYaml());
    const world = new World(fleet, virtualClock({ virtualStart: START, speed: 1 }), { recordsDir: dir });
    const restore = world.events.restoreState.bind(world.events);
    const event = {
      id: "e",
      topic: "/t",
      subject: "alpha",
      eventType: "Microsoft.ContainerService.NodePoolRollingStarted",
      eventTime: new Date(START).toISOString(),
      data: {},
      dataVersion: "1",
      metadataVersion: "1",
    };
    const attempts = Array.from({ length: 5_000 }, (_, i) => ({
      event: { ...event, id: `e${i}` },
      attempt: 1,
      status: 200,
      time: event.eventTime,
    }));
    restore({ pending: [], delivered: attempts, deliveredSpilled: 0, deadLettered: [] });
    expect(world.events.deliveredCount).toBe(5_000);
    const state = world.events.exportState();
    expect(state.delivered.length).toBeLessThan(2_000);
    expect(state.deliveredSpilled).toBe(5_000 - state.delivered.length);
    expect(lines(join(dir, "deliveries.jsonl"))).toHaveLength(state.deliveredSpilled!);
    expect(world.events.delivered.map((d) => d.event.id)).toEqual(attempts.map((a) => a.event.id));
    expect(world.summary().events).toEqual({ delivered: 5_000, deadLettered: 0 });
    world.stop();
  });
});

describe("Simulator summary: 429s by bucket and operations in flight", () => {
  let sim: Simulator | undefined;
  afterEach(async () => sim?.stop());

  it("/_sim/audit answers the whole history from file and memory, and `?last=N` the newest", async () => {
    const fleet = parseFleetYaml(testFleetYaml());
    const recordsDir = tempDir();
    sim = await Simulator.start({
      fleet,
      clock: virtualClock({ virtualStart: START, speed: 1 }),
      recordsDir,
    });
    const before = sim.world.records.auditTotal;
    for (let i = 0; i < 3 * AUDIT_IN_MEMORY; i++) sim.world.records.log("event", `e${i}`);
    expect(sim.world.records.auditDropped).toBeGreaterThan(0);
    const all = (await (await fetch(`${sim.url}/_sim/audit`)).json()) as { what: string }[];
    expect(all).toHaveLength(before + 3 * AUDIT_IN_MEMORY);
    expect(all[before]!.what).toBe("e0");
    const last = (await (await fetch(`${sim.url}/_sim/audit?last=2`)).json()) as { what: string }[];
    expect(last.map((a) => a.what)).toEqual([`e${3 * AUDIT_IN_MEMORY - 2}`, `e${3 * AUDIT_IN_MEMORY - 1}`]);
    const summary = (await (await fetch(`${sim.url}/_sim/summary`)).json()) as { audit: { entries: number } };
    expect(summary.audit.entries).toBe(before + 3 * AUDIT_IN_MEMORY);
  });

  it("counts each 429 under the bucket that was empty (and injected ones as `fault`)", async () => {
    const fleet = parseFleetYaml(
      testFleetYaml(
        "faults:\n  - { api: managedClusters.list, status: 429, retryAfterSeconds: 5, times: 2 }\n",
      ),
    );
    // Real time: the AKS GET bucket (60, one a second) cannot refill while the test sends 70 GETs.
    sim = await Simulator.start({ fleet, clock: virtualClock({ virtualStart: START, speed: 1 }) });
    const get = (path: string) =>
      fetch(`${sim!.url}/subscriptions/${SUB}${path}?api-version=2026-06-01`, {
        headers: { Authorization: "Bearer test" },
      }).then((r) => r.status);
    const statuses: number[] = [];
    for (let i = 0; i < 70; i++)
      statuses.push(
        await get("/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/alpha"),
      );
    for (let i = 0; i < 2; i++)
      statuses.push(await get("/providers/Microsoft.ContainerService/managedClusters"));
    const answered429 = statuses.filter((s) => s === 429).length;
    expect(answered429).toBeGreaterThanOrEqual(10);
    const summary = sim.world.summary() as { throttled: { total: number; byBucket: Record<string, number> } };
    expect(summary.throttled.total).toBe(answered429);
    expect(summary.throttled.byBucket.fault).toBe(2);
    expect(summary.throttled.byBucket.aksGetManagedCluster).toBe(answered429 - 2);
    const counters = (await (await fetch(`${sim.url}/_sim/counters`)).json()) as { throttled: unknown };
    expect(counters.throttled).toEqual(summary.throttled);
  });

  it("keeps the most operations seen running at once per subscription-region", () => {
    const yaml = testFleetYaml().replace("        autoUpgradeProfile: { upgradeChannel: patch }\n", "");
    const world = new World(parseFleetYaml(yaml), virtualClock({ virtualStart: START, speed: 1 }));
    const [alpha, beta] = world.clusters;
    world.operations.startUpgrade(alpha!, "1.30.5", new Map([["system", "1.30.5"]]));
    world.operations.startUpgrade(beta!, "1.30.5", new Map([["system", "1.30.5"]]));
    world.operations.abort(alpha!);
    world.operations.startNodeImageUpgrade(alpha!, alpha!.pools[0]!);
    const summary = world.summary() as { peakInFlight: Record<string, number> };
    expect(summary.peakInFlight).toEqual({ [`${SUB}/westeurope`]: 2 });
    // A saved world keeps the peak and counts its running operations again.
    const again = new World(parseFleetYaml(yaml), virtualClock({ virtualStart: START, speed: 1 }));
    restoreWorld(again, snapshotWorld(world));
    expect(again.records.peakInFlight.get(`${SUB}/westeurope`)).toBe(2);
    again.operations.abort(again.clusters[0]!);
    again.operations.abort(again.clusters[1]!);
    again.operations.startUpgrade(again.clusters[0]!, "1.31.2", new Map());
    expect(again.records.peakInFlight.get(`${SUB}/westeurope`)).toBe(2);
    world.stop();
    again.stop();
  });
});
