import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rolloutReaches, startStack, type RolloutView, type Stack } from "../helpers/stack.js";
import { fleetYaml, insideWindow, policyYaml, RING_OF } from "./fixtures.js";

/**
 * Journey B: dev-2's only pool fails to drain on every attempt. Its retries stay inside the window, the
 * failure exhausts dev's budget (0), the rollout halts and on-call hears exactly what broke (cluster, pool,
 * AKS's code and message). Resumed through the API, staging proceeds; canceled before prod's approval, the
 * rollout ends and prod is untouched.
 */
const ID = "rollout:e2e:kubernetes:1.30.5";
const path = (action: string) => `/api/rollouts/${encodeURIComponent(ID)}/${action}`;

describe("e2e: a failure exhausts the budget, the rollout halts, then resumes", () => {
  let stack: Stack;
  let halted: RolloutView;
  let resumedAt = "";
  let canceled: RolloutView;

  beforeAll(async () => {
    stack = await startStack({
      speed: 8000,
      fleetYaml: fleetYaml({
        speed: 8000,
        faults: "  - { cluster: dev-2, pool: system, on: upgrade, error: PodDrainFailure, times: 10 }",
      }),
      policyYaml: policyYaml(),
    });
    halted = await rolloutReaches(stack, ID, (r) => r.state === "halted", "halted", 90_000);
    // Nothing moves while halted: no staging operation two simulated hours later.
    const haltedAt = Date.parse(stack.now());
    await stack.until("two simulated hours", () =>
      stack.clock.now() > haltedAt + 2 * 3_600_000 ? true : undefined,
    );
    expect(stack.operations().some((o) => RING_OF[o.cluster] !== "dev")).toBe(false);
    const resume = await stack.api(path("resume"), { method: "POST", body: JSON.stringify({ by: "bob" }) });
    expect(resume.status).toBe(202);
    resumedAt = stack.now();
    await rolloutReaches(
      stack,
      ID,
      (r) => r.state === "waiting-approval" && r.ring === "prod",
      "waiting for prod approval",
      90_000,
    );
    expect((await stack.api(path("cancel"), { method: "POST" })).status).toBe(202);
    canceled = await rolloutReaches(stack, ID, (r) => r.runtimeStatus === "Completed", "completed", 60_000);
  }, 240_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it("retries dev-2 inside its window, then fails it with AKS's error", () => {
    const attempts = stack.operations().filter((o) => o.cluster === "dev-2" && o.pool === "system");
    expect(attempts.length).toBe(3); // the first try and two retries (policy: attempts 2)
    expect(attempts.every((o) => o.result === "Failed" && o.error?.code === "PodDrainFailure")).toBe(true);
    for (const o of attempts) expect(insideWindow("dev", o.start, o.end!)).toBe(true);
    const dev = halted.rings.find((r) => r.name === "dev")!;
    expect(dev.status).toBe("halted");
    expect(dev.clusters["dev-2"]).toMatchObject({ status: "failed", code: "PodDrainFailure" });
    expect(dev.clusters["dev-1"]!.status).toBe("succeeded");
  });

  it("tells on-call what broke: cluster, pool, AKS code and message, and how to resume", () => {
    const mails = stack
      .emails()
      .map((e) => `${e.subject}\n${e.text}`)
      .join("\n---\n");
    expect(mails).toMatch(/Upgrade failed: dev-2 \(pool system\) — PodDrainFailure/);
    expect(mails).toMatch(/PodDrainFailure: Drain of node .* did not complete/);
    expect(mails).toMatch(
      /Rollout halted: Kubernetes 1\.30\.5 — 1 cluster\(s\) failed in ring dev, more than its failure budget of 0/,
    );
    expect(mails).toContain(`${path("resume")}`);
  });

  it("continues with staging only after the resume", () => {
    const staging = stack.operations().filter((o) => RING_OF[o.cluster] === "staging");
    expect(staging.length).toBeGreaterThan(0);
    expect(staging.every((o) => o.start > resumedAt && insideWindow("staging", o.start, o.end!))).toBe(true);
    expect(stack.sim.world.clusters.find((c) => c.name === "stg-1")!.currentKubernetesVersion).toBe("1.30.5");
  });

  it("cancels before prod: prod untouched, the rollout says so", () => {
    expect(canceled.output).toMatchObject({ outcome: "canceled" });
    expect(stack.operations().some((o) => RING_OF[o.cluster] === "prod")).toBe(false);
    for (const name of ["prod-1", "prod-2"])
      expect(stack.sim.world.clusters.find((c) => c.name === name)!.currentKubernetesVersion).toBe("1.30.4");
  });
});
