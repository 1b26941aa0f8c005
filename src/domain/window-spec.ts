import { z } from "zod";
import { IANAZone } from "luxon";

/**
 * The window shapes Ringmaster reads: AKS's `maintenanceWindow` (schedule + utcOffset) and the policy's
 * ring window, which is the same schedule written at the top level with a named `timeZone` instead of a
 * fixed offset (so it follows daylight saving time). Field ranges are AKS's (research/aks-apis.md §0.7).
 */
export const WEEK_DAYS = [
  "Sunday",
  "Monday",
  "Tuesday",
  "Wednesday",
  "Thursday",
  "Friday",
  "Saturday",
] as const;
export const WeekDaySchema = z.enum(WEEK_DAYS, { error: `expected a day name: ${WEEK_DAYS.join(", ")}` });
export type WeekDay = z.infer<typeof WeekDaySchema>;

const intIn = (min: number, max: number, what: string) =>
  z
    .number({ error: `expected a whole number ${min}-${max} (${what})` })
    .int({ error: `expected a whole number ${min}-${max} (${what})` })
    .min(min, { error: `must be at least ${min} (${what})` })
    .max(max, { error: `must be at most ${max} (${what})` });

export const DailyScheduleSchema = z.strictObject({ intervalDays: intIn(1, 7, "days between windows") });
export const WeeklyScheduleSchema = z.strictObject({
  dayOfWeek: WeekDaySchema,
  intervalWeeks: intIn(1, 4, "weeks between windows").default(1),
});
export const AbsoluteMonthlyScheduleSchema = z.strictObject({
  dayOfMonth: intIn(1, 31, "day of the month"),
  intervalMonths: intIn(1, 6, "months between windows").default(1),
});
export const WEEK_INDEXES = ["First", "Second", "Third", "Fourth", "Last"] as const;
export const RelativeMonthlyScheduleSchema = z.strictObject({
  weekIndex: z.enum(WEEK_INDEXES, { error: `expected one of ${WEEK_INDEXES.join(", ")}` }),
  dayOfWeek: WeekDaySchema,
  intervalMonths: intIn(1, 6, "months between windows").default(1),
});

/**
 * AKS's schedule. The unused kinds may be absent or `null`: `az aks maintenanceconfiguration show` prints
 * them as `null` (planned-maintenance docs' example output), so a configuration read back from AKS or
 * exported from the CLI parses as it was written. Nulls are dropped.
 */
export const ScheduleSchema = z
  .strictObject({
    daily: DailyScheduleSchema.nullish(),
    weekly: WeeklyScheduleSchema.nullish(),
    absoluteMonthly: AbsoluteMonthlyScheduleSchema.nullish(),
    relativeMonthly: RelativeMonthlyScheduleSchema.nullish(),
  })
  .refine((s) => [s.daily, s.weekly, s.absoluteMonthly, s.relativeMonthly].filter(Boolean).length === 1, {
    message: "set exactly one of daily, weekly, absoluteMonthly or relativeMonthly",
  })
  .transform((s) => ({
    ...(s.daily ? { daily: s.daily } : {}),
    ...(s.weekly ? { weekly: s.weekly } : {}),
    ...(s.absoluteMonthly ? { absoluteMonthly: s.absoluteMonthly } : {}),
    ...(s.relativeMonthly ? { relativeMonthly: s.relativeMonthly } : {}),
  }));
export type Schedule = z.infer<typeof ScheduleSchema>;

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;
const OFFSET = /^[+-](0\d|1[0-4]):[0-5]\d$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export const startTimeSchema = z
  .string({ error: 'expected "HH:MM", e.g. "09:00"' })
  .regex(HHMM, { error: 'expected "HH:MM" between 00:00 and 23:59' });
export const utcOffsetSchema = z
  .string()
  .regex(OFFSET, { error: 'expected an offset like "+01:00" or "-05:30"' });
export const dateSchema = z
  .string({ error: 'expected a date "YYYY-MM-DD"' })
  .regex(DATE, { error: 'expected a date "YYYY-MM-DD"' })
  .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)), { error: "is not a real calendar date" });
