import { DateTime } from "luxon";
import type { WindowSource } from "./inventory.js";
import { legacyWindows } from "./legacy-window.js";
import { publicConfigIntervals } from "./maintenance-assignment-window.js";
import { testBreak } from "./test-break.js";
import type { WindowSpec } from "./window-spec.js";
import {
  alignedStartDate,
  allowedWindows,
  cadenceEquivalent,
  intervalOf,
  localDate,
  subtract,
  windowsEndingAfter,
  type Interval,
} from "./windows.js";

/** Allowed windows of any window source; no source at all means "any time" (minus what is blocked). */
export function windowIntervals(
  source: WindowSource | undefined,
  from: number,
  until: number,
  blocked: readonly Interval[],
): Interval[] {
  // A deliberate break (test-break.ts): every window open, freezes still apply.
  if (!source || testBreak() === "window") return subtract([{ start: from, end: until }], blocked);
  if (source.kind === "legacy") return subtract(legacyWindows(source.config, from, until), blocked);
  if (source.kind === "assignment") return publicConfigIntervals(source.window, from, until, blocked);
  return allowedWindows(source.spec, from, until, blocked);
}

/** The UTC offset ("+01:00") a zone has at an instant. */
export function utcOffsetAt(zone: string, instant: number): string {
  const minutes = DateTime.fromMillis(instant, { zone }).offset;
  const sign = minutes < 0 ? "-" : "+";
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
}

export interface AksWindowPayload {
  readonly schedule: WindowSpec["schedule"];
  readonly startTime: string;
  readonly durationHours: number;
  readonly utcOffset: string;
  readonly startDate?: string;
  readonly notAllowedDates?: { start: string; end: string }[];
}

/**
 * A policy window as AKS can store it. AKS knows only fixed offsets, so a named zone becomes the offset in
 * force at the next window start; reconciliation rewrites it when daylight saving time changes it. Freezes
 * become `notAllowedDates` (whole local days that a freeze touches), so AKS's own auto-upgrades respect
 * them too. `configuredStartDate` is the `startDate` AKS has now, if any (see `startDateFor`).
 */
export function toAksWindow(
  spec: WindowSpec,
  at: number,
  freezes: readonly Interval[] = [],
  configuredStartDate?: string,
): AksWindowPayload {
  const next = windowsEndingAfter(spec, at, 1, { horizonDays: 400 })[0];
  const offset = spec.zone.startsWith("UTC")
    ? spec.zone === "UTC"
      ? "+00:00"
      : spec.zone.slice(3)
    : utcOffsetAt(spec.zone, next?.start ?? at);
  const notAllowed = [
    ...(spec.notAllowedDates ?? []),
    ...freezes.map((f) => ({
      start: DateTime.fromMillis(f.start, { zone: spec.zone }).toISODate()!,
      end: DateTime.fromMillis(f.end - 1, { zone: spec.zone }).toISODate()!,
    })),
  ];
  const startDate = startDateFor(spec, at, next, configuredStartDate);
  return {
    schedule: spec.schedule,
    startTime: spec.startTime,
    durationHours: spec.durationHours,
    utcOffset: offset,
    ...(startDate ? { startDate } : {}),
    ...(notAllowed.length ? { notAllowedDates: notAllowed } : {}),
  };
}

/**
 * The `startDate` to write so that AKS anchors the interval exactly where Ringmaster does (AKS counts
 * intervals from `startDate`, and without one from the day the configuration is written):
 * - the policy's own `startDate`, when it has one;
 * - else the date AKS has configured, when it keeps Ringmaster's cadence and hides no window Ringmaster
 *   expects (it is not after the next window's local date): nothing to rewrite;
 * - else, for an interval above 1, a date on Ringmaster's grid on or before today (`alignedStartDate`);
 * - else none: every anchor gives an interval of 1 the same grid, and AKS's default (today) hides nothing.
 */
export function startDateFor(
  spec: WindowSpec,
  at: number,
  next: Interval | undefined,
  configuredStartDate: string | undefined,
): string | undefined {
  if (spec.startDate) return spec.startDate;
  const horizon = localDate(next?.start ?? at, spec.zone);
  if (
    configuredStartDate &&
    configuredStartDate <= horizon &&
    cadenceEquivalent(spec.schedule, configuredStartDate, undefined)
  )
    return configuredStartDate;
  return intervalOf(spec.schedule) > 1 ? alignedStartDate(spec, at) : undefined;
}
