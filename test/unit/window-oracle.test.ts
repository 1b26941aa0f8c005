import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PolicyWindowSchema, fromPolicyWindow } from "../../src/domain/window-spec.js";
import { scheduledWindows } from "../../src/domain/windows.js";
import {
  judge,
  occurrences,
  oracleFromYaml,
  readWindow,
  type OperationLike,
} from "../helpers/window-oracle.js";

/**
 * The outage property test is only as good as its judge: these hand-made operation records show the
 * oracle accepts what is inside a window and names each way of being outside it.
 */
const fleet = `
apiVersion: ringmaster/v1
kind: SimulatedAzure
clock: { start: "2026-11-23T00:00:00Z" }
subscriptions:
  - id: 44444444-4444-4444-4444-444444444444
    name: oracle
    clusters:
      - name: ringed
        resourceGroup: rg
        location: westeurope
        kubernetesVersion: 1.30.4
        tags: { ring: r1 }
        nodePools: [{ name: system, count: 2, nodeImageVersion: img-1 }]
      - name: own
        resourceGroup: rg
        location: westeurope
        kubernetesVersion: 1.30.4
        tags: { ring: r1 }
        maintenanceConfigurations:
          aksManagedAutoUpgradeSchedule:
            maintenanceWindow:
              schedule: { weekly: { dayOfWeek: Tuesday, intervalWeeks: 1 } }
              startTime: "20:00"
              durationHours: 4
              utcOffset: "+01:00"
        nodePools: [{ name: system, count: 3, nodeImageVersion: img-1 }]
`;
const policy = (manageWindows: boolean, freezes = "[]") => `
apiVersion: ringmaster/v1
kind: RolloutPolicy
metadata: { name: oracle }
spec:
  manageWindows: ${manageWindows}
  estimates: { controlPlaneMinutes: 10, perNodeMinutes: 10 }
  freezes: ${freezes}
  rings:
    - name: r1
      selector: { tags: { ring: r1 } }
      maintenanceWindow: { daily: { intervalDays: 1 }, startTime: "09:00", durationHours: 6, timeZone: Europe/Berlin }
`;
const op = (cluster: string, start: string, id = `op-${cluster}-${start}`): OperationLike => ({
  id,
  cluster,
  pool: null,
  kind: "controlPlaneUpgrade",
  start,
  end: null,
});

