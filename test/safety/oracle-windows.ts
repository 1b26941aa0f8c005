import { DateTime } from "luxon";
import { WEEKDAYS, type WindowSpec } from "./scenario.js";

/**
 * The safety oracle's own window arithmetic, written from AKS's documentation (research/aks-apis.md §2)
 * and sharing no code with src/domain: a bug there must not hide here. Its readings, where the docs leave
 * room, are the ones the README's "Window semantics" states:
 * - each local date of the window's zone (IANA name or fixed offset) may open one occurrence at
 *   `startTime` (a time inside a spring-forward gap moves forward, luxon's rule); it lasts
 *   `durationHours` of elapsed time;
 * - nothing opens before `startDate`; intervals count from `startDate` (weekly: from the first
 *   `dayOfWeek` on or after it; monthly: from its month), or from 1970-01-01 when there is none;
 * - `absoluteMonthly` on a day the month lacks opens nothing that month; relativeMonthly `Last` is the
 *   last such weekday of the month;
 * - `notAllowedDates` block whole local days, both ends included;
 * - a Microsoft.Maintenance assignment to an AKS public configuration opens the nights its name says
 *   (`assignmentOccurrences`, below), a night belonging to the day it starts on.
 */
export interface Span {
  readonly start: number;
  readonly end: number;
}

const DAY = 86_400_000;
const HOUR = 3_600_000;

function zoneOf(w: WindowSpec): string {
  if (w.timeZone) return w.timeZone;
  const offset = w.utcOffset ?? "+00:00";
  return offset === "+00:00" ? "UTC" : `UTC${offset}`;
}

/** Whole days from 1970-01-01 to the local date `d` (zone-free civil arithmetic). */
const dayIndex = (d: DateTime) => Math.round(Date.UTC(d.year, d.month - 1, d.day) / DAY);
const civil = (text: string) => {
  const [y, m, dd] = text.split("-").map(Number) as [number, number, number];
  return { y, m, d: dd, index: Math.round(Date.UTC(y, m - 1, dd) / DAY) };
};
/** Luxon weekday (1 = Monday … 7 = Sunday) of a day name. */
const luxonWeekday = (name: string) => {
  const i = WEEKDAYS.indexOf(name as (typeof WEEKDAYS)[number]);
  return i === 0 ? 7 : i;
};

function opensOn(w: WindowSpec, d: DateTime): boolean {
  const anchor = civil(w.startDate ?? "1970-01-01");
  const today = dayIndex(d);
  if (w.startDate && today < anchor.index) return false;
  const s = w.schedule;
  if ("daily" in s) return (today - anchor.index) % s.daily.intervalDays === 0;
  if ("weekly" in s) {
    const wd = luxonWeekday(s.weekly.dayOfWeek);
    if (d.weekday !== wd) return false;
    // The first such weekday on or after the anchor date.
    const anchorWeekday = DateTime.fromObject(
      { year: anchor.y, month: anchor.m, day: anchor.d },
      { zone: "UTC" },
    ).weekday;
    const first = anchor.index + ((wd - anchorWeekday + 7) % 7);
    if (today < first) return false;
    return ((today - first) / 7) % s.weekly.intervalWeeks === 0;
  }
  const months = (d.year - anchor.y) * 12 + (d.month - anchor.m);
  if ("absoluteMonthly" in s)
    return d.day === s.absoluteMonthly.dayOfMonth && months % s.absoluteMonthly.intervalMonths === 0;
  const r = s.relativeMonthly;
  if (d.weekday !== luxonWeekday(r.dayOfWeek) || months % r.intervalMonths !== 0) return false;
  if (r.weekIndex === "Last") return d.day + 7 > d.daysInMonth!;
  const nth = ["First", "Second", "Third", "Fourth"].indexOf(r.weekIndex);
  return Math.floor((d.day - 1) / 7) === nth;
}

