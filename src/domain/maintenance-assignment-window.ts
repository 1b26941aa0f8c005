import { WEEK_DAYS, type WeekDay } from "./window-spec.js";
import { subtract, type Interval } from "./windows.js";

/**
 * The window of a Microsoft.Maintenance public configuration for AKS (`aks-mrp-cfg-weekday_utc8`,
 * `aks-mrp-cfg-weekend_utc-5`), the preview mechanism AKS-native maintenance configurations replaced
 * (research/aks-apis.md §5): weekday = Monday–Thursday, weekend = Friday–Sunday, each night 22:00→06:00 at
 * the configuration's fixed UTC offset (`_utc` alone is UTC+0; canary regions append `-eastus2euap`).
 *
 * Which day an overnight window belongs to: the day it *starts*. Microsoft.Maintenance's `recurEvery`
 * ("Week Friday,Saturday,Sunday") lists the days a window starts on, and `duration` ("08:00") runs from
 * `startDateTime`'s time of day, so the weekend's Sunday window ends Monday 06:00 and the weekday's
 * Thursday window ends Friday 06:00; Friday 00:00–06:00 local belongs to the weekday configuration, and
 * Monday 00:00–06:00 to the weekend one.
 *
 * The configuration's own `maintenanceWindow` is preferred when it was read (its days, start time and
 * duration; its offset when its `timeZone` is one without daylight saving time); the name answers for what
 * is missing or not understood.
 */
export interface PublicConfigWindow {
  /** The public configuration's name, e.g. "aks-mrp-cfg-weekend_utc-5". */
  readonly configuration: string;
  /** The local days a window starts on. */
  readonly days: readonly WeekDay[];
  /** Local start time, "HH:MM". */
  readonly startTime: string;
  readonly durationMinutes: number;
  /** Fixed offset, "+08:00" / "-05:00". */
  readonly utcOffset: string;
}

export const PUBLIC_CONFIG_PREFIX = "aks-mrp-cfg-";
const WEEKDAY_NIGHTS: readonly WeekDay[] = ["Monday", "Tuesday", "Wednesday", "Thursday"];
const WEEKEND_NIGHTS: readonly WeekDay[] = ["Friday", "Saturday", "Sunday"];
const NAME = /^aks-mrp-cfg-(weekday|weekend)_utc(?:([+-]?)(\d{1,2}))?(?:-[a-z][a-z0-9]*)?$/i;

const offsetText = (hours: number) =>
  `${hours < 0 ? "-" : "+"}${String(Math.abs(hours)).padStart(2, "0")}:00`;

/** What the name says: the nights and the offset; undefined for anything that is not an AKS public config. */
export function parsePublicConfigName(
  name: string,
): { readonly nights: "weekday" | "weekend"; readonly utcOffset: string } | undefined {
  const m = NAME.exec(name.trim());
  if (!m) return undefined;
  const hours = m[3] === undefined ? 0 : Number(m[3]) * (m[2] === "-" ? -1 : 1);
  if (hours < -12 || hours > 12) return undefined;
  return { nights: m[1]!.toLowerCase() as "weekday" | "weekend", utcOffset: offsetText(hours) };
}

/** The configuration's name from a `maintenanceConfigurationId` (…/publicMaintenanceConfigurations/{name}). */
export function publicConfigNameOf(maintenanceConfigurationId: string): string | undefined {
  const m = /\/providers\/Microsoft\.Maintenance\/publicMaintenanceConfigurations\/([^/]+)$/i.exec(
    maintenanceConfigurationId,
  );
  return m?.[1];
}

/**
 * Windows time-zone ids with no daylight saving time, by offset: the zones a public configuration for a
 * fixed `utc{n}` can name. A zone that follows daylight saving time (e.g. "Eastern Standard Time") is not
 * here: AKS documents the configurations by their fixed offset, so the name's offset answers then.
 */
const FIXED_WINDOWS_ZONES: Readonly<Record<string, number>> = {
  "Dateline Standard Time": -12,
  "UTC-11": -11,
  "Hawaiian Standard Time": -10,
  "UTC-09": -9,
  "UTC-08": -8,
  "US Mountain Standard Time": -7,
  "Central America Standard Time": -6,
  "SA Pacific Standard Time": -5,
  "SA Western Standard Time": -4,
  "SA Eastern Standard Time": -3,
  "UTC-02": -2,
  "Cape Verde Standard Time": -1,
  UTC: 0,
  "Coordinated Universal Time": 0,
  "W. Central Africa Standard Time": 1,
  "South Africa Standard Time": 2,
  "Arab Standard Time": 3,
  "Arabian Standard Time": 4,
  "West Asia Standard Time": 5,
  "Central Asia Standard Time": 6,
  "SE Asia Standard Time": 7,
  "China Standard Time": 8,
  "Tokyo Standard Time": 9,
  "West Pacific Standard Time": 10,
  "Central Pacific Standard Time": 11,
  "UTC+12": 12,
};

/** The public configuration's `properties.maintenanceWindow` (Microsoft.Maintenance 2023-04-01). */
export interface MaintenanceWindowProperties {
  readonly startDateTime?: string | undefined;
  readonly duration?: string | undefined;
  readonly timeZone?: string | undefined;
  readonly recurEvery?: string | undefined;
}

