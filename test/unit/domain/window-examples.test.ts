import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { toAksWindow } from "../../../src/domain/window-source.js";
import {
  AksMaintenanceWindowSchema,
  fromAksWindow,
  fromPolicyWindow,
  PolicyWindowSchema,
  WEEK_DAYS,
  type Schedule,
  type WindowSpec,
} from "../../../src/domain/window-spec.js";
import {
  alignedStartDate,
  cadenceEquivalent,
  localDate,
  scheduledWindows,
  windowsEndingAfter,
} from "../../../src/domain/windows.js";

/**
 * Every maintenance-window shape the official material shows, as Ringmaster reads it:
 * - azure-rest-api-specs, containerservice aks/stable/2025-10-01 examples: MaintenanceConfigurationsCreate_Update_
 *   MaintenanceWindow.json (request and response), MaintenanceConfigurationsGet_MaintenanceWindow.json,
 *   MaintenanceConfigurationsList_MaintenanceWindow.json;
 * - MicrosoftDocs/azure-aks-docs articles/aks/planned-maintenance.md: the schedule snippets, default.json,
 *   autoUpgradeWindow.json, the Terraform bodies and the `az aks maintenanceconfiguration show` output.
 * The REST spec makes `durationHours` default to 24 and `utcOffset` to +00:00; `startDate` is optional.
 */
const SPEC_AND_DOCS: Record<string, Record<string, unknown>> = {
  "spec Create_Update request (relativeMonthly, 3 months)": {
    schedule: { relativeMonthly: { intervalMonths: 3, weekIndex: "First", dayOfWeek: "Monday" } },
    durationHours: 10,
    utcOffset: "+05:30",
    startDate: "2023-01-01",
    startTime: "08:30",
    notAllowedDates: [
      { start: "2023-02-18", end: "2023-02-25" },
      { start: "2023-12-23", end: "2024-01-05" },
    ],
  },
  "spec Create_Update response (weekly, 3 weeks)": {
    schedule: { weekly: { intervalWeeks: 3, dayOfWeek: "Monday" } },
    durationHours: 10,
    utcOffset: "+05:30",
    startDate: "2023-01-01",
    startTime: "08:30",
    notAllowedDates: [
      { start: "2023-02-18", end: "2023-02-25" },
      { start: "2023-12-23", end: "2024-01-05" },
    ],
  },
  "spec Get (daily, 3 days)": {
    durationHours: 4,
    notAllowedDates: [
      { end: "2023-02-25", start: "2023-02-18" },
      { end: "2024-01-05", start: "2023-12-23" },
    ],
    schedule: { daily: { intervalDays: 3 } },
    startDate: "2023-01-01",
    startTime: "09:30",
    utcOffset: "-07:00",
  },
  "spec List (daily, 5 days)": {
    schedule: { daily: { intervalDays: 5 } },
    durationHours: 10,
    utcOffset: "-07:00",
    startDate: "2023-01-01",
    startTime: "13:30",
  },
  "spec List (absoluteMonthly, 3 months on the 15th)": {
    schedule: { absoluteMonthly: { intervalMonths: 3, dayOfMonth: 15 } },
    durationHours: 5,
    utcOffset: "+00:00",
    startDate: "2023-01-01",
    startTime: "08:30",
    notAllowedDates: [
      { start: "2023-02-18", end: "2023-02-25" },
      { start: "2023-12-23", end: "2024-01-05" },
    ],
  },
  "docs default.json (weekly Tuesday)": {
    schedule: { weekly: { intervalWeeks: 1, dayOfWeek: "Tuesday" } },
    durationHours: 4,
    utcOffset: "+00:00",
    startTime: "01:00",
    notAllowedDates: [{ start: "2021-05-26", end: "2021-05-30" }],
  },
  "docs autoUpgradeWindow.json (absoluteMonthly, 3 months on the 1st)": {
    schedule: { absoluteMonthly: { intervalMonths: 3, dayOfMonth: 1 } },
    durationHours: 4,
    utcOffset: "-08:00",
    startTime: "09:00",
    notAllowedDates: [{ start: "2023-12-23", end: "2024-01-05" }],
  },
  "docs show output (unused kinds null)": {
    durationHours: 4,
    notAllowedDates: [{ end: "2024-01-05", start: "2023-12-23" }],
    schedule: {
      absoluteMonthly: { dayOfMonth: 1, intervalMonths: 3 },
      daily: null,
      relativeMonthly: null,
      weekly: null,
    },
    startDate: "2023-01-20",
    startTime: "09:00",
    utcOffset: "-08:00",
  },
  "docs Terraform default (weekly Saturday)": {
    schedule: { weekly: { dayOfWeek: "Saturday", intervalWeeks: 1 } },
    durationHours: 4,
    startTime: "02:00",
    utcOffset: "-04:00",
  },
  "docs Terraform auto-upgrade (weekly Sunday from 2026-04-20)": {
    startDate: "2026-04-20",
    startTime: "01:00",
    durationHours: 4,
    utcOffset: "-04:00",
    schedule: { weekly: { dayOfWeek: "Sunday", intervalWeeks: 1 } },
  },
  "docs schedule snippet: every three days": {
    schedule: { daily: { intervalDays: 3 } },
    startTime: "00:00",
  },
  "docs schedule snippet: every two weeks on Friday": {
    schedule: { weekly: { intervalWeeks: 2, dayOfWeek: "Friday" } },
    startTime: "00:00",
  },
  "docs schedule snippet: every two months on the last Monday": {
    schedule: { relativeMonthly: { intervalMonths: 2, dayOfWeek: "Monday", weekIndex: "Last" } },
    startTime: "00:00",
  },
};

