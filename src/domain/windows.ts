import { DateTime } from "luxon";
import type { Schedule, WeekDay, WindowSpec } from "./window-spec.js";
import { WEEK_DAYS } from "./window-spec.js";

/**
 * Maintenance-window arithmetic. Instants are epoch milliseconds (UTC); local dates and times are
 * interpreted in the window's zone, so a named zone follows daylight saving time.
 *
 * Choices where AKS's documentation is silent or ambiguous (each is tested; README "Window semantics"):
 * - `durationHours` is elapsed time: a 4-hour window that spans a DST change is still 4 hours long.
 * - A start time that does not exist locally (the spring-forward gap) moves forward by the gap, as the
 *   clock does; a start time that exists twice (fall-back) takes the first, earlier instant.
 * - `startDate` is the first local date a window may start on. Interval counting is anchored there:
 *   `intervalWeeks` counts from the first `dayOfWeek` on or after `startDate` (AKS issue #5720),
 *   `intervalDays` from `startDate`, `intervalMonths` from `startDate`'s month. A window read from AKS
 *   always has one (AKS fills in the creation date and returns it). A policy window without one is
 *   anchored at 1970-01-01, so its cadence is stable and reproducible; when Ringmaster writes such a
 *   window to AKS with an interval above 1 it writes a `startDate` on that same grid
 *   (`alignedStartDate`), since AKS would otherwise anchor at the day of the write.
 * - `absoluteMonthly` on a day the month does not have (the 31st in April) has no window that month: a
 *   window on "the 31st" silently moved to the 30th would surprise more than a missing one.
 * - `notAllowedDates` `{start, end}` blocks whole local days, both ends included: from `start` 00:00 to
 *   the midnight that ends `end` (the SDK doc's +02:00 example blocks until `end` 22:00 UTC, i.e. 24:00 local).
 * - A window that overlaps blocked days or a freeze keeps only its allowed parts: what remains still lies
 *   inside the scheduled window, and nothing is ever offered inside a blocked range.
 */
export interface Interval {
  readonly start: number;
  readonly end: number;
}

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** Days since 1970-01-01 of a civil date, independent of any zone. */
function civilDay(year: number, month: number, day: number): number {
  return Math.floor(Date.UTC(year, month - 1, day) / DAY_MS);
}

interface Civil {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  /** 0 = Sunday … 6 = Saturday */
  readonly weekday: number;
  readonly dayNumber: number;
}

function civilFromDayNumber(dayNumber: number): Civil {
  const d = new Date(dayNumber * DAY_MS);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    weekday: d.getUTCDay(),
    dayNumber,
  };
}

function parseDate(text: string): Civil {
  const [y, m, d] = text.split("-").map(Number) as [number, number, number];
  return civilFromDayNumber(civilDay(y, m, d));
}

const weekdayIndex = (day: WeekDay) => WEEK_DAYS.indexOf(day);
const daysInMonth = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();
const WEEK_INDEX = { First: 0, Second: 1, Third: 2, Fourth: 3 } as const;

/** Whether a window of `schedule` starts on local date `date`, given the anchor (startDate or 1970-01-01). */
export function scheduleMatches(schedule: Schedule, date: Civil, anchor: Civil): boolean {
  if (date.dayNumber < anchor.dayNumber) return false;
  if (schedule.daily) {
    return (date.dayNumber - anchor.dayNumber) % schedule.daily.intervalDays === 0;
  }
  if (schedule.weekly) {
    const target = weekdayIndex(schedule.weekly.dayOfWeek);
    if (date.weekday !== target) return false;
    const first = anchor.dayNumber + ((target - anchor.weekday + 7) % 7);
    return ((date.dayNumber - first) / 7) % schedule.weekly.intervalWeeks === 0;
  }
  const monthsSinceAnchor = (date.year - anchor.year) * 12 + (date.month - anchor.month);
  if (schedule.absoluteMonthly) {
    const { dayOfMonth, intervalMonths } = schedule.absoluteMonthly;
    return date.day === dayOfMonth && monthsSinceAnchor % intervalMonths === 0;
  }
  if (schedule.relativeMonthly) {
    const { weekIndex, dayOfWeek, intervalMonths } = schedule.relativeMonthly;
    if (date.weekday !== weekdayIndex(dayOfWeek) || monthsSinceAnchor % intervalMonths !== 0) return false;
    if (weekIndex === "Last") return date.day + 7 > daysInMonth(date.year, date.month);
    return Math.floor((date.day - 1) / 7) === WEEK_INDEX[weekIndex];
  }
  return false;
}

/**
 * Zone arithmetic is pure and asked again at every replay of every cluster's workflow (luxon's zone
 * offsets were 9% of a 300-cluster run), so its answers are memoised. Each map is cleared when it grows
 * past `MEMO_LIMIT`, which bounds memory whatever the run's length.
 */
const MEMO_LIMIT = 50_000;
const localInstants = new Map<string, number>();
const zoneOffsets = new Map<string, number | null>();
/** Offsets change at instants that are multiples of 15 minutes in every zone in use today. */
const OFFSET_BUCKET_MS = 15 * 60_000;