export const timeZoneSchema = z
  .string({ error: 'expected an IANA time zone such as "Europe/Berlin"' })
  .refine((tz) => IANAZone.isValidZone(tz), {
    error: 'is not an IANA time zone; expected e.g. "Europe/Berlin" or "America/New_York"',
  });

export const DateSpanSchema = z
  .strictObject({ start: dateSchema, end: dateSchema })
  .refine((s) => s.start <= s.end, {
    message: "start must not be after end",
  });

const windowFields = {
  startTime: startTimeSchema,
  // AKS accepts 4-24 hours and defaults to 24 (REST spec MaintenanceWindow.durationHours: default 24,
  // minimum 4, maximum 24); shorter windows are refused rather than silently treated as 4.
  durationHours: intIn(4, 24, "hours the window stays open").default(24),
  // The first date a window may start on, and the anchor of interval counting. AKS defaults it to the
  // date the configuration was created and returns it on GET (planned-maintenance docs).
  startDate: dateSchema.optional(),
  notAllowedDates: z.array(DateSpanSchema).optional(),
};

/** AKS `maintenanceWindow` as the API accepts and returns it (`utcOffset` defaults to +00:00). */
export const AksMaintenanceWindowSchema = z.object({
  schedule: ScheduleSchema,
  utcOffset: utcOffsetSchema.default("+00:00"),
  ...windowFields,
  notAllowedDates: z
    .array(DateSpanSchema)
    .nullish()
    .transform((d) => d ?? undefined),
});
export type AksMaintenanceWindow = z.infer<typeof AksMaintenanceWindowSchema>;

/** A policy ring window: the schedule at the top level, in a named time zone (or a fixed utcOffset). */
export const PolicyWindowSchema = z
  .strictObject({
    daily: DailyScheduleSchema.optional(),
    weekly: WeeklyScheduleSchema.optional(),
    absoluteMonthly: AbsoluteMonthlyScheduleSchema.optional(),
    relativeMonthly: RelativeMonthlyScheduleSchema.optional(),
    timeZone: timeZoneSchema.optional(),
    utcOffset: utcOffsetSchema.optional(),
    ...windowFields,
  })
  .refine((w) => [w.daily, w.weekly, w.absoluteMonthly, w.relativeMonthly].filter(Boolean).length === 1, {
    message: "set exactly one of daily, weekly, absoluteMonthly or relativeMonthly",
  })
  .refine((w) => !(w.timeZone && w.utcOffset), { message: "set timeZone or utcOffset, not both" });
export type PolicyWindow = z.infer<typeof PolicyWindowSchema>;

/**
 * The one window shape the window math works on. `zone` is an IANA name ("Europe/Berlin") or a fixed
 * offset ("UTC+01:00"); both are luxon zone names.
 */
export interface WindowSpec {
  readonly schedule: Schedule;
  readonly startTime: string;
  readonly durationHours: number;
  readonly zone: string;
  readonly startDate?: string | undefined;
  readonly notAllowedDates?: readonly { start: string; end: string }[] | undefined;
}

export function offsetZone(utcOffset: string): string {
  return utcOffset === "+00:00" || utcOffset === "-00:00" ? "UTC" : `UTC${utcOffset}`;
}

/**
 * A window read from AKS. Without `startDate` AKS anchors at the date the configuration was created, so
 * `createdDate` (the resource's `systemData.createdAt`, as a UTC date) stands in for it when known.
 */
export function fromAksWindow(w: AksMaintenanceWindow, createdDate?: string): WindowSpec {
  return {
    schedule: w.schedule,
    startTime: w.startTime,
    durationHours: w.durationHours,
    zone: offsetZone(w.utcOffset),
    startDate: w.startDate ?? createdDate,
    notAllowedDates: w.notAllowedDates,
  };
}

export function fromPolicyWindow(w: PolicyWindow): WindowSpec {
  const schedule = {
    daily: w.daily,
    weekly: w.weekly,
    absoluteMonthly: w.absoluteMonthly,
    relativeMonthly: w.relativeMonthly,
  };
  return {
    schedule,
    startTime: w.startTime,
    durationHours: w.durationHours,
    zone: w.timeZone ?? offsetZone(w.utcOffset ?? "+00:00"),
    startDate: w.startDate,
    notAllowedDates: w.notAllowedDates,
  };
}
