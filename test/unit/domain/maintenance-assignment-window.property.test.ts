import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  migratedWindow,
  parsePublicConfigName,
  publicConfigIntervals,
  publicConfigWindow,
} from "../../../src/domain/maintenance-assignment-window.js";
import { windowIntervals } from "../../../src/domain/window-source.js";

/**
 * The window of an `aks-mrp-cfg-*` public configuration (research/aks-apis.md §5): weekday = Mon–Thu,
 * weekend = Fri–Sun, 22:00→06:00 local at the configuration's fixed offset. An overnight window belongs to
 * the day it starts on (Microsoft.Maintenance's recurEvery lists start days), so the weekend's Sunday night
 * runs to Monday 06:00. The oracle here is written from that sentence alone: local weekday and hour.
 */
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const START_DAYS = { weekday: [1, 2, 3, 4], weekend: [5, 6, 0] } as const;

/** Whether an instant is inside the configuration's window, by local clock reading alone. */
function inside(nights: "weekday" | "weekend", offsetHours: number, instant: number): boolean {
  const local = new Date(instant + offsetHours * HOUR);
  const hour = local.getUTCHours();
  const day = local.getUTCDay();
  const starts = START_DAYS[nights] as readonly number[];
  if (hour >= 22) return starts.includes(day);
  if (hour < 6) return starts.includes((day + 6) % 7);
  return false;
}

const nameOf = (nights: string, offset: number) => `aks-mrp-cfg-${nights}_utc${offset === 0 ? "" : offset}`;

const arbitrary = fc.record({
  nights: fc.constantFrom("weekday" as const, "weekend" as const),
  offset: fc.integer({ min: -12, max: 12 }),
  // 2020–2035, minute resolution.
  from: fc
    .integer({ min: 1_577_836_800_000 / 60_000, max: 2_082_758_400_000 / 60_000 })
    .map((m) => m * 60_000),
  probe: fc.integer({ min: 0, max: 14 * 24 * 60 }).map((m) => m * 60_000),
});