function remember<V>(memo: Map<string, V>, key: string, value: V): V {
  if (memo.size >= MEMO_LIMIT) memo.clear();
  memo.set(key, value);
  return value;
}

function localInstant(date: Civil, hour: number, minute: number, zone: string): number {
  const key = `${zone}|${date.dayNumber}|${hour}|${minute}`;
  return (
    localInstants.get(key) ?? remember(localInstants, key, computeLocalInstant(date, hour, minute, zone))
  );
}

function computeLocalInstant(date: Civil, hour: number, minute: number, zone: string): number {
  // luxon moves a nonexistent local time (spring-forward gap) forward, as the clock does. For a time that
  // exists twice (fall-back) it picks the later instant; we take the first one, when the wall clock first
  // shows it, as cron does.
  const dt = DateTime.fromObject(
    { year: date.year, month: date.month, day: date.day, hour, minute },
    { zone },
  );
  const hourEarlier = dt.minus({ hours: 1 });
  const sameWallClock =
    hourEarlier.hour === dt.hour && hourEarlier.minute === dt.minute && hourEarlier.day === dt.day;
  return sameWallClock ? hourEarlier.toMillis() : dt.toMillis();
}

/**
 * The zone's UTC offset (minutes) through the whole 15-minute bucket holding `instant`, or null when it
 * changes inside the bucket (a historical offset in seconds): the caller then asks luxon for the instant.
 */
function bucketOffset(instant: number, zone: string): number | null {
  const bucket = Math.floor(instant / OFFSET_BUCKET_MS);
  const key = `${zone}|${bucket}`;
  const known = zoneOffsets.get(key);
  if (known !== undefined) return known;
  const first = DateTime.fromMillis(bucket * OFFSET_BUCKET_MS, { zone }).offset;
  const last = DateTime.fromMillis((bucket + 1) * OFFSET_BUCKET_MS - 1, { zone }).offset;
  return remember(zoneOffsets, key, first === last ? first : null);
}

/** Civil date of an instant in a zone. */
function civilAt(instant: number, zone: string): Civil {
  const offset = bucketOffset(instant, zone);
  if (offset !== null) return civilFromDayNumber(Math.floor((instant + offset * 60_000) / DAY_MS));
  const dt = DateTime.fromMillis(instant, { zone });
  return civilFromDayNumber(civilDay(dt.year, dt.month, dt.day));
}

/** Scheduled windows (before blocked dates are removed) that overlap [from, until), in order. */
export function scheduledWindows(spec: WindowSpec, from: number, until: number): Interval[] {
  const [hour, minute] = spec.startTime.split(":").map(Number) as [number, number];
  const durationMs = spec.durationHours * HOUR_MS;
  const anchor = spec.startDate ? parseDate(spec.startDate) : civilFromDayNumber(0);
  // A window that started up to its duration (plus a day of zone slack) before `from` may still be open.
  const firstDay = civilAt(from - durationMs, spec.zone).dayNumber - 1;
  const lastDay = civilAt(until, spec.zone).dayNumber + 1;
  const out: Interval[] = [];
  for (let n = firstDay; n <= lastDay; n++) {
    const date = civilFromDayNumber(n);
    if (!scheduleMatches(spec.schedule, date, anchor)) continue;
    const start = localInstant(date, hour, minute, spec.zone);
    const end = start + durationMs;
    if (end > from && start < until) out.push({ start, end });
  }
  return out;
}

/** `notAllowedDates` as instants: whole local days, both ends included. */
export function blockedIntervals(spec: WindowSpec): Interval[] {
  return (spec.notAllowedDates ?? []).map((span) => {
    const start = parseDate(span.start);
    const endExclusive = civilFromDayNumber(parseDate(span.end).dayNumber + 1);
    return { start: localInstant(start, 0, 0, spec.zone), end: localInstant(endExclusive, 0, 0, spec.zone) };
  });
}

/** `windows` minus every interval in `blocked`; fragments keep their order. */
export function subtract(windows: readonly Interval[], blocked: readonly Interval[]): Interval[] {
  if (blocked.length === 0) return [...windows];
  const sortedBlocked = [...blocked].sort((a, b) => a.start - b.start);
  const out: Interval[] = [];
  for (const w of windows) {
    let cursor = w.start;
    for (const b of sortedBlocked) {
      if (b.end <= cursor || b.start >= w.end) continue;
      if (b.start > cursor) out.push({ start: cursor, end: b.start });
      cursor = Math.max(cursor, b.end);
      if (cursor >= w.end) break;
    }
    if (cursor < w.end) out.push({ start: cursor, end: w.end });
  }
  return out;
}

/** Allowed windows overlapping [from, until): scheduled, minus notAllowedDates, minus `extraBlocked` (freezes). */
export function allowedWindows(
  spec: WindowSpec,
  from: number,
  until: number,
  extraBlocked: readonly Interval[] = [],
): Interval[] {
  return subtract(scheduledWindows(spec, from, until), [...blockedIntervals(spec), ...extraBlocked]);
}

