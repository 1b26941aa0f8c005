import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { loadPolicyFile, type Policy } from "../../../src/config/policy.js";
import { freezeIntervals } from "../../../src/domain/freezes.js";
import { planRollout } from "../../../src/domain/planner.js";
import { effectiveRings, chooseWindowForTest } from "../../helpers/planner-access.js";
import { mustParseVersion, upgradeLevel } from "../../../src/domain/versions.js";
import { WEEK_DAYS } from "../../../src/domain/window-spec.js";
import { allowedWindows } from "../../../src/domain/windows.js";
import { cluster } from "../../helpers/inventory.js";

const base = loadPolicyFile("examples/policy.yaml");
const DAY = 86_400_000;
const T0 = Date.parse("2026-11-01T00:00:00Z");

const ownWindow = fc.option(
  fc.record({
    dayOfWeek: fc.constantFrom(...WEEK_DAYS),
    hour: fc.integer({ min: 0, max: 23 }),
    duration: fc.integer({ min: 4, max: 12 }),
    offset: fc.constantFrom("+00:00", "+01:00", "-05:00", "+05:30"),
  }),
  { nil: undefined },
);

const clusterArb = fc.record({
  env: fc.constantFrom("dev", "staging", "prod", "qa"),
  minor: fc.integer({ min: 28, max: 32 }),
  patch: fc.integer({ min: 0, max: 9 }),
  sub: fc.constantFrom("11111111-1111-1111-1111-111111111111", "22222222-2222-2222-2222-222222222222"),
  location: fc.constantFrom("westeurope", "eastus"),
  nodes: fc.integer({ min: 1, max: 30 }),
  own: ownWindow,
});

const policyArb = fc.record({
  manageWindows: fc.boolean(),
  soakHours: fc.integer({ min: 0, max: 72 }),
  cap: fc.integer({ min: 1, max: 3 }),
  freezeStartDay: fc.integer({ min: 0, max: 60 }),
  freezeDays: fc.integer({ min: 0, max: 10 }),
});

function buildPolicy(p: {
  manageWindows: boolean;
  soakHours: number;
  cap: number;
  freezeStartDay: number;
  freezeDays: number;
}): Policy {
  const start = new Date(T0 + p.freezeStartDay * DAY).toISOString().slice(0, 16);
  const end = new Date(T0 + (p.freezeStartDay + p.freezeDays) * DAY + 3_600_000).toISOString().slice(0, 16);
  return {
    ...base,
    spec: {
      ...base.spec,
      manageWindows: p.manageWindows,
      freezes: [{ name: "f", timeZone: "Europe/Berlin", start, end }],
      rings: base.spec.rings.map((r) => ({
        ...r,
        soak: { iso: `PT${p.soakHours}H`, ms: p.soakHours * 3_600_000 },
        maxConcurrentPerSubscriptionRegion: p.cap,
      })),
    },
  };
}

describe("Property: the planner", () => {
  it("never schedules outside the window, before the previous ring's soak, in a freeze, over the cap, or across a minor skip", () => {
    fc.assert(
      fc.property(
        fc.array(clusterArb, { minLength: 1, maxLength: 25 }),
        policyArb,
        fc.integer({ min: 0, max: 30 }),
        fc.integer({ min: 29, max: 31 }),
        (specs, pol, nowDay, targetMinor) => {
          const policy = buildPolicy(pol);
          const clusters = specs.map((s, i) =>
            cluster(`c${i}`, {
              tags: { env: s.env },
              kubernetesVersion: `1.${s.minor}.${s.patch}`,
              subscriptionId: s.sub,
              location: s.location,
              nodePools: [
                {
                  name: "p",
                  mode: "System",
                  count: s.nodes,
                  orchestratorVersion: `1.${s.minor}.${s.patch}`,
                  nodeImageVersion: "img-1",
                },
              ],
              windows: s.own
                ? {
                    autoUpgrade: {
                      kind: "window",
                      spec: {
                        schedule: { weekly: { dayOfWeek: s.own.dayOfWeek, intervalWeeks: 1 } },
                        startTime: `${String(s.own.hour).padStart(2, "0")}:00`,
                        durationHours: s.own.duration,
                        zone: `UTC${s.own.offset}`,
                      },
                    },
                  }
                : {},
            }),
          );
          const now = T0 + nowDay * DAY;
          const target = `1.${targetMinor}.5`;
          const plan = planRollout({
            policy,
            inventory: { clusters, availableVersions: {} },
            target: { kind: "kubernetes", version: target },
            now,
            horizonDays: 60,
          });
          const freezes = freezeIntervals(policy.spec.freezes);
          const rings = effectiveRings(policy);
          let soakFloor = now;
          for (const ring of plan.rings) {
            const scheduled = plan.clusters.filter((c) => c.ring === ring.name && c.status === "scheduled");
            for (const c of scheduled) {
              const start = Date.parse(c.predictedStart!);
              const end = Date.parse(c.predictedEnd!);
              expect(start).toBeGreaterThanOrEqual(soakFloor);
              expect(end - start).toBe(c.durationMinutes * 60_000);
              for (const f of freezes) expect(start < f.end && f.start < end).toBe(false);
              expect(upgradeLevel(mustParseVersion(c.currentVersion), mustParseVersion(c.target))).toMatch(
                /^(patch|minor)$/,
              );
              // The chosen window, recomputed from the cluster's window source, contains the whole upgrade.
              const inv = clusters.find((x) => x.id === c.clusterId)!;
              const src = chooseWindowForTest(inv, rings[ring.index]!, policy);
              expect(src).toBeDefined();
              const windows = allowedWindows(src!, start - 2 * DAY, end + 2 * DAY);
              expect(windows.some((w) => w.start <= start && end <= w.end)).toBe(true);
              const peers = scheduled.filter(
                (o) =>
                  o.subscriptionId === c.subscriptionId &&
                  o.location === c.location &&
                  Date.parse(o.predictedStart!) <= start &&
                  start < Date.parse(o.predictedEnd!),
              );
              expect(peers.length).toBeLessThanOrEqual(ring.maxConcurrentPerSubscriptionRegion);
            }
            if (ring.soakUntil) soakFloor = Math.max(soakFloor, Date.parse(ring.soakUntil));
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
