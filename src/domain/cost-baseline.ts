/**
 * A cluster's usual daily cost and whether one day departs from it: median and MAD (median absolute
 * deviation) over the days before, so a past spike or two barely moves the baseline, and weekday-aware, so
 * a fleet that scales down at weekends is not flagged every Monday. Pure functions over plain numbers; no
 * model, nothing to download or train. Only increases are anomalies: a cost drop is not what on-call acts on.
 *
 * Weekdays: each day's cost is divided by its weekday's factor (the median ratio of that weekday's days to
 * the overall median, when the history holds at least two of them), the median and MAD are taken over the
 * adjusted costs, and the expected cost of the checked day is that median times its weekday's factor.
 */
export interface DailyAmount {
  /** UTC day, YYYY-MM-DD. */
  readonly day: string;
  readonly cost: number;
}

export interface BaselineThresholds {
  readonly historyDays: number;
  readonly minHistoryDays: number;
  readonly sensitivity: number;
  readonly minIncreasePercent: number;
  readonly minIncreaseAmount: number;
  readonly minSpreadPercent: number;
}

export type CostJudgement =
  | { readonly verdict: "insufficient"; readonly historyDays: number }
  | {
      readonly verdict: "normal" | "anomaly";
      readonly historyDays: number;
      /** The usual cost of the checked day (weekday-adjusted median). */
      readonly expected: number;
      /** The range a day's cost stays in without being an anomaly. */
      readonly low: number;
      readonly high: number;
      readonly weekdayFactor: number;
    };

/** MAD × 1.4826 estimates the standard deviation of normally distributed values. */
const MAD_TO_SIGMA = 1.4826;
const DAY_MS = 86_400_000;

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The UTC weekday of a YYYY-MM-DD day, 0 = Sunday. */
export function weekdayOf(day: string): number {
  return new Date(`${day}T00:00:00Z`).getUTCDay();
}

/** The day `n` days after (negative: before) a YYYY-MM-DD day. */
export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

/**
 * Judges `target` against the `historyDays` days before it. Days of `history` outside that span, on or
 * after the target day, or with a cost that is not a finite number ≥ 0 are ignored; a day missing from
 * the history (no usage rows) is absent, not zero.
 */
export function judgeDailyCost(
  history: readonly DailyAmount[],
  target: DailyAmount,
  t: BaselineThresholds,
): CostJudgement {
  const first = addDays(target.day, -t.historyDays);
  const byDay = new Map<string, number>();
  for (const h of history)
    if (h.day >= first && h.day < target.day && Number.isFinite(h.cost) && h.cost >= 0)
      byDay.set(h.day, (byDay.get(h.day) ?? 0) + h.cost);
  const days = [...byDay].map(([day, cost]) => ({ day, cost, weekday: weekdayOf(day) }));
  if (days.length < t.minHistoryDays) return { verdict: "insufficient", historyDays: days.length };

  const overall = median(days.map((d) => d.cost));
  const factors = weekdayFactors(days, overall);
  const adjusted = days.map((d) => d.cost / factors[d.weekday]!);
  const m = median(adjusted);
  const mad = median(adjusted.map((a) => Math.abs(a - m)));
  const spread = Math.max(MAD_TO_SIGMA * mad, (m * t.minSpreadPercent) / 100);
  const f = factors[weekdayOf(target.day)]!;
  const expected = m * f;
  const high = (m + t.sensitivity * spread) * f;
  const low = Math.max(0, (m - t.sensitivity * spread) * f);
  const anomaly =
    target.cost > high &&
    target.cost - expected >= t.minIncreaseAmount &&
    target.cost >= expected * (1 + t.minIncreasePercent / 100);
  return {
    verdict: anomaly ? "anomaly" : "normal",
    historyDays: days.length,
    expected,
    low,
    high,
    weekdayFactor: f,
  };
}

/** Per weekday (0 = Sunday), the median ratio of its days' cost to the overall median; 1 with fewer than two. */
function weekdayFactors(days: readonly { cost: number; weekday: number }[], overall: number): number[] {
  return Array.from({ length: 7 }, (_, w) => {
    const ratios = days.filter((d) => d.weekday === w).map((d) => d.cost / overall);
    if (!(overall > 0) || ratios.length < 2) return 1;
    const f = median(ratios);
    // A weekday that costs nothing (a cluster stopped at weekends) keeps factor 1: dividing by 0 says nothing.
    return f > 0 ? f : 1;
  });
}
