import { describe, expect, it } from "vitest";
import { readTestBreak, TEST_BREAK_FLAG } from "../../src/domain/test-break.js";
import { fleetYaml, policyYaml } from "./render.js";
import { parseFleetYaml } from "../../src/simulator/load-fleet.js";
import { parsePolicyYaml } from "../../src/config/policy.js";
import type { EmailRecord } from "../../src/simulator/records.js";
import type { ActionRecord } from "./execute.js";
import { approval, base, cluster, email, records, resume, rules, upgrade } from "./oracle-fixtures.js";
import { judge } from "./oracle.js";
import { assignmentOccurrences, occurrences } from "./oracle-windows.js";
import { features } from "./coverage.js";
import { generateScenario, type AlertSpec, type ClusterSpec, type ScenarioSpec } from "./scenario.js";
import { smaller } from "./shrink.js";

/**
 * The safety net's own parts, without the stack: the oracle catches each kind of broken promise in
 * records written by hand (so a silent oracle cannot pass the randomized suite vacuously), its window
 * arithmetic reads AKS's shapes, the generator's files parse, the shrinker only shrinks, and the test-only
 * break switch refuses to run outside a test.
 */
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
          approval("2026-10-19T09:00:00.000Z", "r2"),
        ],
      },
    );
    expect(judge(base, otherRejected)).toEqual([]);
  });

  it("counts a minor's approval given to a later generation of its rollout", () => {
    const behind = { ...base, clusters: [cluster("a", "r1", { version: "1.29.9" })] };
    // Safety seed 100775: the minor's first rollout was rejected, its second generation (:g2) approved.
    const g2 = records([upgrade("a", "2026-10-19T10:00:00.000Z")], {
      actions: [approval("2026-10-19T09:00:00.000Z", "rollout", "rollout:safety:kubernetes:1.30.5:minor:g2")],
    });
    expect(rules(behind, g2)).not.toContain("minor-without-approval");
    expect(rules(behind, g2)).not.toContain("no-approval");
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

  it("judges a Microsoft.Maintenance assignment's nights as the window of a cluster without a native one", () => {
    // weekday_utc8: Monday 22:00 +08:00 = 14:00–22:00 UTC; weekend_utc-5: Sunday 22:00 −05:00 = Monday 03:00–11:00 UTC.
    const legacy = (assignment: string, extra: Partial<ClusterSpec> = {}) => ({
      ...base,
      clusters: [cluster("a", "r1", { assignment, ...extra }), cluster("c", "r2")],
    });
    const weekday = legacy("aks-mrp-cfg-weekday_utc8");
    expect(judge(weekday, records([upgrade("a", "2026-10-19T15:00:00.000Z")]))).toEqual([]);
    // Inside the ring's 10:00–16:00 window, but the assignment governs.
    expect(rules(weekday, records([upgrade("a", "2026-10-19T10:30:00.000Z")]))).toEqual(["outside-window"]);
    expect(rules(weekday, records([upgrade("a", "2026-10-19T21:45:00.000Z")]))).toEqual(["does-not-fit"]);
    const weekend = legacy("aks-mrp-cfg-weekend_utc-5");
    expect(judge(weekend, records([upgrade("a", "2026-10-19T04:00:00.000Z")]))).toEqual([]);
    expect(rules(weekend, records([upgrade("a", "2026-10-20T04:00:00.000Z")]))).toEqual(["outside-window"]);
    // A native window wins over the assignment; with manageWindows the ring's does.
    const native = legacy("aks-mrp-cfg-weekday_utc8", {
      autoUpgradeWindow: {
        ...base.rings[0]!.window!,
        startTime: "00:00",
        timeZone: undefined,
        utcOffset: "+00:00",
      },
    });
    expect(rules(native, records([upgrade("a", "2026-10-19T15:00:00.000Z")]))).toEqual(["outside-window"]);
    expect(
      judge({ ...weekday, manageWindows: true }, records([upgrade("a", "2026-10-19T10:30:00.000Z")])),
    ).toEqual([]);
    const nights = (name: string) =>
      assignmentOccurrences(name, Date.parse("2026-10-19T00:00:00Z"), Date.parse("2026-10-26T00:00:00Z")).map(
        (o) => new Date(o.start).toISOString().slice(0, 13),
      );
    expect(nights("aks-mrp-cfg-weekend_utc-5")).toEqual(["2026-10-19T03", "2026-10-24T03", "2026-10-25T03"]);
    expect(nights("aks-mrp-cfg-weekday_utc")).toEqual([
      "2026-10-19T22",
      "2026-10-20T22",
      "2026-10-21T22",
      "2026-10-22T22",
    ]);
  });

  it("lets a ring follow a halted one only after a resume accepted once the halt came", () => {
    const failedThenNext = (...actions: ActionRecord[]) =>
      rules(
        base,
        records(
          [upgrade("a", "2026-10-19T10:00:00.000Z", 30, "Failed"), upgrade("c", "2026-10-19T12:00:00.000Z")],
          {
            actions: [...records([]).actions, ...actions],
          },
        ),
      );
    expect(failedThenNext()).toContain("after-budget");
    expect(failedThenNext(resume("2026-10-19T11:00:00.000Z"))).not.toContain("after-budget");
    // Before the ring was over, refused by the API, for another rollout, or after the next ring started.
    expect(failedThenNext(resume("2026-10-19T10:15:00.000Z"))).toContain("after-budget");
    expect(failedThenNext(resume("2026-10-19T11:00:00.000Z", 409))).toContain("after-budget");
    expect(
      failedThenNext(resume("2026-10-19T11:00:00.000Z", 202, "rollout:safety:nodeImage:AKSUbuntu")),
    ).toContain("after-budget");
    expect(failedThenNext(resume("2026-10-19T12:30:00.000Z"))).toContain("after-budget");
    // A later generation of the same rollout counts.
    expect(
      failedThenNext(resume("2026-10-19T11:00:00.000Z", 202, "rollout:safety:kubernetes:1.30.5:g2")),
    ).not.toContain("after-budget");
  });

  it("holds the next ring after a gate that must fail (an alert still fired, a failing probe) until a resume after the soak", () => {
    const alerted = (alert: Partial<AlertSpec> = {}, s: ScenarioSpec = base): ScenarioSpec => ({
      ...s,
      alertGate: true,
      alerts: [{ cluster: "a", severity: "Sev1", atMinute: 0, minutes: 5000, ...alert }],
    });
    const ran = (...actions: ActionRecord[]) =>
      records([upgrade("a", "2026-10-19T10:00:00.000Z"), upgrade("c", "2026-10-19T12:00:00.000Z")], {
        actions: [...records([]).actions, ...actions],
      });
    expect(rules(alerted(), ran())).toEqual(["after-gates"]);
    expect(judge(alerted(), ran(resume("2026-10-19T11:40:00.000Z")))).toEqual([]);
    // A resume during the soak answers no gate (it had not been read yet).
    expect(rules(alerted(), ran(resume("2026-10-19T11:00:00.000Z")))).toEqual(["after-gates"]);
    // Not certain to fail: a severity the gate ignores, resolved before the end, fired after the gate was
    // read, on a cluster the ring did not upgrade, or no alert gate in the policy.
    for (const s of [
      alerted({ severity: "Sev2" }),
      alerted({ minutes: 60 }),
      alerted({ atMinute: 12 * 60 }),
      alerted({ cluster: "b" }),
      { ...alerted(), alertGate: false },
    ])
      expect(judge(s, ran())).toEqual([]);
    // A probe gate whose URL answers 503 fails after every ring; one answered 200 passes.
    expect(rules({ ...base, probe: { status: 503 } }, ran())).toEqual(["after-gates"]);
    expect(judge({ ...base, probe: { status: 503 } }, ran(resume("2026-10-19T11:40:00.000Z")))).toEqual([]);
    expect(judge({ ...base, probe: { status: 200 } }, ran())).toEqual([]);
    // Over budget and a failing gate: two halts, two resumes, the second after the soak from the first.
    const both = (...times: string[]) =>
      rules(
        alerted(),
        records(
          [
            upgrade("a", "2026-10-19T10:00:00.000Z"),
            upgrade("b", "2026-10-19T10:30:00.000Z", 30, "Failed"),
            upgrade("c", "2026-10-19T14:00:00.000Z"),
          ],
          { actions: [...records([]).actions, ...times.map((t) => resume(t))] },
        ),
      );
    expect(both("2026-10-19T11:10:00.000Z")).toContain("after-gates");
    expect(both("2026-10-19T11:10:00.000Z", "2026-10-19T11:30:00.000Z")).toContain("after-gates");
    expect(both("2026-10-19T11:10:00.000Z", "2026-10-19T12:30:00.000Z")).not.toContain("after-gates");
    expect(both()).toContain("after-budget");
  });

  it("wants every failure and halt told to on-call's address, and the outbox within ACS's quota", () => {
    const failed = (...emails: EmailRecord[]) =>
      rules(base, records([upgrade("a", "2026-10-19T10:00:00.000Z", 30, "Failed")], { emails }));
    expect(failed(email("2026-10-19T11:00:00.000Z", "Upgrade failed: a"))).not.toContain("failure-not-told");
    expect(
      failed(email("2026-10-19T11:00:00.000Z", "Upgrade failed: a", "", "someone@else.example")),
    ).toContain("failure-not-told");
    // A gate that must have failed after ring r1 (the only cluster upgraded, r2 never started): a halt
    // naming a gate is owed from the end of the soak.
    const solo: ScenarioSpec = {
      ...base,
      clusters: [cluster("a", "r1"), cluster("c", "r2")],
      alertGate: true,
      alerts: [{ cluster: "a", severity: "Sev0", atMinute: 0, minutes: 5000 }],
    };
    const gated = (...emails: EmailRecord[]) =>
      rules(solo, records([upgrade("a", "2026-10-19T10:00:00.000Z")], { emails }));
    expect(gated()).toEqual(["gate-halt-not-told"]);
    const halt =
      "Rollout halted: Kubernetes 1.30.5 — health gate(s) failed after ring r1: azureMonitorAlerts";
    expect(gated(email("2026-10-19T11:31:00.000Z", halt))).toEqual([]);
    expect(gated(email("2026-10-19T11:31:00.000Z", halt, "", "someone@else.example"))).toEqual([
      "gate-halt-not-told",
    ]);
    expect(
      gated(email("2026-10-19T11:31:00.000Z", "Rollout halted: 1 cluster(s) failed in ring r1")),
    ).toEqual(["gate-halt-not-told"]);
    // Three sends in one minute over a quota of two; refusals at the ordinary quota.
    const burst = ["00", "20", "40"].map((sec) => email(`2026-10-19T11:00:${sec}.000Z`, "digest"));
    expect(rules({ ...base, email: { perMinute: 2, perHour: 10 } }, records([], { emails: burst }))).toEqual([
      "email-quota",
    ]);
    expect(rules(base, records([], { emailRefusals: 3 }))).toEqual(["email-refused"]);
    expect(
      judge({ ...base, email: { perMinute: 2, perHour: 10 } }, records([], { emailRefusals: 3 })),
    ).toEqual([]);
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
    const size = (x: ScenarioSpec) =>
      [x.clusters, x.faults, x.actions, x.rings, x.freezes, x.nodeImages, x.kubernetes, x.endOfSupport]
        .map((xs) => xs.length)
        .reduce((a, b) => a + b, x.spanHours + (x.alerts?.length ?? 0));
    const seen = new Set<string>();
    for (let seed = 1; seed <= 20; seed++) {
      const s = generateScenario(seed);
      expect(() => parseFleetYaml(fleetYaml(s), "fleet.yaml")).not.toThrow();
      expect(() => parsePolicyYaml(policyYaml(s), "policy.yaml")).not.toThrow();
      expect(generateScenario(seed)).toEqual(s);
      for (const c of smaller(s)) expect(size(c.spec)).toBeLessThan(size(s));
      features(s).forEach((f) => seen.add(f));
    }
    // The generator reaches the legacy windows, the gates and the resumes at all.
    for (const f of [
      "window from a maintenance assignment",
      "health gate fails (alert stays fired)",
      "resume after halt",
    ])
      expect(seen).toContain(f);
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
