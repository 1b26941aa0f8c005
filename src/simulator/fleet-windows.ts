/**
 * How Fleet Manager sees a member's maintenance window (limits-fleet-infra.md §2): Full and
 * ControlPlaneOnly runs honour `aksManagedAutoUpgradeSchedule`, NodeImageOnly runs
 * `aksManagedNodeOSUpgradeSchedule`; a member whose window is closed waits (Pending) and Fleet looks again
 * at its next poll, every 60 minutes; members go in the order: window open now, window opening within
 * 4 hours, no window, window closed. The simulator's own arithmetic on the AKS REST shape (fixed
 * `utcOffset`, as AKS stores it); it shares nothing with src/domain, whose window math it judges.
 */
export const FLEET_WINDOW_POLL_MS = 60 * 60_000;
const SOON_MS = 4 * 3_600_000;
const DAY_MS = 86_400_000;
const WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const WEEK_INDEX = ["First", "Second", "Third", "Fourth"];

export type WindowState = "open" | "soon" | "none" | "closed";
export const WINDOW_ORDER: Record<WindowState, number> = { open: 0, soon: 1, none: 2, closed: 3 };

interface Schedule {
  daily?: { intervalDays?: number };
  weekly?: { intervalWeeks?: number; dayOfWeek?: string };
  absoluteMonthly?: { intervalMonths?: number; dayOfMonth?: number };
  relativeMonthly?: { intervalMonths?: number; weekIndex?: string; dayOfWeek?: string };
}
interface MaintenanceWindow {
  schedule?: Schedule;
  durationHours?: number;
  utcOffset?: string;
  startDate?: string;
  startTime?: string;
  notAllowedDates?: { start: string; end: string }[];
}

export function windowConfigName(upgradeType: string): string {
  return upgradeType === "NodeImageOnly"
    ? "aksManagedNodeOSUpgradeSchedule"
    : "aksManagedAutoUpgradeSchedule";
}

function offsetMs(utcOffset: string | undefined): number {
  const m = /^([+-])(\d{2}):(\d{2})$/.exec(utcOffset ?? "+00:00");
  if (!m) return 0;
  return (m[1] === "-" ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) * 60_000;
}

/** Does a window occurrence start on this local day (days since 1970-01-01 in the window's offset)? */
function startsOn(schedule: Schedule, day: number, firstDay: number): boolean {
  const date = new Date(day * DAY_MS);
  const weekday = WEEKDAYS[date.getUTCDay()];
  const months = (y: number, m: number) => y * 12 + m;
  const first = new Date(firstDay * DAY_MS);
  const monthsSince =
    months(date.getUTCFullYear(), date.getUTCMonth()) - months(first.getUTCFullYear(), first.getUTCMonth());
  if (schedule.daily) return (day - firstDay) % Math.max(1, schedule.daily.intervalDays ?? 1) === 0;
  if (schedule.weekly) {
    if (weekday !== schedule.weekly.dayOfWeek) return false;
    return Math.floor((day - firstDay) / 7) % Math.max(1, schedule.weekly.intervalWeeks ?? 1) === 0;
  }
  if (schedule.absoluteMonthly) {
    if (date.getUTCDate() !== schedule.absoluteMonthly.dayOfMonth) return false;
    return monthsSince % Math.max(1, schedule.absoluteMonthly.intervalMonths ?? 1) === 0;
  }
  if (schedule.relativeMonthly) {
    const r = schedule.relativeMonthly;
    if (weekday !== r.dayOfWeek || monthsSince % Math.max(1, r.intervalMonths ?? 1) !== 0) return false;
    const nth = Math.floor((date.getUTCDate() - 1) / 7);
    if (r.weekIndex === "Last") return date.getUTCDate() + 7 > daysInMonth(date);
    return WEEK_INDEX[nth] === r.weekIndex;
  }
  return false;
}

const daysInMonth = (d: Date) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();

/** The occurrences of a window that overlap [from, to] (UTC ms). */
export function occurrences(
  config: Record<string, unknown>,
  from: number,
  to: number,
): { start: number; end: number }[] {
  const w = config.maintenanceWindow as MaintenanceWindow | undefined;
  if (!w?.schedule) return [];
  const off = offsetMs(w.utcOffset);
  const [hh, mm] = (w.startTime ?? "00:00").split(":").map(Number) as [number, number];
  const lengthMs = (w.durationHours ?? 4) * 3_600_000;
  const firstDay = w.startDate ? Math.floor(Date.parse(`${w.startDate}T00:00:00Z`) / DAY_MS) : 0;
  const blocked = (w.notAllowedDates ?? []).map((d) => ({
    start: Date.parse(`${d.start}T00:00:00Z`) - off,
    end: Date.parse(`${d.end}T00:00:00Z`) - off + DAY_MS,
  }));
  const out: { start: number; end: number }[] = [];
  for (
    let day = Math.floor((from + off - lengthMs) / DAY_MS) - 1;
    day <= Math.floor((to + off) / DAY_MS);
    day++
  ) {
    if (day < firstDay || !startsOn(w.schedule, day, firstDay)) continue;
    const start = day * DAY_MS + (hh * 60 + mm) * 60_000 - off;
    const end = start + lengthMs;
    if (end <= from || start > to) continue;
    if (blocked.some((b) => start < b.end && end > b.start)) continue;
    out.push({ start, end });
  }
  return out;
}

/** Where a member stands for Fleet at `now`: no configuration, open, opening within 4 hours, or closed. */
export function windowState(config: Record<string, unknown> | undefined, now: number): WindowState {
  if (!config) return "none";
  const found = occurrences(config, now, now + SOON_MS);
  if (found.some((o) => o.start <= now && now < o.end)) return "open";
  return found.length ? "soon" : "closed";
}
