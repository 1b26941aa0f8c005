import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rollout, rolloutReaches, startStack, type Stack } from "../helpers/stack.js";
import { fleetYaml, policyYaml, RELEASED_BEFORE_START, SUB } from "./fixtures.js";

/**
 * Issue 9 through the real host and the simulator: forged and foreign events start nothing and touch no
 * foreign cluster; the control API takes only rollout ids and real targets; a canceled target can be
 * rolled out again — by an explicit API start, not by the next event.
 */
const ID = "rollout:e2e:kubernetes:1.30.5";
const FOREIGN = "99999999-9999-9999-9999-999999999999";
const clusterArmId = (sub: string, rg: string, name: string) =>
  `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.ContainerService/managedClusters/${name}`;

describe("e2e: nothing trusted blindly", () => {
  let stack: Stack;
  const post = (path: string, body?: unknown) =>
    stack.api(path, { method: "POST", ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const ids = async () =>
    (await stack.api<{ rollouts: { id: string }[] }>("/api/rollouts")).body.rollouts.map((r) => r.id);
  const event = (n: number, sub: string, eventType: string, data: Record<string, unknown>) => ({
    id: `forged-${n}`,
    topic: clusterArmId(sub, "rg-dev", "dev-1"),
    subject: "dev-1",
    eventType: `Microsoft.ContainerService.${eventType}`,
    eventTime: stack.now(),
    data,
    dataVersion: "1",
    metadataVersion: "1",
  });
  const version = (v: string) => ({
    lowestMinorKubernetesVersion: v,
    latestStableKubernetesVersion: v,
    latestSupportedKubernetesVersion: v,
  });

  beforeAll(async () => {
    stack = await startStack({
      speed: 4000,
      // 1.30.5 is offered from before the clock starts, without an event: the tests send the events.
      fleetYaml: fleetYaml({
        speed: 4000,
        releases: RELEASED_BEFORE_START,
      }),
      policyYaml: policyYaml(),
    });
  }, 60_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it("starts nothing for foreign subscriptions, absent versions or unoffered targets, and touches no foreign cluster", async () => {
    const res = await fetch(`${stack.host.url}/runtime/webhooks/eventgrid?functionName=aksEvents`, {
      method: "POST",
      headers: { "content-type": "application/json", "aeg-event-type": "Notification" },
      body: JSON.stringify([
        event(1, FOREIGN, "NewKubernetesVersionAvailable", version("1.30.5")),
        event(2, FOREIGN, "ClusterSupportEnded", { kubernetesVersion: "1.30.4" }),
        event(3, SUB, "NewKubernetesVersionAvailable", version("1.30.100000000000000000000")),
        event(4, SUB, "NewKubernetesVersionAvailable", version("1.31.2")),
      ]),
    });
    expect(res.status).toBe(202);
    expect(await ids()).toEqual([]);
    const foreign = stack.sim.world.records.audit.filter(
      (a) => a.kind === "request" && JSON.stringify(a.detail ?? {}).includes(FOREIGN),
    );
    expect(foreign).toEqual([]);
  });

  it("starts the rollout for a genuine event", async () => {
    const dev1 = stack.sim.world.clusters.find((c) => c.name === "dev-1")!;
    stack.sim.world.emitClusterEvent(
      dev1,
      "Microsoft.ContainerService.NewKubernetesVersionAvailable",
      version("1.30.5"),
    );
    await rolloutReaches(stack, ID, (r) => r.runtimeStatus === "Running", "running");
  });

  it("controls rollouts only: a cluster workflow, re-encoded and split ids are refused", async () => {
    const cluster = `cluster:${SUB}:rg-dev:dev-1`;
    const toCluster = await post(`/api/rollouts/${encodeURIComponent(cluster)}/cancel`);
    expect(toCluster.status).toBe(400);
    expect(String(toCluster.body.error)).toMatch(/is not a rollout id/);
    // `%253A` is decoded once by the host into `%3A`, which must not reach the instance as `:`.
    const twice = encodeURIComponent(encodeURIComponent(ID));
    expect((await post(`/api/rollouts/${twice}/cancel`)).status).toBe(400);
    expect((await post(`/api/rollouts/${encodeURIComponent(`${ID}?x`)}/pause`)).status).toBe(400);
    expect((await post(`/api/rollouts/${encodeURIComponent(ID)}/pause`, { by: "a b" })).status).toBe(400);
    expect((await rollout(stack, ID))?.runtimeStatus).toBe("Running");
  });

  it("starts by hand only a real target", async () => {
    const path = await post("/api/rollouts", { target: "../../etc" });
    expect(path.status).toBe(400);
    expect(String(path.body.error)).toMatch(/^target: /);
    const absent = await post("/api/rollouts", { target: "1.99.0" });
    expect(absent.status).toBe(422);
    expect(String(absent.body.error)).toMatch(/1\.99\.0 is not offered/);
    expect((await post("/api/rollouts", { target: "1.30.5" })).status).toBe(409);
  });

  it("after a cancel, the next event starts nothing; an explicit API start runs the next generation", async () => {
    expect((await post(`/api/rollouts/${encodeURIComponent(ID)}/cancel`, { by: "alice" })).status).toBe(202);
    await rolloutReaches(stack, ID, (r) => r.runtimeStatus === "Completed", "canceled");
    const dev1 = stack.sim.world.clusters.find((c) => c.name === "dev-1")!;
    stack.sim.world.emitClusterEvent(
      dev1,
      "Microsoft.ContainerService.NewKubernetesVersionAvailable",
      version("1.30.5"),
    );
    await stack.sim.world.events.drain();
    expect(await ids()).toEqual([ID]);
    const again = await post("/api/rollouts", { target: "1.30.5", by: "alice" });
    expect(again).toMatchObject({ status: 202, body: { id: `${ID}:g2`, generation: 2 } });
    // The new generation plans afresh and runs its rings (dev took the patch before the cancel).
    const g2 = await rolloutReaches(
      stack,
      `${ID}:g2`,
      (r) => r.rings.some((ring) => ring.status === "running" || ring.status === "succeeded"),
      "g2 running its rings",
    );
    expect(g2.rings.map((r) => r.name)).toEqual(["dev", "staging", "prod"]);
  }, 120_000);
});