const without = (w: Record<string, unknown>, ...keys: string[]) =>
  Object.fromEntries(Object.entries(w).filter(([k]) => !keys.includes(k)));

describe("Window specs: every AKS docs and REST spec example", () => {
  for (const [name, example] of Object.entries(SPEC_AND_DOCS)) {
    for (const variant of ["as given", "without durationHours", "without startDate", "without both"]) {
      it(`${name}, ${variant}`, () => {
        const w =
          variant === "as given"
            ? example
            : variant === "without durationHours"
              ? without(example, "durationHours")
              : variant === "without startDate"
                ? without(example, "startDate")
                : without(example, "durationHours", "startDate");
        const parsed = AksMaintenanceWindowSchema.safeParse(w);
        expect(parsed.error?.issues).toBeUndefined();
        const spec = fromAksWindow(parsed.data!);
        expect(spec.durationHours).toBe((w.durationHours as number | undefined) ?? 24);
        expect(spec.zone).toBe(
          (w.utcOffset ?? "+00:00") === "+00:00" ? "UTC" : `UTC${w.utcOffset as string}`,
        );
        expect(spec.startDate).toBe(w.startDate);
        expect(Object.values(spec.schedule).filter((v) => v !== undefined && v !== null)).toHaveLength(1);
        // And it yields windows of that length.
        const next = windowsEndingAfter(spec, Date.parse("2026-11-23T00:00:00Z"), 2, { horizonDays: 800 });
        expect(next.length).toBeGreaterThan(0);
        for (const x of next) expect(x.end - x.start).toBeLessThanOrEqual(spec.durationHours * 3_600_000);
        // The same shape as a policy ring window (schedule at the top level) reads the same way.
        const { schedule, ...rest } = w as { schedule: Record<string, unknown> };
        const top = Object.fromEntries(Object.entries(schedule).filter(([, v]) => v !== null));
        const policy = PolicyWindowSchema.safeParse({ ...top, ...rest });
        expect(policy.error?.issues).toBeUndefined();
        expect(fromPolicyWindow(policy.data!).durationHours).toBe(spec.durationHours);
      });
    }
  }

  it("still refuses what AKS refuses: under 4 hours, over 24, no schedule, two schedules", () => {
    const base = SPEC_AND_DOCS["docs default.json (weekly Tuesday)"]!;
    expect(AksMaintenanceWindowSchema.safeParse({ ...base, durationHours: 3 }).success).toBe(false);
    expect(AksMaintenanceWindowSchema.safeParse({ ...base, durationHours: 25 }).success).toBe(false);
    expect(AksMaintenanceWindowSchema.safeParse(without(base, "schedule")).success).toBe(false);
    expect(
      AksMaintenanceWindowSchema.safeParse({
        ...base,
        schedule: { weekly: { dayOfWeek: "Monday" }, daily: { intervalDays: 2 } },
      }).success,
    ).toBe(false);
  });
});