function daysOf(recurEvery: string | undefined): WeekDay[] | undefined {
  const m = /^\s*(?:1\s*)?Weeks?\s+([A-Za-z,\s]+)$/i.exec(recurEvery ?? "");
  if (!m) return undefined;
  const days = m[1]!
    .split(",")
    .map((d) => d.trim())
    .map((d) => WEEK_DAYS.find((w) => w.toLowerCase() === d.toLowerCase()));
  return days.length && days.every(Boolean) ? (days as WeekDay[]) : undefined;
}

function minutesOf(duration: string | undefined): number | undefined {
  const m = /^(\d{1,2}):([0-5]\d)$/.exec(duration?.trim() ?? "");
  const minutes = m ? Number(m[1]) * 60 + Number(m[2]) : undefined;
  return minutes && minutes > 0 ? minutes : undefined;
}

/**
 * The window of an AKS public configuration, from its name and, when given, its own maintenanceWindow
 * properties; undefined when the name is not an `aks-mrp-cfg-*` one (other assignments are not windows
 * Ringmaster knows how to honour).
 */
export function publicConfigWindow(
  name: string,
  properties?: MaintenanceWindowProperties,
): PublicConfigWindow | undefined {
  const named = parsePublicConfigName(name);
  if (!named) return undefined;
  const startTime = /\b([01]\d|2[0-3]):([0-5]\d)$/.exec(properties?.startDateTime?.trim() ?? "");
  const zoneHours = properties?.timeZone ? FIXED_WINDOWS_ZONES[properties.timeZone.trim()] : undefined;
  return {
    configuration: name,
    days: daysOf(properties?.recurEvery) ?? (named.nights === "weekday" ? WEEKDAY_NIGHTS : WEEKEND_NIGHTS),
    startTime: startTime ? `${startTime[1]}:${startTime[2]}` : "22:00",
    durationMinutes: minutesOf(properties?.duration) ?? 8 * 60,
    utcOffset: zoneHours === undefined ? named.utcOffset : offsetText(zoneHours),
  };
}

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

export function offsetMinutes(utcOffset: string): number {
  const m = /^([+-])(\d{2}):(\d{2})$/.exec(utcOffset);
  if (!m) throw new Error(`utcOffset: expected "+HH:MM", got "${utcOffset}"`);
  return (m[1] === "-" ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
}

/** The windows that overlap [from, until), minus what is blocked (freezes): each starts on one of `days`. */
export function publicConfigIntervals(
  w: PublicConfigWindow,
  from: number,
  until: number,
  blocked: readonly Interval[] = [],
): Interval[] {
  const offsetMs = offsetMinutes(w.utcOffset) * MINUTE_MS;
  const [hh, mm] = w.startTime.split(":").map(Number) as [number, number];
  const startMs = (hh * 60 + mm) * MINUTE_MS;
  const durationMs = w.durationMinutes * MINUTE_MS;
  const days = new Set(w.days.map((d) => WEEK_DAYS.indexOf(d)));
  const out: Interval[] = [];
  // Local day numbers (days since 1970-01-01 at the offset); a window may start days before `from`.
  const back = Math.ceil(durationMs / DAY_MS) + 1;
  const first = Math.floor((from + offsetMs) / DAY_MS) - back;
  const last = Math.floor((until + offsetMs) / DAY_MS);
  for (let day = first; day <= last; day++) {
    // 1970-01-01 was a Thursday (4).
    if (!days.has((((day + 4) % 7) + 7) % 7)) continue;
    const start = day * DAY_MS + startMs - offsetMs;
    const end = start + durationMs;
    if (end <= from || start >= until) continue;
    const prev = out[out.length - 1];
    if (prev && prev.end >= start) out[out.length - 1] = { start: prev.start, end: Math.max(prev.end, end) };
    else out.push({ start, end });
  }
  return subtract(out, blocked);
}

/** The AKS-native equivalent Ringmaster writes when it migrates an assignment (`ringmaster windows migrate`). */
export interface MigratedWindow {
  readonly maintenanceWindow: {
    readonly schedule: { readonly weekly: { readonly dayOfWeek: WeekDay; readonly intervalWeeks: 1 } };
    readonly startTime: string;
    readonly durationHours: number;
    readonly utcOffset: string;
  };
  /** Nights the public configuration had that the AKS configuration does not (AKS weekly takes one day). */
  readonly nightsDropped: readonly WeekDay[];
}

/**
 * The `aksManagedAutoUpgradeSchedule` equivalent of a public configuration: a weekly schedule, start time,
 * duration and offset of the configuration. AKS's weekly schedule takes exactly one `dayOfWeek`, and only
 * one `aksManagedAutoUpgradeSchedule` may exist per cluster, so a several-night configuration becomes its
 * first night (Monday for weekday, Friday for weekend): never wider than the assignment allowed, and the
 * dropped nights are named in the summary. A duration AKS cannot store (whole hours, 4–24) has no
 * equivalent: undefined, and the caller says why.
 */
export function migratedWindow(w: PublicConfigWindow): MigratedWindow | undefined {
  const [first, ...rest] = w.days;
  if (!first || w.durationMinutes % 60 !== 0) return undefined;
  if (w.durationMinutes < 4 * 60 || w.durationMinutes > 24 * 60) return undefined;
  return {
    maintenanceWindow: {
      schedule: { weekly: { dayOfWeek: first, intervalWeeks: 1 } },
      startTime: w.startTime,
      durationHours: w.durationMinutes / 60,
      utcOffset: w.utcOffset,
    },
    nightsDropped: rest,
  };
}