/** Occurrences open at some point in [from, until), whole (blocked days not cut out). */
export function occurrences(w: WindowSpec, from: number, until: number): Span[] {
  const zone = zoneOf(w);
  const [hour, minute] = w.startTime.split(":").map(Number) as [number, number];
  const out: Span[] = [];
  let day = DateTime.fromMillis(from - DAY - w.durationHours * HOUR, { zone }).startOf("day");
  while (day.toMillis() < until) {
    if (opensOn(w, day)) {
      const open = day.set({ hour, minute, second: 0, millisecond: 0 });
      const span = { start: open.toMillis(), end: open.toMillis() + w.durationHours * HOUR };
      if (span.end > from && span.start < until) out.push(span);
    }
    day = day.plus({ days: 1 });
  }
  return out;
}

/** The window's blocked days as instants: local midnight of `start` to the midnight after `end`. */
export function blockedDays(w: WindowSpec): Span[] {
  const zone = zoneOf(w);
  return (w.notAllowedDates ?? []).map((b) => ({
    start: DateTime.fromISO(b.start, { zone }).startOf("day").toMillis(),
    end: DateTime.fromISO(b.end, { zone }).startOf("day").plus({ days: 1 }).toMillis(),
  }));
}

/** A freeze's local start and end in its zone. */
export function freezeSpan(f: { timeZone: string; start: string; end: string }): Span {
  return {
    start: DateTime.fromISO(f.start, { zone: f.timeZone }).toMillis(),
    end: DateTime.fromISO(f.end, { zone: f.timeZone }).toMillis(),
  };
}

/**
 * A Microsoft.Maintenance assignment's window, read from the AKS public configuration's name as AKS
 * documents them (research/aks-apis.md §5): `weekday` nights start Monday–Thursday, `weekend` nights
 * Friday–Sunday, each 22:00 local for 8 hours at the name's fixed offset (`_utc` alone is UTC+0), so the
 * weekend's Sunday night ends Monday 06:00 local. Undefined for a name that is not one of them.
 */
export function assignmentNights(
  configuration: string,
): { weekdays: number[]; offsetHours: number } | undefined {
  const m = /^aks-mrp-cfg-(weekday|weekend)_utc(-?\d{1,2})?$/.exec(configuration);
  if (!m) return undefined;
  return { weekdays: m[1] === "weekday" ? [1, 2, 3, 4] : [5, 6, 7], offsetHours: Number(m[2] ?? 0) };
}

/** Nights of an assignment open at some point in [from, until). */
export function assignmentOccurrences(configuration: string, from: number, until: number): Span[] {
  const nights = assignmentNights(configuration);
  if (!nights) throw new Error(`oracle: ${configuration} is not an AKS public configuration it reads`);
  const h = nights.offsetHours;
  const zone = h === 0 ? "UTC" : `UTC${h > 0 ? "+" : ""}${h}`;
  const out: Span[] = [];
  for (let day = DateTime.fromMillis(from - DAY, { zone }).startOf("day"); day.toMillis() < until;) {
    if (nights.weekdays.includes(day.weekday)) {
      const start = day.set({ hour: 22 }).toMillis();
      const span = { start, end: start + 8 * HOUR };
      if (span.end > from && span.start < until) out.push(span);
    }
    day = day.plus({ days: 1 });
  }
  return out;
}

/** The window that governs an upgrade: AKS-shaped (a cluster's or a ring's), or an assignment's. */
export type Governing =
  | { readonly kind: "aks"; readonly spec: WindowSpec }
  | { readonly kind: "assignment"; readonly configuration: string };

export const openings = (g: Governing, from: number, until: number): Span[] =>
  g.kind === "aks" ? occurrences(g.spec, from, until) : assignmentOccurrences(g.configuration, from, until);

/** Blocked days of the governing window (an assignment has none; freezes are the policy's, apart). */
export const blockedOf = (g: Governing): Span[] => (g.kind === "aks" ? blockedDays(g.spec) : []);