const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`);
const isoOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

describe("Window anchoring as AKS does it", () => {
  it("a configuration read without startDate anchors at its creation date, not at 1970", () => {
    // Every two weeks on Monday, created on Wednesday 2026-11-25: AKS counts from Monday 2026-11-30.
    const w = AksMaintenanceWindowSchema.parse({
      schedule: { weekly: { intervalWeeks: 2, dayOfWeek: "Monday" } },
      startTime: "01:00",
    });
    const created = fromAksWindow(w, "2026-11-25");
    const starts = windowsEndingAfter(created, day("2026-11-23"), 3).map((x) => isoOf(x.start));
    expect(starts).toEqual(["2026-11-30", "2026-12-14", "2026-12-28"]);
    // The 1970 grid falls in the other weeks here, which is what went wrong before.
    const epoch = windowsEndingAfter(fromAksWindow(w), day("2026-11-23"), 2).map((x) => isoOf(x.start));
    expect(epoch).toEqual(["2026-11-23", "2026-12-07"]);
  });

  it("a written window with an interval above 1 carries a startDate on Ringmaster's grid, in the past", () => {
    const ring = fromPolicyWindow(
      PolicyWindowSchema.parse({
        weekly: { intervalWeeks: 2, dayOfWeek: "Monday" },
        startTime: "01:00",
        timeZone: "Europe/Berlin",
      }),
    );
    const now = Date.parse("2026-11-23T12:00:00Z");
    const payload = toAksWindow(ring, now);
    expect(payload.startDate).toBe("2026-11-23");
    expect(payload.durationHours).toBe(24);
    // Interval 1: every anchor gives the same grid, so nothing is written and AKS's default stands.
    const weekly = fromPolicyWindow(
      PolicyWindowSchema.parse({ weekly: { dayOfWeek: "Monday" }, startTime: "01:00", timeZone: "UTC" }),
    );
    expect(toAksWindow(weekly, now).startDate).toBeUndefined();
    // A policy startDate is written as it is.
    expect(toAksWindow({ ...ring, startDate: "2027-01-04" }, now).startDate).toBe("2027-01-04");
  });

  it("keeps AKS's configured startDate when it is on the same grid and hides no window; replaces it otherwise", () => {
    const ring = fromPolicyWindow(
      PolicyWindowSchema.parse({
        weekly: { intervalWeeks: 2, dayOfWeek: "Monday" },
        startTime: "01:00",
        timeZone: "UTC",
      }),
    );
    const now = Date.parse("2026-11-23T12:00:00Z");
    expect(toAksWindow(ring, now, [], "2026-11-09").startDate).toBe("2026-11-09");
    // One week off the grid: AKS would open in Ringmaster's closed weeks.
    expect(toAksWindow(ring, now, [], "2026-11-16").startDate).toBe("2026-11-23");
    // On the grid but after the next window: AKS would skip a window Ringmaster counts on.
    expect(toAksWindow(ring, now, [], "2027-01-04").startDate).toBe("2026-11-23");
  });
});

const ZONES = ["UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Sydney", "UTC-07:00"];
const schedule: fc.Arbitrary<Schedule> = fc.oneof(
  fc.integer({ min: 1, max: 7 }).map((intervalDays) => ({ daily: { intervalDays } })),
  fc
    .record({ dayOfWeek: fc.constantFrom(...WEEK_DAYS), intervalWeeks: fc.integer({ min: 1, max: 4 }) })
    .map((weekly) => ({ weekly })),
  fc
    .record({ dayOfMonth: fc.integer({ min: 1, max: 28 }), intervalMonths: fc.integer({ min: 1, max: 6 }) })
    .map((absoluteMonthly) => ({ absoluteMonthly })),
  fc
    .record({
      weekIndex: fc.constantFrom("First", "Second", "Third", "Fourth", "Last" as const),
      dayOfWeek: fc.constantFrom(...WEEK_DAYS),
      intervalMonths: fc.integer({ min: 1, max: 6 }),
    })
    .map((relativeMonthly) => ({ relativeMonthly })),
);
const policySpec: fc.Arbitrary<WindowSpec> = fc.record({
  schedule,
  startTime: fc.constantFrom("00:00", "01:30", "09:00", "22:45"),
  durationHours: fc.integer({ min: 4, max: 24 }),
  zone: fc.constantFrom(...ZONES),
});
const T0 = Date.parse("2026-01-01T00:00:00Z");
const instant = fc.integer({ min: 0, max: 3 * 365 * 86_400 }).map((s) => T0 + s * 1000);

describe("Property: the startDate Ringmaster writes makes AKS's grid Ringmaster's", () => {
  it("AKS anchored at the written startDate opens exactly Ringmaster's windows from now on", () => {
    // Windows that start from now on: one already open when the configuration is written is AKS's business
    // (it takes effect from startDate, its default being the day of the write).
    const fromNow = (w: WindowSpec, now: number, until: number) =>
      scheduledWindows(w, now, until).filter((x) => x.start >= now);
    fc.assert(
      fc.property(policySpec, instant, (spec, now) => {
        const written = toAksWindow(spec, now).startDate ?? localDate(now, spec.zone);
        // AKS: the window activates at startDate and counts intervals from it (a date at or before today).
        expect(written <= localDate(now, spec.zone)).toBe(true);
        expect(cadenceEquivalent(spec.schedule, written, undefined)).toBe(true);
        const aks: WindowSpec = { ...spec, startDate: written };
        const until = now + 400 * 86_400_000;
        expect(fromNow(aks, now, until)).toEqual(fromNow(spec, now, until));
      }),
      { numRuns: 300 },
    );
  });

  it("alignedStartDate is stable across the period it stands for: rewriting later keeps what was written", () => {
    fc.assert(
      fc.property(policySpec, instant, fc.integer({ min: 0, max: 200 }), (spec, now, laterDays) => {
        const written = alignedStartDate(spec, now);
        const later = now + laterDays * 86_400_000;
        expect(toAksWindow(spec, later, [], written).startDate ?? written).toBe(written);
      }),
      { numRuns: 300 },
    );
  });
});
