import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clusterPuts, rolloutReaches, startStack, type Stack } from "../helpers/stack.js";
import { fleetYaml, policyYaml } from "./fixtures.js";

/**
 * Journey C: Event Grid delivers every event twice; the app is killed with SIGKILL while dev-1 is being
 * upgraded and started again on the same durable state; late events (the release news again, a stale
 * NodePoolRolling event) arrive after dev is done. Every cluster is still upgraded exactly once.
 */
const ID = "rollout:e2e:kubernetes:1.30.5";

describe("e2e: duplicates, a kill -9 mid-rollout and late events start nothing twice", () => {
  let stack: Stack;
  let killedDuring = "";

  beforeAll(async () => {
    stack = await startStack({
      speed: 8000,
      fleetYaml: fleetYaml({ speed: 8000, extra: "eventGrid: { duplicateRate: 1 }" }),
      policyYaml: policyYaml(),
    });
    const running = await stack.until(
      "an operation on dev-1 in progress",
      () => stack.operations().find((o) => o.cluster === "dev-1" && !o.end),
      90_000,
    );
    killedDuring = `${running.kind}${running.pool ? `/${running.pool}` : ""}`;
    await stack.crashAndRestart();
    await rolloutReaches(
      stack,
      ID,
      (r) =>
        r.rings.find((x) => x.name === "dev")?.status === "succeeded" &&
        r.state === "soaking" &&
        r.ring === "dev",
      "dev done",
      90_000,
    );

    // Late news: the same release again (a new event), and a stale NodePoolRolling event for dev-1.
    const dev1 = stack.sim.world.clusters.find((c) => c.name === "dev-1")!;
    stack.sim.world.emitClusterEvent(dev1, "Microsoft.ContainerService.NewKubernetesVersionAvailable", {
      latestSupportedKubernetesVersion: "1.30.5",
      latestStableKubernetesVersion: "1.30.5",
      lowestMinorKubernetesVersion: "1.30.5",
    });
    stack.sim.world.emitClusterEvent(dev1, "Microsoft.ContainerService.NodePoolRollingSucceeded", {
      nodePoolName: "apps",
    });
    await rolloutReaches(
      stack,
      ID,
      (r) => r.state === "waiting-approval" && r.ring === "prod",
      "waiting for prod approval",
      90_000,
    );
  }, 240_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it("killed the app while an upgrade was running", () => {
    expect(killedDuring).not.toBe("");
  });

  it("upgraded every cluster of dev and staging with exactly one PUT and one operation per step", () => {
    expect(Object.fromEntries(clusterPuts(stack))).toEqual({ "dev-1": 1, "dev-2": 1, "stg-1": 1 });
    const steps = (name: string) =>
      stack
        .operations()
        .filter((o) => o.cluster === name)
        .map((o) => `${o.kind}:${o.pool ?? ""}`);
    expect(steps("dev-1").sort()).toEqual(["controlPlaneUpgrade:", "poolUpgrade:apps", "poolUpgrade:system"]);
    expect(steps("stg-1").sort()).toEqual(["controlPlaneUpgrade:", "poolUpgrade:apps", "poolUpgrade:system"]);
    for (const name of ["dev-1", "dev-2", "stg-1"])
      expect(stack.sim.world.clusters.find((c) => c.name === name)!.currentKubernetesVersion).toBe("1.30.5");
  });

  it("received every event at least twice, and started one rollout", async () => {
    const accepted = new Map<string, number>();
    for (const d of stack.sim.world.events.delivered)
      if (d.status >= 200 && d.status <= 204) accepted.set(d.event.id, (accepted.get(d.event.id) ?? 0) + 1);
    expect(accepted.size).toBeGreaterThanOrEqual(5);
    expect([...accepted.values()].every((n) => n >= 2)).toBe(true);
    // The late events were taken (2xx) and changed nothing (one PUT each, above; one rollout, here).
    const late = stack.sim.world.events.delivered.filter(
      (d) => d.status >= 200 && d.status <= 204 && d.event.subject.endsWith("dev-1"),
    );
    expect(
      late.filter((d) => d.event.eventType.endsWith("NewKubernetesVersionAvailable")).length,
    ).toBeGreaterThanOrEqual(4);
    const list = await stack.api<{ rollouts: { id: string }[] }>("/api/rollouts");
    expect(list.body.rollouts.map((r) => r.id)).toEqual([ID]);
  });
});
