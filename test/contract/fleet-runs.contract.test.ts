import { afterEach, describe, expect, it } from "vitest";
import type { DiscreteClock } from "../../src/clock/discrete.js";
import { startSimulator, SUB, testFleetYaml, type SimHarness } from "../helpers/simulator.js";

/**
 * The simulated Fleet Manager as the Fleet executor drives it, through the real adapter (the fleets SDK and
 * GA REST) over HTTP on the discrete clock: Fleet's validation of strategies, member groups, `maxConcurrency`,
 * member windows polled every 60 minutes in Fleet's order, and Consistent node images.
 */
const FLEET = `fleets:
  - { subscription: ${SUB}, resourceGroup: rg-fleet, name: hub, members: [ { cluster: alpha }, { cluster: beta } ] }`;
const REF = { subscriptionId: SUB, resourceGroup: "rg-fleet", name: "hub" };
const IMAGE = "AKSUbuntu-2204gen2containerd-202611.17.0";

describe("contract: Fleet update runs as the Fleet executor writes them", () => {
  let h: SimHarness | undefined;
  afterEach(async () => {
    await h?.stop();
    h = undefined;
  });

  it("refuses strategies Fleet refuses, naming the field", async () => {
    h = await startSimulator(testFleetYaml(FLEET));
    const fleet = h.adapters().fleet;
    const run = (stages: unknown[]) =>
      fleet.putRun(REF, "bad", {
        strategy: { stages },
        managedClusterUpdate: { upgrade: { type: "Full", kubernetesVersion: "1.30.5" } },
      });
    await expect(run([{ name: "Dev_1", groups: [{ name: "g" }] }])).rejects.toMatchObject({
      statusCode: 400,
      message: expect.stringContaining("stages[0].name"),
    });
    await expect(run([{ name: "dev", groups: [{ name: "g", maxConcurrency: "0" }] }])).rejects.toMatchObject({
      message: expect.stringContaining("groups[0].maxConcurrency"),
    });
    await expect(
      run([{ name: "dev", groups: [{ name: "g", maxConcurrency: "101%" }] }]),
    ).rejects.toMatchObject({
      message: expect.stringContaining("maxConcurrency"),
    });
    await expect(
      run([{ name: "dev", beforeGates: [{ type: "Timer" }], groups: [{ name: "g" }] }]),
    ).rejects.toMatchObject({
      message: expect.stringContaining("beforeGates[0].type"),
    });
    await expect(
      run([
        { name: "a", groups: [{ name: "g1" }] },
        { name: "a", groups: [{ name: "g2" }] },
      ]),
    ).rejects.toMatchObject({
      message: expect.stringContaining("used twice"),
    });
    await expect(fleet.setMemberGroup(REF, "alpha", "Not Valid")).rejects.toMatchObject({ statusCode: 400 });
  });

  it("honours member windows at Fleet's hourly polls, no-window members first, maxConcurrency at a time", async () => {
    h = await startSimulator(testFleetYaml(FLEET));
    const clock = h.clock as DiscreteClock;
    const fleet = h.adapters().fleet;
    // alpha's window opens at 02:30 (closed now, opening within 4 h); beta has none.
    h.sim.world.clusters
      .find((c) => c.name === "alpha")!
      .maintenanceConfigs.set("aksManagedAutoUpgradeSchedule", {
        maintenanceWindow: {
          schedule: { daily: { intervalDays: 1 } },
          startTime: "02:30",
          durationHours: 4,
          utcOffset: "+00:00",
        },
      });
    for (const m of ["alpha", "beta"]) await fleet.setMemberGroup(REF, m, "dev-westeurope");
    expect((await fleet.members(REF)).map((m) => m.group)).toEqual(["dev-westeurope", "dev-westeurope"]);
    await fleet.putRun(REF, "run-1", {
      strategy: { stages: [{ name: "dev", groups: [{ name: "dev-westeurope", maxConcurrency: "1" }] }] },
      managedClusterUpdate: { upgrade: { type: "Full", kubernetesVersion: "1.30.5" } },
    });
    const started = clock.now();
    await fleet.start(REF, "run-1");
    const pending = await clock.until("alpha pending", async () => {
      const members = (await fleet.runStatus(REF, "run-1"))?.stages?.[0]?.groups?.[0]?.members ?? [];
      return members.find((m) => m.name === "alpha")?.status?.state === "Pending" ? members : undefined;
    });
    expect(pending.find((m) => m.name === "beta")?.status?.state).toBe("Running");
    await clock.until("run completed", async () =>
      (await fleet.runStatus(REF, "run-1"))?.status?.state === "Completed" ? true : undefined,
    );
    const ops = h.sim.world.records.operations;
    const start = (c: string) =>
      Math.min(...ops.filter((o) => o.cluster === c).map((o) => Date.parse(o.start)));
    const end = (c: string) => Math.max(...ops.filter((o) => o.cluster === c).map((o) => Date.parse(o.end!)));
    // beta at once (no window beats a closed one); alpha not before its window, at Fleet's first poll after.
    expect(start("beta") - started).toBeLessThan(60_000);
    const opens = Date.parse("2026-11-23T02:30:00Z");
    expect(start("alpha")).toBeGreaterThanOrEqual(opens);
    expect(start("alpha") - opens).toBeLessThanOrEqual(60 * 60_000);
    expect(start("alpha")).toBeGreaterThanOrEqual(end("beta")); // maxConcurrency "1"
  });

  it("a Consistent node-image run selects one image per family and every member gets it", async () => {
    h = await startSimulator(testFleetYaml(FLEET));
    const clock = h.clock as DiscreteClock;
    const fleet = h.adapters().fleet;
    for (const m of ["alpha", "beta"]) await fleet.setMemberGroup(REF, m, "all");
    await fleet.putRun(REF, "images", {
      strategy: { stages: [{ name: "all", groups: [{ name: "all", maxConcurrency: "100%" }] }] },
      managedClusterUpdate: {
        upgrade: { type: "NodeImageOnly" },
        nodeImageSelection: { type: "Consistent" },
      },
    });
    await fleet.start(REF, "images");
    const done = await clock.until("images done", async () => {
      const s = await fleet.runStatus(REF, "images");
      return s?.status?.state === "Completed" ? s : undefined;
    });
    expect(done.nodeImageSelection?.selectedNodeImageVersions).toEqual([{ version: IMAGE }]);
    for (const c of h.sim.world.clusters)
      for (const p of c.pools) expect(p.nodeImageVersion, `${c.name}/${p.name}`).toBe(IMAGE);
  });
});
