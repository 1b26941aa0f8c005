import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  rolloutClusters,
  rolloutReaches,
  startStack,
  type RolloutView,
  type Stack,
} from "../helpers/stack.js";
import { fleetYaml, insideWindow, policyYaml, RING_OF } from "./fixtures.js";

/**
 * Journeys of issue 9 where the cloud or the host misbehaves: the host is down across dev's whole window
 * (its timers fire late on restart), a PUT fails with 500s before AKS takes it, and the fleet cannot be
 * listed at all. Nothing is written outside a window, a retry writes the target, and on-call hears why.
 */
const ID = "rollout:e2e:kubernetes:1.30.5";
// Released at 10:00 on the 23rd, so dev's first window is the 24th's 02:00–08:00 and the host can be
// killed well before it (the host takes a few real seconds to start, hours of simulated time).
const RELEASE_AT_TEN = `  kubernetes:
    - { version: 1.30.5, regions: [westeurope, northeurope], at: "2026-11-23T10:00:00Z" }
  nodeImages: []`;
const DEV_OPENS = Date.parse("2026-11-24T02:00:00Z");
const DEV_CLOSES = Date.parse("2026-11-24T08:00:00Z");
const mails = (stack: Stack) =>
  stack
    .emails()
    .map((e) => `${e.subject}\n${e.text}`)
    .join("\n---\n");

describe("e2e: the host is down across dev's window", () => {
  let stack: Stack;
  let missedNote = "";
  let devDone: RolloutView;

  beforeAll(async () => {
    // Half the usual speed: after the restart, dev-1's missed-window note shows in its status only until
    // the next window opens (about 17 simulated hours), and a slow host boot must not eat that margin.
    stack = await startStack({
      speed: 4000,
      fleetYaml: fleetYaml({ speed: 4000, releases: RELEASE_AT_TEN }),
      policyYaml: policyYaml(),
    });
    // The rollout is under way and dev's clusters wait for the 02:00 window; then the host dies.
    await rolloutReaches(stack, ID, (r) => r.state === "running" && r.ring === "dev", "ring dev", 60_000);
    expect(stack.clock.now()).toBeLessThan(DEV_OPENS);
    await stack.crashAndRestart(DEV_CLOSES + 30 * 60_000 + 1);
    // Back after the window closed: the late timers must not write; the clusters wait for the next window.
    missedNote = await stack.until(
      "dev-1 to report its missed window",
      async () => {
        // The cluster's own workflow status, as the API pages dev's clusters.
        const dev = await rolloutClusters(stack, ID, "ring=dev");
        return dev.find((c) => c.name === "dev-1")?.live?.missedWindow;
      },
      60_000,
    );
    devDone = await rolloutReaches(
      stack,
      ID,
      (r) => r.rings.find((x) => x.name === "dev")?.status === "succeeded",
      "dev done",
      90_000,
    );
  }, 240_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it("writes nothing outside the window: dev is upgraded in the next day's window", () => {
    const dev = stack.operations().filter((o) => RING_OF[o.cluster] === "dev");
    expect(dev.length).toBeGreaterThan(0);
    for (const o of dev) {
      expect(insideWindow("dev", o.start, o.end!)).toBe(true);
      expect(o.start >= "2026-11-25T02:00:00").toBe(true);
    }
    expect(devDone.rings.find((r) => r.name === "dev")!.clusters["dev-1"]!.status).toBe("succeeded");
  });

  it("tells the rollout status and on-call why, and when the next window is", () => {
    expect(missedNote).toMatch(
      /dev-1 missed its window 2026-11-24 02:00–08:00Z because .*after the window closed.*; next window 2026-11-25 02:00–08:00Z/,
    );
    expect(mails(stack)).toMatch(/dev-1 missed its window 2026-11-24 02:00–08:00Z because/);
  });
});

describe("e2e: a PUT fails with 500s before AKS takes it", () => {
  let stack: Stack;
  let devDone: RolloutView;

  beforeAll(async () => {
    stack = await startStack({
      speed: 8000,
      // Eight 500s outlast the SDK's own three retries of both dev clusters' PUTs (they start together):
      // their first attempts fail, and the retries must write.
      fleetYaml: fleetYaml({
        speed: 8000,
        faults: "  - { api: managedClusters.createOrUpdate, status: 500, times: 8 }",
      }),
      policyYaml: policyYaml(),
    });
    devDone = await rolloutReaches(
      stack,
      ID,
      (r) => ["succeeded", "halted"].includes(r.rings.find((x) => x.name === "dev")?.status ?? ""),
      "dev finished",
      120_000,
    );
  }, 240_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it("retries with the target, so the cluster is upgraded instead of failing verification", () => {
    const dev = devDone.rings.find((r) => r.name === "dev")!;
    expect(dev.status).toBe("succeeded");
    for (const name of ["dev-1", "dev-2"]) {
      expect(dev.clusters[name]!.status).toBe("succeeded");
      expect(stack.sim.world.clusters.find((c) => c.name === name)!.currentKubernetesVersion).toBe("1.30.5");
    }
    const puts = stack.sim.world.records.audit.filter((a) => a.what === "PUT managedClusters.createOrUpdate");
    expect(puts.filter((a) => a.detail?.status === 500)).toHaveLength(8);
    expect(JSON.stringify(devDone)).not.toContain("VerificationFailed");
  });
});

describe("e2e: the fleet cannot be listed (429 on every try)", () => {
  let stack: Stack;
  let ended: RolloutView;

  beforeAll(async () => {
    stack = await startStack({
      speed: 8000,
      fleetYaml: fleetYaml({
        speed: 8000,
        // Resource Graph first, then ARM list as the fallback: both throttle on every try.
        faults:
          "  - { api: resourceGraph.resources, status: 429, times: 500 }\n  - { api: managedClusters.list, status: 429, times: 500 }",
      }),
      policyYaml: policyYaml(),
    });
    ended = await rolloutReaches(stack, ID, (r) => r.runtimeStatus === "Completed", "ended", 120_000);
    await stack.until("the failure email", () =>
      stack.emails().some((e) => /failed before it started/.test(e.subject)) ? true : undefined,
    );
  }, 240_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it("ends failed with the cause in its status, and emails on-call that cause (no stack trace)", () => {
    expect(ended.output).toMatchObject({ outcome: "failed" });
    expect(ended.phase).toMatch(
      /^failed: could not prepare the rollout: managedClusters\.list in subscription .* failed: ARM kept answering 429/,
    );
    const mail = stack.emails().find((e) => /failed before it started/.test(e.subject))!;
    expect(mail.text).toMatch(/managedClusters\.list/);
    expect(mail.text).not.toMatch(/\n\s+at /);
    expect(stack.operations()).toEqual([]);
  });
});
