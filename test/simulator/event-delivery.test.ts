import { afterEach, describe, expect, it } from "vitest";
import { clusterIdOf, startSimulator, testFleetYaml, type SimHarness } from "../helpers/simulator.js";
import { notifications, startWebhook } from "../helpers/webhook.js";

// Six simulated hours after the clock starts (360 ms of wall time at 60,000x): a release due sooner can fall
// before a loaded machine finishes starting the simulator, and a past release is applied without an event.
const later = (yaml: string) =>
  yaml.replace(
    '- { version: 1.31.2, regions: [westeurope], at: "2026-11-01T00:00:00Z" }',
    '- { version: 1.31.2, regions: [westeurope], at: "2026-11-23T06:00:00Z" }',
  );
const until = async (check: () => boolean, ms = 30_000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe("Simulator: Event Grid delivery", () => {
  let h: SimHarness | undefined;
  let hook: Awaited<ReturnType<typeof startWebhook>> | undefined;
  afterEach(async () => {
    await h?.stop();
    await hook?.stop();
  });

  it("validates the subscription first, then delivers NewKubernetesVersionAvailable to every cluster in the region as arrays", async () => {
    hook = await startWebhook();
    h = await startSimulator(later(testFleetYaml()), { deliverTo: hook.url });
    await until(() => notifications(hook!.deliveries).length >= 2);
    expect(hook.deliveries[0]!.type).toBe("SubscriptionValidation");
    expect(
      hook.deliveries
        .filter((d) => d.type === "Notification")
        .every((d) => Array.isArray(d.body) && (d.body as unknown[]).length === 1),
    ).toBe(true);
    const events = notifications(hook.deliveries);
    expect(events.map((e) => e.subject).sort()).toEqual(["alpha", "beta"]);
    const alpha = events.find((e) => e.subject === "alpha")!;
    expect(alpha).toMatchObject({
      eventType: "Microsoft.ContainerService.NewKubernetesVersionAvailable",
      data: { latestSupportedKubernetesVersion: "1.31.2", lowestMinorKubernetesVersion: "1.30.5" },
    });
    const beta = events.find((e) => e.subject === "beta")!;
    expect(beta.data.lowestMinorKubernetesVersion).toBe("1.29.9");
  });

  it("retries a failing endpoint on Event Grid's schedule and dead-letters what can never succeed", async () => {
    hook = await startWebhook((_d, n) => (n <= 2 ? 503 : 200));
    h = await startSimulator(later(testFleetYaml()), { deliverTo: hook.url });
    await until(() => notifications(hook!.deliveries).length >= 4);
    const subjects = notifications(hook.deliveries).map((e) => e.id);
    expect(new Set(subjects).size).toBe(2);
    const record = (await (await fetch(`${h.sim.url}/_sim/events`)).json()) as {
      delivered: { attempt: number; status: number }[];
    };
    expect(record.delivered.some((d) => d.attempt === 2 && d.status === 200)).toBe(true);

    await h.stop();
    await hook.stop();
    hook = await startWebhook(() => 400);
    h = await startSimulator(later(testFleetYaml()), { deliverTo: hook.url });
    await until(() => notifications(hook!.deliveries).length >= 2);
    await new Promise((r) => setTimeout(r, 50));
    const dead = (await (await fetch(`${h.sim.url}/_sim/events`)).json()) as {
      deadLettered: { reason: string }[];
    };
    expect(dead.deadLettered.map((d) => d.reason)).toEqual(["HTTP 400", "HTTP 400"]);
  });

  it("duplicates or loses events when the fleet file says so, and raises NodePoolRolling* during upgrades", async () => {
    hook = await startWebhook();
    h = await startSimulator(
      later(
        testFleetYaml(
          "faults:\n  - { event: duplicate, eventType: NewKubernetesVersionAvailable, times: 1 }\n  - { event: lost, eventType: NewKubernetesVersionAvailable, times: 1 }\n",
        ),
      ),
      { deliverTo: hook.url },
    );
    await until(() => notifications(hook!.deliveries).length >= 2);
    await new Promise((r) => setTimeout(r, 100));
    const ids = notifications(hook.deliveries)
      .filter((e) => e.eventType.endsWith("NewKubernetesVersionAvailable"))
      .map((e) => e.id);
    expect(ids).toHaveLength(2);
    expect(new Set(ids).size).toBe(1);

    await h.aks.waitForOperation(await h.aks.beginNodeImageUpgrade(clusterIdOf("rg", "alpha"), "apps"));
    await until(() =>
      notifications(hook!.deliveries).some((e) => e.eventType.endsWith("NodePoolRollingSucceeded")),
    );
    expect(
      notifications(hook.deliveries)
        .filter((e) => e.eventType.includes("NodePoolRolling"))
        .map((e) => [e.eventType.split(".").pop(), e.data.nodePoolName]),
    ).toEqual([
      ["NodePoolRollingStarted", "apps"],
      ["NodePoolRollingSucceeded", "apps"],
    ]);
  });
});
