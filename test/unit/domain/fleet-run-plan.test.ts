import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  retrySelection,
  FLEET_NAME,
  FLEET_NAME_MAX,
  fleetName,
  fleetRunName,
  fleetRunPlan,
  parseRingmasterGateName,
  ringmasterGateName,
  validMaxConcurrency,
  type FleetPlanCluster,
  type FleetPlanRing,
} from "../../../src/domain/fleet-run-plan.js";

const ROLLOUT = "rollout:contoso-platform:kubernetes:1.31.2";
const validName = (n: string) => n.length >= 1 && n.length <= FLEET_NAME_MAX && FLEET_NAME.test(n);

const ringName = fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,39}$/);
const ringsArb = fc.uniqueArray(
  fc.record({
    name: ringName,
    cap: fc.integer({ min: 1, max: 50 }),
    soakMs: fc.integer({ min: 0, max: 7 * 86_400_000 }),
    approvalRequired: fc.boolean(),
    hasHealthGates: fc.boolean(),
  }),
  { minLength: 1, maxLength: 5, selector: (r) => r.name },
);
const subs = [
  "1a2b3c4d-0000-0000-0000-000000000001",
  "1a2b3c4d-0000-0000-0000-000000000002",
  "ffffeeee-1111",
];
const regions = ["westeurope", "northeurope", "eastus2", "Sweden Central"];

const scenario = ringsArb.chain((rings: FleetPlanRing[]) =>
  fc
    .array(
      fc.record({
        ring: fc.constantFrom(...rings.map((r) => r.name)),
        subscriptionId: fc.constantFrom(...subs),
        location: fc.constantFrom(...regions),
      }),
      { maxLength: 60 },
    )
    .map((rows) => ({
      rings,
      clusters: rows.map((r, i): FleetPlanCluster => ({
        ...r,
        name: `c-${i}`,
        clusterId: `/subscriptions/${r.subscriptionId}/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/c-${i}`,
      })),
    })),
);

