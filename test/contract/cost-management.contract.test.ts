import { afterEach, describe, expect, it } from "vitest";
import { clusterIdOf, startSimulator, SUB, testFleetYaml, type SimHarness } from "../helpers/simulator.js";

/**
 * The Cost Management adapter (src/azure/cost-management.ts), built by the composition root, against the
 * simulator's Query API (src/simulator/arm-cost.ts): pages linked by nextLink, UsageDate as yyyymmdd, rows
 * only for days whose usage has landed, and Cost Management's 429s, which carry only the
 * x-ms-ratelimit-microsoft.costmanagement-*-retry-after headers. The clock starts 2026-11-23T00:00Z.
 */
const queries = (h: SimHarness) => h.sim.world.records.counters.get("api:costManagement.query") ?? 0;
const MC = "/resourcegroups/mc_rg_alpha_westeurope/providers";

describe("Contract: Cost Management Query API, adapter vs simulator", () => {
  let h: SimHarness;
  afterEach(async () => h?.stop());

  it("follows nextLink across pages and reads yyyymmdd days, per resource of the node resource group", async () => {
    h = await startSimulator(
      testFleetYaml(`costs:
  perNodeHour: 0.5
  pageSize: 5
  spikes: [ { cluster: alpha, day: "2026-11-21", factor: 3, pools: [apps] } ]
`),
    );
    const rows = await h.adapters().cost.dailyCosts(SUB, "2026-11-15", "2026-11-21");
    // 7 days × (alpha: cluster, 2 scale sets, load balancer; beta: cluster, 1 scale set, load balancer).
    expect(rows).toHaveLength(49);
    expect(queries(h)).toBe(10);
    expect(new Set(rows.map((r) => r.day))).toEqual(
      new Set([
        "2026-11-15",
        "2026-11-16",
        "2026-11-17",
        "2026-11-18",
        "2026-11-19",
        "2026-11-20",
        "2026-11-21",
      ]),
    );
    const apps = rows.filter((r) =>
      r.resourceId.endsWith(`${MC}/microsoft.compute/virtualmachinescalesets/aks-apps-vmss`),
    );
    expect(apps.map((r) => [r.day, r.cost, r.currency]).slice(-2)).toEqual([
      ["2026-11-20", 3 * 0.5 * 24, "USD"],
      ["2026-11-21", 3 * 0.5 * 24 * 3, "USD"],
    ]);
    const own = rows.filter((r) => r.resourceId === clusterIdOf("rg", "alpha").toLowerCase());
    expect(own.map((r) => r.cost)).toEqual(Array(7).fill(2.4));
  });

  it("has no rows for a day until its usage has landed (8 h after the day ends)", async () => {
    h = await startSimulator(testFleetYaml(`costs: { dataLatencyHours: 8 }\n`));
    const days = async () =>
      new Set((await h.adapters().cost.dailyCosts(SUB, "2026-11-21", "2026-11-22")).map((r) => r.day));
    expect(await days()).toEqual(new Set(["2026-11-21"]));
    await h.clock.sleep(8 * 3_600_000);
    expect(await days()).toEqual(new Set(["2026-11-21", "2026-11-22"]));
  });

  it("waits as long as the x-ms-ratelimit retry-after headers say when Cost Management throttles", async () => {
    // One query a minute: every page after the first is throttled 60 s.
    h = await startSimulator(testFleetYaml(`costs: { pageSize: 10, queriesPerMinute: 1 }\n`));
    const start = h.clock.now();
    const rows = await h.adapters().cost.dailyCosts(SUB, "2026-11-15", "2026-11-21");
    expect(rows).toHaveLength(49);
    const throttled = h.sim.world.records.counters.get("throttled:costmanagement-qpu") ?? 0;
    expect(throttled).toBeGreaterThanOrEqual(4);
    // Five pages, four of them after a wait of the minute the header asked for (the backoff alone is 50 ms).
    expect(h.clock.now() - start).toBeGreaterThanOrEqual(4 * 60_000);
    const audit = h.sim.world.records.audit.filter((a) => a.what === "POST costManagement.query");
    expect(audit.filter((a) => a.detail?.status === 429)).toHaveLength(throttled);
  });

  it("refuses a query it does not serve, naming the field", async () => {
    h = await startSimulator();
    const res = await fetch(
      `${h.sim.url}/subscriptions/${SUB}/providers/Microsoft.CostManagement/query?api-version=2025-03-01`,
      {
        method: "POST",
        headers: { authorization: "Bearer test", "content-type": "application/json" },
        body: JSON.stringify({
          type: "ActualCost",
          timeframe: "MonthToDate",
          dataset: { granularity: "Monthly" },
        }),
      },
    );
    expect(res.status).toBe(400);
    expect(JSON.stringify(await res.json())).toMatch(/timeframe.*Custom/);
  });
});
