import { DateTime } from "luxon";
import type { Interval } from "./windows.js";

/** An org-wide change freeze: local date-times in a named zone, start inclusive, end exclusive. */
export interface Freeze {
  readonly name: string;
  readonly timeZone: string;
  readonly start: string;
  readonly end: string;
}

export interface FreezeInterval extends Interval {
  readonly name: string;
}

export function freezeIntervals(freezes: readonly Freeze[]): FreezeInterval[] {
  return freezes.map((f) => ({
    name: f.name,
    start: DateTime.fromISO(f.start, { zone: f.timeZone }).toMillis(),
    end: DateTime.fromISO(f.end, { zone: f.timeZone }).toMillis(),
  }));
}

/** The freeze in force at `instant`, if any. */
export function freezeAt(freezes: readonly FreezeInterval[], instant: number): FreezeInterval | undefined {
  return freezes.find((f) => f.start <= instant && instant < f.end);
}
