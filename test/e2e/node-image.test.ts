import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rolloutReaches, startStack, type RolloutView, type Stack } from "../helpers/stack.js";
import { fleetYaml, IMAGE_0, IMAGE_1, IMAGE_2, insideWindow, policyYaml, RING_OF } from "./fixtures.js";

/**
 * Journey D: AKS emits no event for node images, so the Monday 05:00 poll finds IMAGE_1 and starts a
 * node-image rollout. Dev qualifies IMAGE_1; then IMAGE_2 appears in westeurope only. Staging is pinned to
 * IMAGE_1: stg-2 (northeurope, still offering IMAGE_1) gets it; stg-1 (westeurope, where AKS would now
 * install the unqualified IMAGE_2) is held and reported, never given an image dev did not soak.
 */
const FAMILY = IMAGE_1.slice(0, IMAGE_1.lastIndexOf("-"));

describe("e2e: a node-image refresh pins later rings to the image an earlier ring qualified", () => {
  let stack: Stack;
  let id = "";
  let view: RolloutView;

  beforeAll(async () => {
    // Half the usual speed: the Monday 05:00 poll comes five simulated hours after the clock starts, and
    // dev must finish inside that morning's window, before IMAGE_2 appears at 09:00, even on a slow boot.
    stack = await startStack({
      speed: 4000,
      fleetYaml: fleetYaml({
        speed: 4000,
        clusters: `      - name: stg-2
        resourceGroup: rg-stg
        location: northeurope
        kubernetesVersion: 1.30.4
        tags: { env: staging }
        nodePools: [{ name: system, mode: System, count: 2, nodeImageVersion: ${IMAGE_0} }]`,
        releases: `  kubernetes: []
  nodeImages:
    - { version: ${IMAGE_1}, regions: [westeurope, northeurope], at: "2026-11-23T01:00:00Z" }
    - { version: ${IMAGE_2}, regions: [westeurope], at: "2026-11-23T09:00:00Z" }`,
      }),
      policyYaml: policyYaml(),
    });
    id = await stack.until(
      "the node-image rollout",
      async () => {
        const list = await stack.api<{ rollouts: { id: string }[] }>("/api/rollouts");
        return list.body.rollouts.find((r) => r.id.startsWith("rollout:e2e:nodeImage:"))?.id;
      },
      90_000,
    );
    view = await rolloutReaches(
      stack,
      id,
      (r) => r.state === "waiting-approval" && r.ring === "prod",
      "staging done",
      90_000,
    );
  }, 240_000);

  afterAll(async () => {
    await stack?.stop();
  });

  const images = (name: string) =>
    stack.sim.world.clusters.find((c) => c.name === name)!.pools.map((p) => p.nodeImageVersion);

  it("is started by the Monday poll, named by its day", () => {
    expect(id).toBe("rollout:e2e:nodeImage:2026-11-23");
  });

  it("refreshes dev to the newest image, node-image operations only, inside the window", () => {
    expect(images("dev-1")).toEqual([IMAGE_1, IMAGE_1]);
    expect(images("dev-2")).toEqual([IMAGE_1]);
    const ops = stack.operations();
    expect(ops.length).toBeGreaterThan(0);
    expect(ops.every((o) => o.kind === "nodeImageUpgrade")).toBe(true);
    for (const o of ops)
      expect(insideWindow(RING_OF[o.cluster]!, o.start, o.end!), `${o.cluster}/${o.pool} ${o.start}`).toBe(
        true,
      );
    for (const c of stack.sim.world.clusters) expect(c.currentKubernetesVersion).toBe("1.30.4");
  });

  it("pins staging to what dev qualified", () => {
    expect(view.status?.pinnedImages).toEqual({ [FAMILY]: IMAGE_1 });
    expect(images("stg-2")).toEqual([IMAGE_1]);
    expect(
      stack
        .operations()
        .filter((o) => o.cluster === "stg-2")
        .map((o) => o.target),
    ).toEqual([IMAGE_1]);
    // stg-1's region moved on to IMAGE_2; AKS would install that, so the cluster is held and says why.
    expect(images("stg-1")).toEqual([IMAGE_0, IMAGE_0]);
    expect(stack.operations().some((o) => o.cluster === "stg-1")).toBe(false);
    const staging = view.rings.find((r) => r.name === "staging")!;
    expect(staging.clusters["stg-1"]).toMatchObject({ status: "skipped", code: "HeldAtQualifiedImage" });
    expect(staging.clusters["stg-1"]!.reason).toContain(IMAGE_2);
    expect(staging.clusters["stg-2"]!.status).toBe("succeeded");
  });
});
