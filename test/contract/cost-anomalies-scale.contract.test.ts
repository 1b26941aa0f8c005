import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findCostAnomalies } from "../../src/activities/cost-anomalies.js";
import type { ActivityDeps } from "../../src/activities/deps.js";
import { parsePolicy } from "../../src/config/policy.js";
import { parseSettings } from "../../src/config/settings.js";
import type { CostCheckResult } from "../../src/contracts/cost-anomalies.js";
import { DEFAULT_ACS_KEY } from "../../src/simulator/acs-email.js";
import { generateFleet } from "../../src/simulator/fleet-generator.js";
import { invocationContext } from "../helpers/invocation.js";
import { startSimulator, type SimHarness } from "../helpers/simulator.js";

/**
 * The daily check at scale: clusters in 5 subscriptions, 29 days of rows per resource, against the
 * simulator's Query API. One query per subscription, paged; the activity's answer is the three spiked
 * clusters and nothing else; the durable store is asked only about those three (their operations).
 *
 * `npm test` runs 1,000 clusters (about 116,000 rows) in pages of 1,000 rows: as many pages as the size
 * Ringmaster is built for, so Cost Management's throttle (60 queries a minute) still makes the check wait.
 * `npm run bench scale-contracts` runs the same file at 5,000 clusters (about 580,000 rows) in pages of
 * 5,000 (SCALE_COST_CLUSTERS).
 */
const CLUSTERS = Number(process.env.SCALE_COST_CLUSTERS ?? 1000);
const SUBSCRIPTIONS = 5;
const PAGE_SIZE = CLUSTERS;

describe(`Contract: the cost-anomaly check at ${CLUSTERS} clusters`, () => {
  let h: SimHarness;
  let result: CostCheckResult;
  let described: string[];
  let realMs = 0;
  const fleet = generateFleet({
    clusters: CLUSTERS,
    subscriptions: SUBSCRIPTIONS,
    regions: "westeurope,eastus",
  });
  const names = fleet.subscriptions.flatMap((s) => s.clusters.map((c) => c.name));
  const spiked = [names[7]!, names[CLUSTERS / 2]!, names[CLUSTERS - 1]!];

  beforeAll(async () => {
    // The generated fleet as data: the same schema and checks as a fleet file, without 2 s of YAML.
    h = await startSimulator({
      ...fleet,
      costs: {
        noise: 0.04,
        pageSize: PAGE_SIZE,
        spikes: spiked.map((cluster, i) => ({ cluster, day: "2026-11-21", factor: 2 + i })),
      },
    });
    const adapters = h.adapters();
    const settings = parseSettings({
      RINGMASTER_MODE: "simulator",
      RINGMASTER_POLICY_FILE: "policy.yaml",
      RINGMASTER_SUBSCRIPTION_IDS: fleet.subscriptions.map((s) => s.id).join(","),
      RINGMASTER_ARM_ENDPOINT: h.sim.url,
      RINGMASTER_ACS_CONNECTION_STRING: `endpoint=${h.sim.url}/;accesskey=${DEFAULT_ACS_KEY}`,
    });
    const policy = parsePolicy({
      apiVersion: "ringmaster/v1",
      kind: "RolloutPolicy",
      metadata: { name: "scale" },
      spec: { rings: [{ name: "all", selector: { names: ["*"] } }] },
    });
    described = [];
    const deps: ActivityDeps = {
      adapters: () => adapters,
      policy: () => policy,
      settings: () => settings,
      durable: () => ({
        status: () => Promise.resolve(undefined),
        start: () => Promise.reject(new Error("not used")),
        raise: () => Promise.resolve(false),
        describe: (id) => {
          described.push(id);
          return Promise.resolve(undefined);
        },
      }),
      publicBaseUrl: () => "http://127.0.0.1:7071",
    };
    const started = Date.now();
    result = await findCostAnomalies(deps, { day: "2026-11-21" }, invocationContext());
    realMs = Date.now() - started;
  }, 300_000);

  afterAll(async () => h?.stop());

  it("finds exactly the spiked clusters, and answers only them", () => {
    expect(result.anomalies.map((a) => a.name).sort()).toEqual([...spiked].sort());
    expect(result.checked).toBe(CLUSTERS);
    expect(result.pending).toEqual([]);
    expect(described).toHaveLength(3);
    const bytes = JSON.stringify(result).length;
    expect(bytes).toBeLessThan(16_000);
    console.info(
      `cost check at ${CLUSTERS} clusters: ${result.rows} rows in ${result.pages} pages, ${h.sim.world.records.counters.get("api:costManagement.query") ?? 0} queries, answer ${bytes} bytes, ${realMs} ms real`,
    );
  });

  it("asks Cost Management one paged query per subscription", () => {
    const queries = h.sim.world.records.counters.get("api:costManagement.query") ?? 0;
    // Every request is a page, or a page asked again after Cost Management's throttle (60 a minute) said wait.
    const throttled = h.sim.world.records.counters.get("throttled:costmanagement-qpu") ?? 0;
    expect(queries).toBe(result.pages + throttled);
    // Full pages: each subscription's clusters × ~4.5 resources × 29 days, in pages of PAGE_SIZE rows.
    const perSubscription = CLUSTERS / SUBSCRIPTIONS;
    expect(result.pages).toBeLessThanOrEqual(
      SUBSCRIPTIONS * Math.ceil((perSubscription * 6 * 29) / PAGE_SIZE),
    );
    // As many pages as at 5,000 clusters, more than the throttle's 60 a minute: the waits are exercised.
    expect(throttled).toBeGreaterThan(0);
  });
});
