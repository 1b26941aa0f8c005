import type { WeekDay } from "./window-spec.js";
import { WEEK_DAYS } from "./window-spec.js";
import { subtract, type Interval } from "./windows.js";

/**
 * The legacy `default` maintenance configuration: `timeInWeek` lists UTC hour slots per weekday (each slot
 * is [h:00, h+1:00)), and `notAllowedTime` lists blocked UTC ranges. Touching slots merge into one window,
 * across midnight too (Monday 23 + Tuesday 0 is one two-hour window). Two entries for one day are unioned.
 */
export interface LegacyDefaultWindow {
  readonly timeInWeek: readonly { day: WeekDay; hourSlots: readonly number[] }[];
  readonly notAllowedTime?: readonly { start: string; end: string }[] | undefined;
}

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

export function legacyWindows(config: LegacyDefaultWindow, from: number, until: number): Interval[] {
  const slotsByDay = new Map<number, Set<number>>();
  for (const entry of config.timeInWeek) {
    const day = WEEK_DAYS.indexOf(entry.day);
    const set = slotsByDay.get(day) ?? new Set<number>();
    for (const h of entry.hourSlots) if (h >= 0 && h <= 23) set.add(h);
    slotsByDay.set(day, set);
  }
  const hours: Interval[] = [];
  for (
    let dayStart = Math.floor(from / DAY_MS) * DAY_MS - DAY_MS;
    dayStart < until + DAY_MS;
    dayStart += DAY_MS
  ) {
    const slots = slotsByDay.get(new Date(dayStart).getUTCDay());
    if (!slots) continue;
    for (const h of [...slots].sort((a, b) => a - b))
      hours.push({ start: dayStart + h * HOUR_MS, end: dayStart + (h + 1) * HOUR_MS });
  }
  const merged: Interval[] = [];
  for (const slot of hours) {
    const last = merged[merged.length - 1];
    if (last && last.end === slot.start) merged[merged.length - 1] = { start: last.start, end: slot.end };
    else merged.push(slot);
  }
  const blocked = (config.notAllowedTime ?? []).map((t) => ({
    start: Date.parse(t.start),
    end: Date.parse(t.end),
  }));
  return subtract(
    merged.filter((w) => w.end > from && w.start < until),
    blocked.filter((b) => !Number.isNaN(b.start) && !Number.isNaN(b.end)),
  );
}