/**
 * The first `count` allowed windows that end after `instant`. A window already open counts, with its real
 * start. Searches at most `horizonDays` ahead, so a schedule whose every window is blocked terminates.
 */
export function windowsEndingAfter(
  spec: WindowSpec,
  instant: number,
  count: number,
  options: { blocked?: readonly Interval[]; horizonDays?: number } = {},
): Interval[] {
  const horizonEnd = instant + (options.horizonDays ?? 800) * DAY_MS;
  const result: Interval[] = [];
  const step = 62 * DAY_MS;
  for (let from = instant; from < horizonEnd && result.length < count; from += step) {
    const until = Math.min(from + step, horizonEnd);
    for (const w of allowedWindows(spec, from, until, options.blocked)) {
      if (w.end <= instant) continue;
      // A window straddling a chunk boundary is seen twice; keep the first sighting.
      const last = result[result.length - 1];
      if (last && w.start < last.end) continue;
      result.push(w);
      if (result.length === count) break;
    }
  }
  return result;
}

/**
 * The earliest instant ≥ `notBefore` at which an operation of `durationMs` fits entirely inside one of
 * `windows` (already free of blocked dates and freezes): it starts inside and ends before the window does.
 */
export function nextFit(
  windows: readonly Interval[],
  notBefore: number,
  durationMs: number,
): number | undefined {
  for (const w of windows) {
    const start = Math.max(w.start, notBefore);
    if (start + durationMs <= w.end) return start;
  }
  return undefined;
}

/** True when `instant` lies inside one of `windows`. */
export function isOpenAt(windows: readonly Interval[], instant: number): boolean {
  return windows.some((w) => w.start <= instant && instant < w.end);
}

/** The interval of a schedule (1 for every day/week/month). */
export function intervalOf(schedule: Schedule): number {
  return (
    schedule.daily?.intervalDays ??
    schedule.weekly?.intervalWeeks ??
    schedule.absoluteMonthly?.intervalMonths ??
    schedule.relativeMonthly?.intervalMonths ??
    1
  );
}

/** The anchor a spec counts intervals from: its `startDate`, else 1970-01-01. */
function anchorOf(startDate: string | undefined): Civil {
  return startDate ? parseDate(startDate) : civilFromDayNumber(0);
}

/**
 * Whether anchoring `schedule` at `a` or at `b` (dates "YYYY-MM-DD"; undefined = 1970-01-01) gives the
 * same grid of window dates from the later of the two on: the interval counts line up.
 */
export function cadenceEquivalent(schedule: Schedule, a: string | undefined, b: string | undefined): boolean {
  const x = anchorOf(a);
  const y = anchorOf(b);
  const n = intervalOf(schedule);
  const mod = (v: number, m: number) => ((v % m) + m) % m;
  if (schedule.daily) return mod(x.dayNumber - y.dayNumber, n) === 0;
  if (schedule.weekly) {
    const target = weekdayIndex(schedule.weekly.dayOfWeek);
    const first = (c: Civil) => c.dayNumber + ((target - c.weekday + 7) % 7);
    return mod(first(x) - first(y), 7 * n) === 0;
  }
  return mod((x.year - y.year) * 12 + (x.month - y.month), n) === 0;
}

/**
 * A `startDate` for AKS that keeps `spec`'s cadence: the latest date on or before `instant`'s local date
 * from which AKS's interval counting (which starts at `startDate`) lands on the same grid as `spec`'s own
 * anchor. Daily and weekly: the last window date on the grid; monthly: the first day of the last month on
 * the grid. Being in the past, it never hides a window.
 */
export function alignedStartDate(spec: WindowSpec, instant: number): string {
  if (spec.startDate) return spec.startDate;
  const today = civilAt(instant, spec.zone);
  const anchor = anchorOf(spec.startDate);
  const n = intervalOf(spec.schedule);
  let chosen: Civil;
  if (spec.schedule.daily || spec.schedule.weekly) {
    const step = spec.schedule.daily ? 1 : 7;
    chosen = today;
    for (let d = today.dayNumber; d > today.dayNumber - step * n - 7; d--) {
      const date = civilFromDayNumber(d);
      if (scheduleMatches(spec.schedule, date, anchor)) {
        chosen = date;
        break;
      }
    }
  } else {
    const months = (today.year - anchor.year) * 12 + (today.month - anchor.month);
    const back = ((months % n) + n) % n;
    const first = new Date(Date.UTC(today.year, today.month - 1 - back, 1));
    chosen = civilFromDayNumber(Math.floor(first.getTime() / DAY_MS));
  }
  return toDateText(chosen);
}

/** The local date ("YYYY-MM-DD") of an instant in a zone. */
export function localDate(instant: number, zone: string): string {
  return toDateText(civilAt(instant, zone));
}

function toDateText(c: Civil): string {
  return `${String(c.year).padStart(4, "0")}-${String(c.month).padStart(2, "0")}-${String(c.day).padStart(2, "0")}`;
}