describe("Domain: Microsoft.Maintenance public-configuration windows", () => {
  it("every instant inside a window is on a start day 22:00–24:00 or the next day 00:00–06:00, locally (property)", () => {
    fc.assert(
      fc.property(arbitrary, ({ nights, offset, from, probe }) => {
        const w = publicConfigWindow(nameOf(nights, offset))!;
        const windows = publicConfigIntervals(w, from, from + 14 * DAY);
        for (const i of windows) {
          expect(i.end - i.start).toBe(8 * HOUR);
          // Start, a point in the middle and the last minute are all inside by the clock reading.
          for (const t of [i.start, i.start + (probe % (8 * HOUR)), i.end - 60_000])
            expect(inside(nights, offset, t)).toBe(true);
          expect(inside(nights, offset, i.end)).toBe(false);
          expect(inside(nights, offset, i.start - 60_000)).toBe(false);
        }
      }),
      { numRuns: 400 },
    );
  });

  it("an instant the clock reading puts inside is inside one window, and only those are (property)", () => {
    fc.assert(
      fc.property(arbitrary, ({ nights, offset, from, probe }) => {
        const w = publicConfigWindow(nameOf(nights, offset))!;
        const windows = publicConfigIntervals(w, from, from + 15 * DAY);
        const t = from + probe;
        const covered = windows.some((i) => i.start <= t && t < i.end);
        expect(covered).toBe(inside(nights, offset, t));
      }),
      { numRuns: 2000 },
    );
  });

  it("the weekend's Sunday night runs to Monday 06:00 local; Friday 00:00–06:00 is the weekday config's", () => {
    const weekend = publicConfigWindow("aks-mrp-cfg-weekend_utc-5")!;
    // Week of Fri 2026-12-04 at UTC−5: Fri 22:00 local = Sat 03:00Z.
    const from = Date.parse("2026-11-30T05:00:00Z"); // Mon 00:00 local
    const got = publicConfigIntervals(weekend, from, from + 7 * DAY).map((i) => [
      new Date(i.start).toISOString(),
      new Date(i.end).toISOString(),
    ]);
    expect(got).toEqual([
      // Sunday 2026-11-29's night, still open at Monday 00:00 local: it ends Monday 06:00 local.
      ["2026-11-30T03:00:00.000Z", "2026-11-30T11:00:00.000Z"],
      ["2026-12-05T03:00:00.000Z", "2026-12-05T11:00:00.000Z"],
      ["2026-12-06T03:00:00.000Z", "2026-12-06T11:00:00.000Z"],
      ["2026-12-07T03:00:00.000Z", "2026-12-07T11:00:00.000Z"],
    ]);
    const weekday = publicConfigWindow("aks-mrp-cfg-weekday_utc8")!;
    const thursday = publicConfigIntervals(
      weekday,
      Date.parse("2026-12-03T14:00:00Z"), // Thu 22:00 at +08:00
      Date.parse("2026-12-03T14:00:01Z"),
    );
    expect(thursday).toEqual([
      { start: Date.parse("2026-12-03T14:00:00Z"), end: Date.parse("2026-12-03T22:00:00Z") },
    ]);
  });

  it("reads names: offsets −12…12, `_utc` alone is UTC+0, canary suffixes; refuses other names", () => {
    expect(parsePublicConfigName("aks-mrp-cfg-weekend_utc-5")).toEqual({
      nights: "weekend",
      utcOffset: "-05:00",
    });
    expect(parsePublicConfigName("aks-mrp-cfg-weekday_utc8")).toEqual({
      nights: "weekday",
      utcOffset: "+08:00",
    });
    expect(parsePublicConfigName("aks-mrp-cfg-weekday_utc")?.utcOffset).toBe("+00:00");
    expect(parsePublicConfigName("aks-mrp-cfg-weekday_utc12-eastus2euap")?.utcOffset).toBe("+12:00");
    expect(parsePublicConfigName("aks-mrp-cfg-weekday_utc13")).toBeUndefined();
    expect(parsePublicConfigName("my-vm-patching")).toBeUndefined();
  });

  it("prefers the configuration's own maintenanceWindow: days, start, duration, and a fixed time zone", () => {
    const w = publicConfigWindow("aks-mrp-cfg-weekday_utc8", {
      startDateTime: "2022-08-01 21:00",
      duration: "06:00",
      timeZone: "Tokyo Standard Time",
      recurEvery: "Week Monday,Wednesday",
    })!;
    expect(w).toEqual({
      configuration: "aks-mrp-cfg-weekday_utc8",
      days: ["Monday", "Wednesday"],
      startTime: "21:00",
      durationMinutes: 360,
      utcOffset: "+09:00",
    });
    // A zone with daylight saving time, or a recurrence it cannot read: the name answers.
    const named = publicConfigWindow("aks-mrp-cfg-weekend_utc-5", {
      timeZone: "Eastern Standard Time",
      recurEvery: "Month Last Sunday",
    })!;
    expect(named.utcOffset).toBe("-05:00");
    expect(named.days).toEqual(["Friday", "Saturday", "Sunday"]);
  });

  it("flows through the shared window source, freezes cut out", () => {
    const w = publicConfigWindow("aks-mrp-cfg-weekend_utc")!;
    const from = Date.parse("2026-12-04T00:00:00Z");
    const freeze = { start: Date.parse("2026-12-05T00:00:00Z"), end: Date.parse("2026-12-06T00:00:00Z") };
    const got = windowIntervals({ kind: "assignment", window: w }, from, from + 4 * DAY, [freeze]);
    // Friday's night is cut at the freeze; Saturday's keeps only what follows it (Sunday 00:00–06:00).
    expect(got.map((i) => new Date(i.start).toISOString())).toEqual([
      "2026-12-04T22:00:00.000Z",
      "2026-12-06T00:00:00.000Z",
      "2026-12-06T22:00:00.000Z",
    ]);
    expect(got[0]!.end).toBe(freeze.start);
  });

  it("migrates to one weekly AKS night, never wider, naming the nights it drops", () => {
    expect(migratedWindow(publicConfigWindow("aks-mrp-cfg-weekend_utc-5")!)).toEqual({
      maintenanceWindow: {
        schedule: { weekly: { dayOfWeek: "Friday", intervalWeeks: 1 } },
        startTime: "22:00",
        durationHours: 8,
        utcOffset: "-05:00",
      },
      nightsDropped: ["Saturday", "Sunday"],
    });
    const short = publicConfigWindow("aks-mrp-cfg-weekday_utc", { duration: "02:00" })!;
    expect(migratedWindow(short)).toBeUndefined();
  });
});
