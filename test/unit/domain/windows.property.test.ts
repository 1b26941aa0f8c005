import fc from "fast-check";
import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import { WEEK_DAYS, type Schedule, type WindowSpec } from "../../../src/domain/window-spec.js";
import { nextFit, scheduledWindows, windowsEndingAfter, type Interval } from "../../../src/domain/windows.js";

const ZONES = [
  "UTC",
  "Europe/Berlin",
  "America/New_York",
  "Australia/Sydney",
  "Asia/Kolkata",
  "America/Sao_Paulo",
  "UTC+05:30",
  "UTC-08:00",
  "Pacific/Auckland",
];
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.parse("2026-01-01T00:00:00Z");

const schedule: fc.Arbitrary<Schedule> = fc.oneof(
  fc.integer({ min: 1, max: 7 }).map((intervalDays) => ({ daily: { intervalDays } })),
  fc
    .record({ dayOfWeek: fc.constantFrom(...WEEK_DAYS), intervalWeeks: fc.integer({ min: 1, max: 4 }) })
    .map((weekly) => ({ weekly })),
  fc
    .record({ dayOfMonth: fc.integer({ min: 1, max: 31 }), intervalMonths: fc.integer({ min: 1, max: 6 }) })
    .map((absoluteMonthly) => ({ absoluteMonthly })),
  fc
    .record({
      weekIndex: fc.constantFrom("First", "Second", "Third", "Fourth", "Last" as const),
      dayOfWeek: fc.constantFrom(...WEEK_DAYS),
      intervalMonths: fc.integer({ min: 1, max: 6 }),
    })
    .map((relativeMonthly) => ({ relativeMonthly })),
);

const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const dateIn = (fromDays: number, spanDays: number) =>
  fc.integer({ min: fromDays, max: fromDays + spanDays }).map((d) => isoDate(T0 + d * DAY));

const spec: fc.Arbitrary<WindowSpec> = fc.record({
  schedule,
  startTime: fc
    .tuple(fc.integer({ min: 0, max: 23 }), fc.constantFrom(0, 15, 30, 45))
    .map(([h, m]) => `${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}`),
  durationHours: fc.integer({ min: 4, max: 24 }),
  zone: fc.constantFrom(...ZONES),
  startDate: fc.option(dateIn(0, 400), { nil: undefined }),
  notAllowedDates: fc.array(
    fc
      .tuple(dateIn(0, 700), fc.integer({ min: 0, max: 20 }))
      .map(([start, len]) => ({ start, end: isoDate(Date.parse(start) + len * DAY) })),
    { maxLength: 3 },
  ),
});

const instant = fc
  .integer({ min: 0, max: 600 })
  .chain((d) => fc.integer({ min: 0, max: DAY - 1 }).map((ms) => T0 + d * DAY + ms));
const freezes = fc.array(
  fc
    .tuple(instant, fc.integer({ min: 1, max: 20 * 24 }))
    .map(([start, hours]) => ({ start, end: start + hours * HOUR })),
  { maxLength: 2 },
);

/** Blocked days computed independently of the code under test: luxon's own local-midnight arithmetic. */
function blockedByDates(s: WindowSpec): Interval[] {
  return (s.notAllowedDates ?? []).map((d) => ({
    start: DateTime.fromISO(d.start, { zone: s.zone }).startOf("day").toMillis(),
    end: DateTime.fromISO(d.end, { zone: s.zone }).plus({ days: 1 }).startOf("day").toMillis(),
  }));
}

const overlaps = (a: Interval, b: Interval) => a.start < b.end && b.start < a.end;

describe("Property: maintenance windows", () => {
  it("every window returned lies in a scheduled window, outside notAllowedDates and freezes, ordered and disjoint", () => {
    fc.assert(
      fc.property(spec, instant, freezes, fc.integer({ min: 1, max: 8 }), (s, from, frozen, count) => {
        const windows = windowsEndingAfter(s, from, count, { blocked: frozen, horizonDays: 500 });
        const scheduled = scheduledWindows(s, from - 2 * DAY, from + 520 * DAY);
        const blocked = [...blockedByDates(s), ...frozen];
        windows.forEach((w, i) => {
          expect(w.end).toBeGreaterThan(from);
          expect(w.start).toBeLessThan(w.end);
          expect(scheduled.some((sw) => sw.start <= w.start && w.end <= sw.end)).toBe(true);
          for (const b of blocked) expect(overlaps(w, b)).toBe(false);
          if (i > 0) expect(windows[i - 1]!.end).toBeLessThanOrEqual(w.start);
        });
      }),
      { numRuns: 300 },
    );
  });

  it("scheduled windows start at startTime on a matching local date and last exactly durationHours", () => {
    fc.assert(
      fc.property(spec, instant, (s, from) => {
        for (const w of scheduledWindows(s, from, from + 120 * DAY)) {
          expect(w.end - w.start).toBe(s.durationHours * HOUR);
          const local = DateTime.fromMillis(w.start, { zone: s.zone });
          const [h, m] = s.startTime.split(":").map(Number) as [number, number];
          const wall = local.hour * 60 + local.minute;
          // Equal, except inside a spring-forward gap, where the start moves forward by the gap.
          expect(wall === h * 60 + m || (wall > h * 60 + m && wall - (h * 60 + m) <= 60)).toBe(true);
          if (s.schedule.weekly)
            expect(local.weekday % 7).toBe(WEEK_DAYS.indexOf(s.schedule.weekly.dayOfWeek));
          if (s.schedule.relativeMonthly)
            expect(local.weekday % 7).toBe(WEEK_DAYS.indexOf(s.schedule.relativeMonthly.dayOfWeek));
          if (s.schedule.absoluteMonthly && wall === h * 60 + m)
            expect(local.day).toBe(s.schedule.absoluteMonthly.dayOfMonth);
          if (s.startDate && wall === h * 60 + m) expect(local.toISODate()! >= s.startDate).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("nextFit returns the earliest start where the whole operation fits inside one window", () => {
    fc.assert(
      fc.property(spec, instant, fc.integer({ min: 1, max: 26 * 60 }), (s, from, minutes) => {
        const windows = windowsEndingAfter(s, from, 12, { horizonDays: 400 });
        const d = minutes * 60_000;
        const t = nextFit(windows, from, d);
        if (t === undefined) {
          for (const w of windows) expect(Math.max(w.start, from) + d).toBeGreaterThan(w.end);
          return;
        }
        expect(t).toBeGreaterThanOrEqual(from);
        expect(windows.some((w) => w.start <= t && t + d <= w.end)).toBe(true);
        for (const w of windows) if (w.end <= t) expect(Math.max(w.start, from) + d).toBeGreaterThan(w.end);
      }),
      { numRuns: 300 },
    );
  });
});
