import { describe, expect, it } from "vitest";
import { readTestBreak, TEST_BREAK_FLAG } from "../../src/domain/test-break.js";
import { fleetYaml, policyYaml } from "./render.js";
import { parseFleetYaml } from "../../src/simulator/load-fleet.js";
import { parsePolicyYaml } from "../../src/config/policy.js";
import type { RunRecords } from "./execute.js";
import { judge } from "./oracle.js";
import { occurrences } from "./oracle-windows.js";
import { generateScenario, type ClusterSpec, type ScenarioSpec } from "./scenario.js";
import { smaller } from "./shrink.js";

/**
 * The safety net's own parts, without the stack: the oracle catches each kind of broken promise in
 * records written by hand (so a silent oracle cannot pass the randomized suite vacuously), its window
 * arithmetic reads AKS's shapes, the generator's files parse, the shrinker only shrinks, and the test-only
 * break switch refuses to run outside a test.
 */
const cluster = (name: string, ring: string, extra: Partial<ClusterSpec> = {}): ClusterSpec => ({
  name,
  subscription: 0,
  region: "westeurope",
  version: "1.30.4",
  ring,
  pools: [{ name: "system", mode: "System", count: 2, image: "img" }],
  ...extra,
});

/** Two rings with a daily 10:00–16:00 UTC window, a 1-hour soak, budget 0, cap 1; r2 needs approval. */
const base: ScenarioSpec = {
  seed: 0,
  spanHours: 48,
  subscriptions: 1,
  clusters: [cluster("a", "r1"), cluster("b", "r1"), cluster("c", "r2")],
  rings: [
    {
      name: "r1",
      window: {
        schedule: { daily: { intervalDays: 1 } },
        startTime: "10:00",
        durationHours: 6,
        timeZone: "UTC",
      },
      soak: "PT1H",
      failureBudget: 0,
      cap: 1,
    },
    {
      name: "r2",
      window: {
        schedule: { daily: { intervalDays: 1 } },
        startTime: "10:00",
        durationHours: 6,
        timeZone: "UTC",
      },
      soak: "PT1H",
      failureBudget: 0,
      cap: 1,
      approval: { timeout: "PT24H", onTimeout: "reject" },
    },
  ],
  manageWindows: false,
  versions: { patch: "auto", minor: "approval", deny: ["1.30.6"] },
  freezes: [{ name: "hold", timeZone: "UTC", start: "2026-10-20T13:00", end: "2026-10-20T14:00" }],
  kubernetes: [{ version: "1.30.5", regions: ["westeurope"], atMinute: 10 }],
  nodeImages: [],
  endOfSupport: [],
  faults: [],
  actions: [],
  estimates: { controlPlaneMinutes: 10, perNodeMinutes: 10 },
  email: { perMinute: 30, perHour: 100 },
};

let n = 0;
/** One Kubernetes upgrade (control plane, then the pool) as the simulator records it. */
function upgrade(
  c: string,
  start: string,
  minutes = 30,
  result: "Succeeded" | "Failed" = "Succeeded",
  target = "1.30.5",
) {
  const id = `op-${++n}`;
  const t0 = Date.parse(start);
  const mid = new Date(t0 + 10 * 60_000).toISOString();
  return [
    {
      id,
      cluster: c,
      pool: null,
      kind: "controlPlaneUpgrade" as const,
      target,
      start,
      end: mid,
      result: "Succeeded" as const,
    },
    {
      id,
      cluster: c,
      pool: "system",
      kind: "poolUpgrade" as const,
      target,
      start: mid,
      end: new Date(t0 + minutes * 60_000).toISOString(),
      result,
    },
  ];
}

const records = (ops: ReturnType<typeof upgrade>[], extra: Partial<RunRecords> = {}): RunRecords => ({
  operations: ops.flat(),
  emails: [],
  actions: [
    {
      time: "2026-10-19T09:00:00.000Z",
      kind: "approve",
      ring: "r2",
      rollout: "rollout:safety:kubernetes:1.30.5",
      status: 202,
    },
  ],
  emailRefusals: 0,
  end: "2026-10-21T00:00:00.000Z",
  rollouts: [],
  ...extra,
});
const rules = (s: ScenarioSpec, r: RunRecords) => [...new Set(judge(s, r).map((v) => v.rule))].sort();

