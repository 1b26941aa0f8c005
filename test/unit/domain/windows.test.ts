import { describe, expect, it } from "vitest";
import {
  AksMaintenanceWindowSchema,
  fromAksWindow,
  fromPolicyWindow,
  PolicyWindowSchema,
  type WindowSpec,
} from "../../../src/domain/window-spec.js";
import { nextFit, windowsEndingAfter } from "../../../src/domain/windows.js";
import { legacyWindows } from "../../../src/domain/legacy-window.js";
import { freezeIntervals } from "../../../src/domain/freezes.js";

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString().replace(".000Z", "Z");
const list = (
  spec: WindowSpec,
  from: string,
  count: number,
  blocked = [] as { start: number; end: number }[],
) => windowsEndingAfter(spec, at(from), count, { blocked }).map((w) => [iso(w.start), iso(w.end)]);

const policyWindow = (w: Record<string, unknown>) => fromPolicyWindow(PolicyWindowSchema.parse(w));
const aksWindow = (w: Record<string, unknown>) => fromAksWindow(AksMaintenanceWindowSchema.parse(w));

describe("Module: windows (hand-computed cases)", () => {
  it("weekly, named zone in winter: dev ring Tuesday 09:00 Europe/Berlin (UTC+1) for 6 h", () => {
    const spec = policyWindow({
      weekly: { dayOfWeek: "Tuesday", intervalWeeks: 1 },
      startTime: "09:00",
      durationHours: 6,
      timeZone: "Europe/Berlin",
    });
    expect(list(spec, "2026-11-23T00:00:00Z", 2)).toEqual([
      ["2026-11-24T08:00:00Z", "2026-11-24T14:00:00Z"],
      ["2026-12-01T08:00:00Z", "2026-12-01T14:00:00Z"],
    ]);
  });

  it("a window already open counts, with its real start", () => {
    const spec = policyWindow({
      weekly: { dayOfWeek: "Tuesday", intervalWeeks: 1 },
      startTime: "09:00",
      durationHours: 6,
      timeZone: "Europe/Berlin",
    });
    expect(list(spec, "2026-11-24T13:59:00Z", 1)).toEqual([["2026-11-24T08:00:00Z", "2026-11-24T14:00:00Z"]]);
    expect(list(spec, "2026-11-24T14:00:00Z", 1)).toEqual([["2026-12-01T08:00:00Z", "2026-12-01T14:00:00Z"]]);
  });

  it("crosses midnight: staging Wednesday 22:00 Berlin for 4 h ends Thursday 01:00 UTC", () => {
    const spec = policyWindow({
      weekly: { dayOfWeek: "Wednesday" },
      startTime: "22:00",
      durationHours: 4,
      timeZone: "Europe/Berlin",
    });
    expect(list(spec, "2026-11-23T00:00:00Z", 1)).toEqual([["2026-11-25T21:00:00Z", "2026-11-26T01:00:00Z"]]);
  });

  it("relativeMonthly: prod first Sunday 01:00 America/New_York (UTC-5) for 8 h", () => {
    const spec = policyWindow({
      relativeMonthly: { weekIndex: "First", dayOfWeek: "Sunday", intervalMonths: 1 },
      startTime: "01:00",
      durationHours: 8,
      timeZone: "America/New_York",
    });
    expect(list(spec, "2026-11-23T00:00:00Z", 2)).toEqual([
      ["2026-12-06T06:00:00Z", "2026-12-06T14:00:00Z"],
      ["2027-01-03T06:00:00Z", "2027-01-03T14:00:00Z"],
    ]);
  });

  it("relativeMonthly Last picks the last such weekday of the month", () => {
    const spec = aksWindow({
      schedule: { relativeMonthly: { weekIndex: "Last", dayOfWeek: "Friday", intervalMonths: 1 } },
      startTime: "10:00",
      durationHours: 4,
    });
    expect(list(spec, "2026-11-01T00:00:00Z", 2).map(([s]) => s)).toEqual([
      "2026-11-27T10:00:00Z",
      "2026-12-25T10:00:00Z",
    ]);
  });

  it("AKS utcOffset +01:00: aks-stg-weu-1's Thursday 20:00 window", () => {
    const spec = aksWindow({
      schedule: { weekly: { dayOfWeek: "Thursday", intervalWeeks: 1 } },
      startTime: "20:00",
      durationHours: 4,
      utcOffset: "+01:00",
    });
    expect(list(spec, "2026-11-23T00:00:00Z", 1)).toEqual([["2026-11-26T19:00:00Z", "2026-11-26T23:00:00Z"]]);
  });

  it("negative offset crossing UTC midnight forwards, positive offset crossing it backwards", () => {
    const minus5 = aksWindow({
      schedule: { daily: { intervalDays: 1 } },
      startTime: "21:00",
      durationHours: 4,
      utcOffset: "-05:00",
    });
    expect(list(minus5, "2026-11-23T00:00:00Z", 2)).toEqual([
      ["2026-11-23T02:00:00Z", "2026-11-23T06:00:00Z"],
      ["2026-11-24T02:00:00Z", "2026-11-24T06:00:00Z"],
    ]);
    const plus9 = aksWindow({
      schedule: { daily: { intervalDays: 1 } },
      startTime: "06:00",
      durationHours: 4,
      utcOffset: "+09:00",
    });
    // 06:00+09:00 on 23 November is 21:00Z on the 22nd; that window is still open at 00:00Z.
    expect(list(plus9, "2026-11-23T00:00:00Z", 2)).toEqual([
      ["2026-11-22T21:00:00Z", "2026-11-23T01:00:00Z"],
      ["2026-11-23T21:00:00Z", "2026-11-24T01:00:00Z"],
    ]);
  });

  it("southern hemisphere: Sydney is UTC+11 in November and UTC+10 in June", () => {
    const spec = policyWindow({
      daily: { intervalDays: 1 },
      startTime: "10:00",
      durationHours: 4,
      timeZone: "Australia/Sydney",
    });
    expect(list(spec, "2026-11-22T04:00:00Z", 1)).toEqual([["2026-11-22T23:00:00Z", "2026-11-23T03:00:00Z"]]);
    expect(list(spec, "2026-06-01T00:00:00Z", 1)).toEqual([["2026-06-01T00:00:00Z", "2026-06-01T04:00:00Z"]]);
  });

  it("DST in Europe/Berlin: 09:00 local is 07:00Z in summer and 08:00Z in winter, both sides of each change", () => {
    const spec = policyWindow({
      daily: { intervalDays: 1 },
      startTime: "09:00",
      durationHours: 4,
      timeZone: "Europe/Berlin",
    });
    expect(list(spec, "2026-03-28T00:00:00Z", 2).map(([s]) => s)).toEqual([
      "2026-03-28T08:00:00Z",
      "2026-03-29T07:00:00Z",
    ]);
    expect(list(spec, "2026-10-24T00:00:00Z", 2).map(([s]) => s)).toEqual([
      "2026-10-24T07:00:00Z",
      "2026-10-25T08:00:00Z",
    ]);
  });

  it("DST gap moves a nonexistent start forward; an ambiguous one takes the first instant", () => {
    const spec = policyWindow({
      daily: { intervalDays: 1 },
      startTime: "02:30",
      durationHours: 4,
      timeZone: "Europe/Berlin",
    });
    expect(list(spec, "2026-03-29T00:00:00Z", 1)).toEqual([["2026-03-29T01:30:00Z", "2026-03-29T05:30:00Z"]]);
    expect(list(spec, "2026-10-25T00:00:00Z", 1)).toEqual([["2026-10-25T00:30:00Z", "2026-10-25T04:30:00Z"]]);
  });

  it("intervalWeeks counts from the first dayOfWeek on or after startDate", () => {
    const spec = aksWindow({
      schedule: { weekly: { dayOfWeek: "Tuesday", intervalWeeks: 2 } },
      startTime: "01:00",
      durationHours: 4,
      startDate: "2026-11-26",
    });
    expect(list(spec, "2026-11-20T00:00:00Z", 3).map(([s]) => s)).toEqual([
      "2026-12-01T01:00:00Z",
      "2026-12-15T01:00:00Z",
      "2026-12-29T01:00:00Z",
    ]);
  });

  it("intervalDays counts from startDate; absoluteMonthly skips months without the day", () => {
    const daily = aksWindow({
      schedule: { daily: { intervalDays: 3 } },
      startTime: "00:00",
      durationHours: 4,
      startDate: "2026-11-02",
    });
    expect(list(daily, "2026-11-01T00:00:00Z", 3).map(([s]) => s)).toEqual([
      "2026-11-02T00:00:00Z",
      "2026-11-05T00:00:00Z",
      "2026-11-08T00:00:00Z",
    ]);
    const monthly = aksWindow({
      schedule: { absoluteMonthly: { dayOfMonth: 31, intervalMonths: 1 } },
      startTime: "00:00",
      durationHours: 4,
    });
    expect(list(monthly, "2026-10-01T00:00:00Z", 3).map(([s]) => s)).toEqual([
      "2026-10-31T00:00:00Z",
      "2026-12-31T00:00:00Z",
      "2027-01-31T00:00:00Z",
    ]);
    const bimonthly = aksWindow({
      schedule: { absoluteMonthly: { dayOfMonth: 15, intervalMonths: 2 } },
      startTime: "00:00",
      durationHours: 4,
      startDate: "2026-11-01",
    });
    expect(list(bimonthly, "2026-10-01T00:00:00Z", 2).map(([s]) => s)).toEqual([
      "2026-11-15T00:00:00Z",
      "2027-01-15T00:00:00Z",
    ]);
  });

  it("notAllowedDates block whole local days, end included (the SDK's +02:00 example)", () => {
    const spec = aksWindow({
      schedule: { daily: { intervalDays: 1 } },
      startTime: "21:00",
      durationHours: 4,
      utcOffset: "+02:00",
      notAllowedDates: [{ start: "2022-12-23", end: "2023-01-03" }],
    });
    // 2022-12-22 21:00+02 = 19:00Z runs into the block at 22:00Z (local midnight) and is cut there.
    expect(list(spec, "2022-12-22T00:00:00Z", 2)).toEqual([
      ["2022-12-22T19:00:00Z", "2022-12-22T22:00:00Z"],
      // The 3 January window runs past local midnight into 4 January, which is allowed again.
      ["2023-01-03T22:00:00Z", "2023-01-03T23:00:00Z"],
    ]);
  });

  it("freezes remove windows like blocked dates", () => {
    const spec = policyWindow({
      weekly: { dayOfWeek: "Tuesday" },
      startTime: "09:00",
      durationHours: 6,
      timeZone: "Europe/Berlin",
    });
    const freeze = freezeIntervals([
      { name: "year-end", timeZone: "Europe/Berlin", start: "2026-12-19T00:00", end: "2027-01-04T00:00" },
    ]);
    expect(list(spec, "2026-12-10T00:00:00Z", 2, freeze).map(([s]) => s)).toEqual([
      "2026-12-15T08:00:00Z",
      "2027-01-05T08:00:00Z",
    ]);
  });

  it("nextFit: the first start at which the whole operation fits before the window ends", () => {
    const windows = [
      { start: at("2026-11-24T08:00:00Z"), end: at("2026-11-24T14:00:00Z") },
      { start: at("2026-12-01T08:00:00Z"), end: at("2026-12-01T14:00:00Z") },
    ];
    const hours = (h: number) => h * 3_600_000;
    expect(nextFit(windows, at("2026-11-24T10:00:00Z"), hours(3))).toBe(at("2026-11-24T10:00:00Z"));
    expect(nextFit(windows, at("2026-11-24T12:00:00Z"), hours(3))).toBe(at("2026-12-01T08:00:00Z"));
    expect(nextFit(windows, at("2026-11-20T00:00:00Z"), hours(7))).toBeUndefined();
  });

  it("legacy default: UTC hour slots merge across midnight and honour notAllowedTime", () => {
    const config = {
      timeInWeek: [
        { day: "Monday" as const, hourSlots: [22, 23] },
        { day: "Tuesday" as const, hourSlots: [0, 1] },
      ],
      notAllowedTime: [{ start: "2026-11-30T00:00:00Z", end: "2026-12-02T00:00:00Z" }],
    };
    const windows = legacyWindows(config, at("2026-11-23T00:00:00Z"), at("2026-12-09T00:00:00Z")).map((w) => [
      iso(w.start),
      iso(w.end),
    ]);
    expect(windows).toEqual([
      ["2026-11-23T22:00:00Z", "2026-11-24T02:00:00Z"],
      ["2026-12-07T22:00:00Z", "2026-12-08T02:00:00Z"],
    ]);
  });
});
