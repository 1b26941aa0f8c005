import { describe, expect, it } from "vitest";
import type { CostAnomaly, CostCheckResult } from "../../../src/contracts/cost-anomalies.js";
import { costAnomalyCheckWorkflow } from "../../../src/workflows/cost-anomaly-check.js";
import { runOrchestration, type Scenario } from "../../helpers/orchestration-driver.js";

/**
 * The daily check's orchestration (workflows/cost-anomaly-check.ts) over a scripted activity: it asks
 * again, hourly, only for the subscriptions whose rows had not landed, queues what it found, and gives up
 * at its deadline with a bounded history.
 */
const HOUR = 3_600_000;
const T0 = Date.parse("2026-11-24T10:00:00Z");
const DAY_END = Date.parse("2026-11-24T00:00:00Z");
const input = { policy: "p", day: "2026-11-23", retryUntilMs: DAY_END + 72 * HOUR, retryEveryMs: HOUR };

const anomaly = (name: string): CostAnomaly => ({
  clusterId: `/subscriptions/b/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/${name}`,
  name,
  day: "2026-11-23",
  amount: 50,
  currency: "USD",
  expected: 20,
  low: 16,
  high: 24,
  historyDays: 28,
  grown: [],
  operations: [],
});

const result = (over: Partial<CostCheckResult>): CostCheckResult => ({
  day: "2026-11-23",
  checked: 0,
  insufficient: 0,
  pending: [],
  rows: 0,
  pages: 1,
  anomalies: [],
  more: 0,
  ...over,
});

function scenario(landsAt: number) {
  const calls: { name: string; input: unknown; now: number }[] = [];
  const s: Scenario = {
    activity(_id, name, activityInput, now) {
      calls.push({ name, input: activityInput, now });
      if (name === "queueCostAnomalies") return { queued: 1 };
      const subs = (activityInput as { subscriptions?: string[] }).subscriptions ?? ["a", "b"];
      // Subscription a's rows are there at once; b's land at `landsAt`.
      const landed = now >= landsAt;
      return result({
        checked: (subs.includes("a") ? 10 : 0) + (landed && subs.includes("b") ? 5 : 0),
        pending: landed ? [] : subs.filter((x) => x === "b"),
        anomalies: landed && subs.includes("b") ? [anomaly("b-1")] : [],
      });
    },
    nextEvent: () => undefined,
  };
  return { s, calls };
}

describe("cost-anomaly check orchestration", () => {
  it("asks hourly for the subscription whose rows are late, then queues its anomaly once", () => {
    const { s, calls } = scenario(T0 + 3 * HOUR);
    const m = runOrchestration(costAnomalyCheckWorkflow, "cost-check:p:2026-11-23", input, s, { now: T0 });
    const finds = calls.filter((c) => c.name === "findCostAnomalies");
    expect(finds.map((c) => [c.now - T0, c.input])).toEqual([
      [0, { day: "2026-11-23" }],
      [HOUR, { day: "2026-11-23", subscriptions: ["b"] }],
      [2 * HOUR, { day: "2026-11-23", subscriptions: ["b"] }],
      [3 * HOUR, { day: "2026-11-23", subscriptions: ["b"] }],
    ]);
    const queued = calls.filter((c) => c.name === "queueCostAnomalies");
    expect(queued).toHaveLength(1);
    expect((queued[0]!.input as { anomalies: CostAnomaly[] }).anomalies.map((a) => a.name)).toEqual(["b-1"]);
    expect(m.output).toEqual({
      day: "2026-11-23",
      checked: 15,
      insufficient: 0,
      anomalies: 1,
      tries: 4,
      notLanded: [],
    });
  });

  it("gives up 72 h after the day with the subscription named, its history bounded", () => {
    const { s, calls } = scenario(Number.POSITIVE_INFINITY);
    const m = runOrchestration(costAnomalyCheckWorkflow, "cost-check:p:2026-11-23", input, s, { now: T0 });
    const finds = calls.filter((c) => c.name === "findCostAnomalies");
    expect(finds.at(-1)!.now).toBeLessThanOrEqual(input.retryUntilMs);
    expect(finds).toHaveLength(63); // 10:00 the day after, then hourly until 72 h after the day ended
    expect(m.output).toMatchObject({ notLanded: ["b"], tries: 63 });
    // About eight history events a try (activity, timer, episodes): a few hundred, replayed in milliseconds.
    expect(m.maxHistory).toBeLessThan(520);
    expect(calls.some((c) => c.name === "queueCostAnomalies")).toBe(false);
  });
});