describe("safety oracle", () => {
  it("passes a rollout that keeps every promise", () => {
    const ok = records([
      upgrade("a", "2026-10-19T10:00:00.000Z"),
      upgrade("b", "2026-10-19T10:30:00.000Z"),
      upgrade("c", "2026-10-19T12:00:00.000Z"),
    ]);
    expect(judge(base, ok)).toEqual([]);
  });

  it("catches an upgrade outside its window, one that does not fit, and one inside or into a freeze", () => {
    expect(rules(base, records([upgrade("a", "2026-10-19T09:00:00.000Z")]))).toEqual(["outside-window"]);
    expect(rules(base, records([upgrade("a", "2026-10-19T15:40:00.000Z")]))).toEqual(["does-not-fit"]);
    expect(rules(base, records([upgrade("a", "2026-10-20T13:10:00.000Z")]))).toEqual(["in-freeze"]);
    expect(rules(base, records([upgrade("a", "2026-10-20T12:40:00.000Z")]))).toEqual(["runs-into-freeze"]);
  });

  it("catches two upgrades at once on a cluster and a ring over its concurrency cap", () => {
    const twice = records([
      upgrade("a", "2026-10-19T10:00:00.000Z"),
      upgrade("a", "2026-10-19T10:15:00.000Z"),
    ]);
    expect(rules(base, twice)).toContain("two-at-once");
    const capped = records([
      upgrade("a", "2026-10-19T10:00:00.000Z"),
      upgrade("b", "2026-10-19T10:15:00.000Z"),
    ]);
    expect(rules(base, capped)).toEqual(["cap"]);
  });

  it("catches a ring before the previous ring's soak, after its budget, and without approval", () => {
    const early = records([
      upgrade("a", "2026-10-19T10:00:00.000Z"),
      upgrade("c", "2026-10-19T11:00:00.000Z"),
    ]);
    expect(rules(base, early)).toEqual(["before-soak"]);
    const spent = records([
      upgrade("a", "2026-10-19T10:00:00.000Z", 30, "Failed"),
      upgrade("c", "2026-10-19T12:00:00.000Z"),
    ]);
    expect(rules(base, spent)).toContain("after-budget");
    const unapproved = records(
      [upgrade("a", "2026-10-19T10:00:00.000Z"), upgrade("c", "2026-10-19T12:00:00.000Z")],
      {
        actions: [],
      },
    );
    expect(rules(base, unapproved)).toEqual(["no-approval"]);
    // An answer counts for the rollout it was given to: a rejection of the node-image rollout is not one of this.
    const otherRejected = records(
      [upgrade("a", "2026-10-19T10:00:00.000Z"), upgrade("c", "2026-10-19T12:00:00.000Z")],
      {
        actions: [
          {
            time: "2026-10-19T09:00:00.000Z",
            kind: "reject",
            ring: "r2",
            rollout: "rollout:safety:nodeImage:2026-10-19",
            status: 202,
          },
          {
            time: "2026-10-19T09:00:00.000Z",
            kind: "approve",
            ring: "r2",
            rollout: "rollout:safety:kubernetes:1.30.5",
            status: 202,
          },
        ],
      },
    );
    expect(judge(base, otherRejected)).toEqual([]);
  });

  it("catches a denied version, a skipped minor, a pool before its control plane, and a failure nobody was told of", () => {
    expect(
      rules(base, records([upgrade("a", "2026-10-19T10:00:00.000Z", 30, "Succeeded", "1.30.6")])),
    ).toEqual(["denied-version"]);
    expect(
      rules(base, records([upgrade("a", "2026-10-19T10:00:00.000Z", 30, "Succeeded", "1.32.1")])),
    ).toContain("minor-skipped");
    // A cluster a minor behind, carried across it by a patch rollout, with minors set to never or approval.
    const behind = { ...base, clusters: [cluster("a", "r1", { version: "1.29.9" })] };
    const across = records([upgrade("a", "2026-10-19T10:00:00.000Z")]);
    expect(rules({ ...behind, versions: { ...base.versions, minor: "never" } }, across)).toEqual([
      "minor-never",
    ]);
    expect(rules(behind, across)).toContain("minor-without-approval");
    const poolFirst = records([[upgrade("a", "2026-10-19T10:00:00.000Z", 30, "Succeeded", "1.31.1")[1]!]]);
    expect(rules(base, poolFirst)).toContain("pool-before-control-plane");
    const failed = records([upgrade("a", "2026-10-19T10:00:00.000Z", 30, "Failed")]);
    // The halt is owed once the ring is over: here b never upgraded, so only the failure is owed.
    expect(rules(base, failed)).toEqual(["failure-not-told"]);
    const solo = { ...base, clusters: [cluster("a", "r1"), cluster("c", "r2")] };
    expect(rules(solo, failed)).toEqual(["failure-not-told", "halt-not-told"]);
  });

  it("reads AKS's schedules: intervals from startDate, relative and absolute months, DST in named zones", () => {
    const day = (w: Parameters<typeof occurrences>[0]) =>
      occurrences(w, Date.parse("2026-10-19T00:00:00Z"), Date.parse("2026-11-30T00:00:00Z")).map((o) =>
        new Date(o.start).toISOString(),
      );
    const biweekly = day({
      schedule: { weekly: { intervalWeeks: 2, dayOfWeek: "Tuesday" } },
      startTime: "01:00",
      durationHours: 4,
      utcOffset: "+02:00",
      startDate: "2026-10-21",
    });
    // The first Tuesday on or after Wednesday 21 October is the 27th, then every second week.
    expect(biweekly).toEqual([
      "2026-10-26T23:00:00.000Z",
      "2026-11-09T23:00:00.000Z",
      "2026-11-23T23:00:00.000Z",
    ]);
    expect(
      day({
        schedule: { relativeMonthly: { intervalMonths: 1, weekIndex: "Last", dayOfWeek: "Friday" } },
        startTime: "00:00",
        durationHours: 4,
        timeZone: "UTC",
      }),
    ).toEqual(["2026-10-30T00:00:00.000Z", "2026-11-27T00:00:00.000Z"]);
    expect(
      day({
        schedule: { absoluteMonthly: { intervalMonths: 1, dayOfMonth: 31 } },
        startTime: "00:00",
        durationHours: 4,
        timeZone: "UTC",
      }),
    ).toEqual(["2026-10-31T00:00:00.000Z"]); // November has no 31st
    const berlin = day({
      schedule: { daily: { intervalDays: 1 } },
      startTime: "09:00",
      durationHours: 4,
      timeZone: "Europe/Berlin",
    });
    expect(berlin).toContain("2026-10-24T07:00:00.000Z"); // CEST
    expect(berlin).toContain("2026-10-25T08:00:00.000Z"); // CET after the change
  });

  it("generates scenarios whose files the schemas accept, and shrinks only to smaller ones", () => {
    for (let seed = 1; seed <= 15; seed++) {
      const s = generateScenario(seed);
      expect(() => parseFleetYaml(fleetYaml(s), "fleet.yaml")).not.toThrow();
      expect(() => parsePolicyYaml(policyYaml(s), "policy.yaml")).not.toThrow();
      expect(generateScenario(seed)).toEqual(s);
      for (const c of smaller(s))
        expect(
          c.spec.clusters.length +
            c.spec.faults.length +
            c.spec.actions.length +
            c.spec.rings.length +
            c.spec.spanHours +
            c.spec.freezes.length +
            c.spec.nodeImages.length +
            c.spec.kubernetes.length +
            c.spec.endOfSupport.length,
        ).toBeLessThan(
          s.clusters.length +
            s.faults.length +
            s.actions.length +
            s.rings.length +
            s.spanHours +
            s.freezes.length +
            s.nodeImages.length +
            s.kubernetes.length +
            s.endOfSupport.length,
        );
    }
  });

  it("refuses a deliberate break unless the test flag is set, and never in Azure mode", () => {
    expect(readTestBreak({})).toBeUndefined();
    expect(() => readTestBreak({ RINGMASTER_TEST_BREAK: "window" })).toThrow(/RINGMASTER_TEST_FLAG/);
    expect(() =>
      readTestBreak({
        RINGMASTER_TEST_BREAK: "soak",
        RINGMASTER_TEST_FLAG: TEST_BREAK_FLAG,
        RINGMASTER_MODE: "azure",
      }),
    ).toThrow(/never runs in Azure mode/);
    expect(() =>
      readTestBreak({ RINGMASTER_TEST_BREAK: "nope", RINGMASTER_TEST_FLAG: TEST_BREAK_FLAG }),
    ).toThrow(/expected one of/);
    expect(readTestBreak({ RINGMASTER_TEST_BREAK: "cap", RINGMASTER_TEST_FLAG: TEST_BREAK_FLAG })).toBe(
      "cap",
    );
  });
});