describe("window oracle", () => {
  it("computes occurrences in the window's zone: 09:00 Berlin is 08:00Z in November, 07:00Z in July", () => {
    const w = readWindow(
      { daily: { intervalDays: 1 }, startTime: "09:00", durationHours: 6, timeZone: "Europe/Berlin" },
      "w",
    );
    const nov = occurrences(w, Date.parse("2026-11-24T00:00:00Z"), Date.parse("2026-11-25T00:00:00Z"));
    expect(nov.map((o) => new Date(o.start).toISOString())).toEqual(["2026-11-24T08:00:00.000Z"]);
    expect(new Date(nov[0]!.end).toISOString()).toBe("2026-11-24T14:00:00.000Z");
    const jul = occurrences(w, Date.parse("2026-07-01T00:00:00Z"), Date.parse("2026-07-02T00:00:00Z"));
    expect(new Date(jul[0]!.start).toISOString()).toBe("2026-07-01T07:00:00.000Z");
  });

  it("finds an occurrence that opened the evening before, across midnight", () => {
    const w = readWindow(
      { schedule: { daily: { intervalDays: 1 } }, startTime: "22:00", durationHours: 4, utcOffset: "+00:00" },
      "w",
    );
    const model = { windows: new Map([["x", w]]), predictedMs: new Map([["x", 60 * 60_000]]), freezes: [] };
    expect(judge(model, [op("x", "2026-11-24T00:30:00.000Z")], 0)).toEqual([]);
    expect(judge(model, [op("x", "2026-11-24T01:30:00.000Z")], 0).map((v) => v.rule)).toEqual([
      "does-not-fit",
    ]);
  });

  it("accepts an upgrade that starts inside its window and fits", () => {
    const model = oracleFromYaml(fleet, policy(true));
    expect(
      judge(model, [op("ringed", "2026-11-24T08:00:00.000Z"), op("own", "2026-11-24T13:00:00.000Z")], 0),
    ).toEqual([]);
  });

  it("flags the issue's case: a PUT at 15:08Z for a window that closed at 14:00Z", () => {
    const model = oracleFromYaml(fleet, policy(true));
    const v = judge(model, [op("ringed", "2026-11-24T15:08:00.000Z")], 0);
    expect(v.map((x) => x.rule)).toEqual(["outside-window"]);
    expect(v[0]!.detail).toMatch(/2026-11-24T08:00:00.000Z–2026-11-24T14:00:00.000Z/);
  });

  it("flags a start before the window opens, with no slack at the opening edge", () => {
    const model = oracleFromYaml(fleet, policy(true));
    expect(judge(model, [op("ringed", "2026-11-24T07:59:00.000Z")], 3_600_000).map((v) => v.rule)).toEqual([
      "outside-window",
    ]);
  });

  it("flags an upgrade whose predicted duration overruns the window, within the slack only at the close", () => {
    const model = oracleFromYaml(fleet, policy(true)); // ringed: 10 + 2 × 10 = 30 minutes
    expect(judge(model, [op("ringed", "2026-11-24T13:30:00.000Z")], 0)).toEqual([]);
    expect(judge(model, [op("ringed", "2026-11-24T13:45:00.000Z")], 0).map((v) => v.rule)).toEqual([
      "does-not-fit",
    ]);
    expect(judge(model, [op("ringed", "2026-11-24T13:45:00.000Z")], 20 * 60_000)).toEqual([]);
  });

  it("judges later steps of one upgrade by the upgrade's first step", () => {
    const model = oracleFromYaml(fleet, policy(true));
    const steps = [
      { ...op("ringed", "2026-11-24T13:25:00.000Z", "u1"), kind: "controlPlaneUpgrade" },
      { ...op("ringed", "2026-11-24T13:35:00.000Z", "u1"), kind: "poolUpgrade", pool: "system" },
    ];
    expect(judge(model, steps, 0)).toEqual([]);
    const late = { ...op("ringed", "2026-11-24T15:00:00.000Z", "u1"), kind: "poolUpgrade", pool: "apps" };
    expect(judge(model, [...steps, late], 20 * 60_000).map((v) => v.rule)).toEqual(["outside-window"]);
  });

  it("uses the cluster's own window unless the policy manages windows", () => {
    // own: Tuesdays 20:00+01:00 = 19:00Z–23:00Z.
    expect(judge(oracleFromYaml(fleet, policy(false)), [op("own", "2026-11-24T19:30:00.000Z")], 0)).toEqual(
      [],
    );
    expect(
      judge(oracleFromYaml(fleet, policy(true)), [op("own", "2026-11-24T19:30:00.000Z")], 0).map(
        (v) => v.rule,
      ),
    ).toEqual(["outside-window"]);
    expect(
      judge(oracleFromYaml(fleet, policy(false)), [op("own", "2026-11-25T19:30:00.000Z")], 0).map(
        (v) => v.rule,
      ),
    ).toEqual(["outside-window"]);
  });

  it("flags a start inside a freeze and an upgrade that would run into one", () => {
    const model = oracleFromYaml(
      fleet,
      policy(true, `[{ name: hold, timeZone: UTC, start: "2026-11-24T10:00", end: "2026-11-24T12:00" }]`),
    );
    expect(judge(model, [op("ringed", "2026-11-24T11:00:00.000Z")], 0).map((v) => v.rule)).toEqual([
      "in-freeze",
    ]);
    expect(judge(model, [op("ringed", "2026-11-24T09:45:00.000Z")], 0).map((v) => v.rule)).toEqual([
      "runs-into-freeze",
    ]);
    expect(
      judge(model, [op("ringed", "2026-11-24T09:30:00.000Z"), op("ringed", "2026-11-24T12:00:00.000Z")], 0),
    ).toEqual([]);
  });

  it("agrees with the app's window arithmetic where both apply (two arithmetics, one answer)", () => {
    // Only this test looks at src/domain; the oracle itself never does. From mid-November to mid-February
    // none of these zones changes its offset, which is where the outage scenarios live.
    const zones = [
      { timeZone: "UTC" },
      { timeZone: "Europe/Berlin" },
      { timeZone: "America/New_York" },
      { timeZone: "Asia/Kolkata" },
      { timeZone: "Australia/Sydney" },
      { utcOffset: "+05:30" },
      { utcOffset: "-03:00" },
    ];
    const days = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        fc.option(fc.constantFrom(...days), { nil: undefined }),
        fc.integer({ min: 0, max: 23 }),
        fc.constantFrom(0, 15, 30, 45),
        fc.integer({ min: 4, max: 24 }),
        fc.integer({ min: 0, max: 80 * 24 }),
        (zone, dayOfWeek, hour, minute, durationHours, fromHours) => {
          const startTime = `${String(hour).padStart(2, "0")}:${String(minute).padStart(2, "0")}`;
          const raw = {
            ...(dayOfWeek ? { weekly: { dayOfWeek, intervalWeeks: 1 } } : { daily: { intervalDays: 1 } }),
            startTime,
            durationHours,
            ...zone,
          };
          const from = Date.parse("2026-11-15T00:00:00Z") + fromHours * 3_600_000;
          const until = from + 10 * 86_400_000;
          const app = scheduledWindows(fromPolicyWindow(PolicyWindowSchema.parse(raw)), from, until);
          expect(occurrences(readWindow(raw, "w"), from, until)).toEqual(app);
        },
      ),
      { numRuns: 300 },
    );
  });
});
