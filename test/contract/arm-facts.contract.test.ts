import { afterEach, describe, expect, it } from "vitest";
import { armFacts } from "../../src/app/arm-facts.js";
import { clusterIdOf, startSimulator, SUB, testFleetYaml, type SimHarness } from "../helpers/simulator.js";

/**
 * Verification's ARM reads through the real adapters against the simulator: a missing resource is an
 * answer (undefined), a region's versions are read once per batch, a Fleet gate is read by its id.
 */
const FLEET = `fleets:
  - { subscription: ${SUB}, resourceGroup: rg-fleet, name: hub, members: [ { cluster: alpha, group: dev }, { cluster: beta, group: prod } ] }
`;
const FOREIGN = "99999999-9999-9999-9999-999999999999";

const versionReads = (h: SimHarness) =>
  h.sim.world.records.audit.filter((a) => a.kind === "request" && /listKubernetesVersions/i.test(a.what))
    .length;

describe("Contract: verification facts over the adapters", () => {
  let h: SimHarness;
  afterEach(async () => h?.stop());

  it("reads a cluster, says undefined for one ARM does not have, and knows the managed subscriptions", async () => {
    h = await startSimulator();
    const facts = armFacts(h.adapters(), [SUB]);
    await expect(facts.cluster(clusterIdOf("rg", "alpha"))).resolves.toEqual({
      id: clusterIdOf("rg", "alpha"),
      location: "westeurope",
      kubernetesVersion: "1.30.4",
    });
    await expect(facts.cluster(clusterIdOf("rg", "ghost"))).resolves.toBeUndefined();
    expect(facts.isManagedSubscription(SUB.toUpperCase())).toBe(true);
    expect(facts.isManagedSubscription(FOREIGN)).toBe(false);
    await expect(facts.managedRegions()).resolves.toEqual([{ subscriptionId: SUB, location: "westeurope" }]);
  });

  it("reads the versions a region offers once per batch, and offers no absurd version", async () => {
    h = await startSimulator();
    const facts = armFacts(h.adapters(), [SUB]);
    const offered = await facts.offeredVersions(SUB, "westeurope");
    expect(offered).toEqual(expect.arrayContaining(["1.30.4", "1.30.5", "1.31.2"]));
    expect(offered).not.toContain("1.30.100000000000000000000");
    await facts.offeredVersions(SUB, "westeurope");
    expect(versionReads(h)).toBe(1);
  });

  it("reads a Fleet gate by id, and says undefined for a gate Fleet does not have", async () => {
    h = await startSimulator(testFleetYaml(FLEET));
    const adapters = h.adapters();
    const ref = { subscriptionId: SUB, resourceGroup: "rg-fleet", name: "hub" };
    await adapters.fleet.createRun(ref, "patch-1", { type: "Full", kubernetesVersion: "1.30.5" }, [
      { name: "dev", groups: ["dev"] },
      { name: "prod", groups: ["prod"], approvalBefore: "prod sign-off" },
    ]);
    await adapters.fleet.start(ref, "patch-1");
    let pending: { id: string } | undefined;
    for (let i = 0; i < 200 && !pending; i++) {
      pending = (await adapters.fleet.gates(ref)).find((g) => g.state === "Pending");
      if (!pending) await new Promise((r) => setTimeout(r, 20));
    }
    const facts = armFacts(adapters, [SUB]);
    await expect(facts.gate(pending!.id)).resolves.toMatchObject({
      id: pending!.id,
      state: "Pending",
      displayName: "prod sign-off",
      stage: "prod",
      runName: "patch-1",
    });
    const hub = pending!.id.slice(0, pending!.id.indexOf("/gates/"));
    await expect(facts.gate(`${hub}/gates/forged`)).resolves.toBeUndefined();
  });
});