describe("fleetRunPlan: a rollout as one Fleet update run", () => {
  it("puts stages in ring order, every cluster in exactly one group of its ring, caps within Fleet's rules", () => {
    fc.assert(
      fc.property(scenario, ({ rings, clusters }) => {
        const plan = fleetRunPlan(ROLLOUT, rings, clusters, fleetRunName(ROLLOUT, 1));
        const ringOrder = rings.map((r) => r.name);
        const stageRings = plan.stages.map((s) => s.ring);
        // In ring order, and only rings that have clusters.
        expect(stageRings).toEqual(ringOrder.filter((r) => clusters.some((c) => c.ring === r)));
        const groupNames = plan.stages.flatMap((s) => s.groups.map((g) => g.name));
        expect(new Set(groupNames).size).toBe(groupNames.length);
        for (const s of plan.stages) {
          expect(validName(s.name)).toBe(true);
          const ring = rings.find((r) => r.name === s.ring)!;
          for (const g of s.groups) {
            expect(validName(g.name)).toBe(true);
            expect(validMaxConcurrency(g.maxConcurrency)).toBe(true);
            expect(Number(g.maxConcurrency)).toBeLessThanOrEqual(ring.cap);
          }
        }
        // Every selected cluster in exactly one group, of its own ring's stage, one group per subscription-region.
        expect(plan.groupOf.size).toBe(clusters.length);
        for (const c of clusters) {
          const group = plan.groupOf.get(c.clusterId.toLowerCase())!;
          const stage = plan.stages.find((s) => s.groups.some((g) => g.name === group))!;
          expect(stage.ring).toBe(c.ring);
          const mates = clusters.filter((o) => plan.groupOf.get(o.clusterId.toLowerCase()) === group);
          expect(new Set(mates.map((m) => `${m.subscriptionId}|${m.location}`)).size).toBe(1);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("maps soak to the after-stage wait and approvals and health gates to gates, none after the last stage", () => {
    fc.assert(
      fc.property(scenario, ({ rings, clusters }) => {
        const plan = fleetRunPlan(ROLLOUT, rings, clusters, fleetRunName(ROLLOUT, 1));
        plan.stages.forEach((s, i) => {
          const ring = rings.find((r) => r.name === s.ring)!;
          const last = i === plan.stages.length - 1;
          expect(s.afterStageWaitInSeconds ?? 0).toBe(last ? 0 : Math.round(ring.soakMs / 1000));
          expect(s.beforeGates.length).toBe(ring.approvalRequired ? 1 : 0);
          expect(s.afterGates.length).toBe(!last && ring.hasHealthGates ? 1 : 0);
          for (const g of [...s.beforeGates, ...s.afterGates])
            expect(parseRingmasterGateName(g.displayName)).toMatchObject({
              ring: ring.name,
              rolloutId: ROLLOUT,
            });
        });
      }),
      { numRuns: 200 },
    );
  });

  it("makes any text a Fleet-valid name and keeps long names distinct", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 120 }), (t) => {
        expect(validName(fleetName(t))).toBe(true);
      }),
    );
    const long = "a".repeat(60);
    expect(fleetName(`${long}-1`)).not.toBe(fleetName(`${long}-2`));
    expect(validName(fleetRunName(ROLLOUT, 12))).toBe(true);
  });

  it("reads back the gate names it writes, and nothing else", () => {
    const name = ringmasterGateName("health", "staging", ROLLOUT);
    expect(parseRingmasterGateName(name)).toEqual({ kind: "health", ring: "staging", rolloutId: ROLLOUT });
    expect(parseRingmasterGateName("Approve prod")).toBeUndefined();
    expect(parseRingmasterGateName(undefined)).toBeUndefined();
  });

  it("accepts maxConcurrency as Fleet does", () => {
    for (const ok of ["1", "3", "25%", "100%"]) expect(validMaxConcurrency(ok)).toBe(true);
    for (const bad of ["0", "-1", "101%", "3.5", "", "0%", "abc"])
      expect(validMaxConcurrency(bad)).toBe(false);
  });
});

describe("retrySelection: what a retry run takes", () => {
  const c = (clusterId: string, ring: string, status: string) => ({ clusterId, ring, status });
  it("takes only failed or skipped members the plan still schedules, and keeps approval for rings never begun", () => {
    const clusters = [
      c("dev-failed", "dev", "scheduled"),
      c("dev-done", "dev", "scheduled"),
      c("dev-failed-now-excluded", "dev", "excluded"),
      c("prod-notstarted", "prod", "scheduled"),
      c("prod-pending", "prod", "scheduled"),
      c("prod-skipped", "prod", "scheduled"),
    ];
    const before = new Map([
      ["dev-failed", "Failed"],
      ["dev-done", "Completed"],
      ["dev-failed-now-excluded", "Failed"],
      ["prod-notstarted", "NotStarted"],
      ["prod-pending", "Pending"],
      ["prod-skipped", "Skipped"],
    ]);
    const { selected, unstartedRings } = retrySelection(clusters, before);
    expect(selected.map((s) => s.clusterId)).toEqual(["dev-failed", "prod-skipped"]);
    expect([...unstartedRings]).toEqual(["prod"]);
  });
});

describe("fleetRunPlan: group names are the run's own", () => {
  it("gives two runs (two rollouts, or two runs of one) disjoint, Fleet-valid group names for the same buckets", () => {
    const rings = [{ name: "prod", cap: 2, soakMs: 0, approvalRequired: false, hasHealthGates: false }];
    const clusters = [
      {
        clusterId:
          "/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/a",
        name: "a",
        subscriptionId: "11111111-1111-1111-1111-111111111111",
        location: "australiasoutheast",
        ring: "prod",
      },
    ];
    const names = (rollout: string, n: number) =>
      fleetRunPlan(rollout, rings, clusters, fleetRunName(rollout, n)).stages.flatMap((s) =>
        s.groups.map((g) => g.name),
      );
    const a = names("rollout:p:kubernetes:1.29.9", 1);
    const b = names("rollout:p:kubernetes:1.30.5", 1);
    const a2 = names("rollout:p:kubernetes:1.29.9", 2);
    for (const n of [...a, ...b, ...a2]) {
      expect(n).toMatch(FLEET_NAME);
      expect(n.length).toBeLessThanOrEqual(FLEET_NAME_MAX);
    }
    expect(new Set([...a, ...b, ...a2]).size).toBe(3);
  });
});
