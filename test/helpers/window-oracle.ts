import { DateTime } from "luxon";
import { parse } from "yaml";

/**
 * An independent judge of "never outside a window": it reads the fleet and policy YAML itself and does its
 * own window arithmetic with luxon, sharing no code with src/domain (a bug there must not hide here). It
 * knows the subset of shapes the outage property test generates — daily (every day) and weekly (every
 * week) windows, in a named zone or a fixed offset, tag selectors, freezes — and refuses anything else
 * rather than judging it wrongly.
 *
 * The promise it checks, for every operation the simulator recorded: the upgrade it belongs to started
 * inside one occurrence of its cluster's governing window, its predicted duration (the policy's
 * `estimates`: control plane + per node × nodes) fits before that occurrence closes, and neither its start
 * nor its predicted run touches a freeze.
 */
export interface OracleWindow {
  readonly daily?: true;
  /** Luxon weekday, 1 = Monday … 7 = Sunday. */
  readonly weekday?: number;
  readonly hour: number;
  readonly minute: number;
  readonly hours: number;
  /** Luxon zone: IANA name or "UTC+01:00". */
  readonly zone: string;
  readonly label: string;
}

export interface OracleInterval {
  readonly start: number;
  readonly end: number;
}

export interface OracleModel {
  /** The window that governs each cluster (ring window or the cluster's own), by cluster name. */
  readonly windows: ReadonlyMap<string, OracleWindow>;
  /** Predicted upgrade duration per cluster, ms. */
  readonly predictedMs: ReadonlyMap<string, number>;
  readonly freezes: readonly (OracleInterval & { name: string })[];
}

export interface OperationLike {
  readonly id: string;
  readonly cluster: string;
  readonly pool: string | null;
  readonly kind: string;
  readonly start: string;
  readonly end: string | null;
}

export interface Violation {
  readonly rule: "outside-window" | "does-not-fit" | "in-freeze" | "runs-into-freeze" | "no-window";
  readonly operation: OperationLike;
  readonly detail: string;
}

const WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

type Raw = Record<string, unknown>;
const obj = (v: unknown, what: string): Raw => {
  if (typeof v !== "object" || v === null) throw new Error(`window oracle: ${what} is not an object`);
  return v as Raw;
};

function zoneOf(w: Raw): string {
  if (typeof w.timeZone === "string") return w.timeZone;
  const offset = typeof w.utcOffset === "string" ? w.utcOffset : "+00:00";
  return offset === "+00:00" ? "UTC" : `UTC${offset}`;
}

/** A ring window (schedule at the top) or an AKS maintenanceWindow (schedule under `schedule`). */
export function readWindow(raw: unknown, label: string): OracleWindow {
  const w = obj(raw, label);
  const schedule = obj(w.schedule ?? w, `${label} schedule`);
  const [hour, minute] = String(w.startTime).split(":").map(Number) as [number, number];
  const base = { hour, minute, hours: Number(w.durationHours), zone: zoneOf(w), label };
  if (!DateTime.fromMillis(0, { zone: base.zone }).isValid)
    throw new Error(`window oracle: ${label}: zone "${base.zone}" is not one luxon knows`);
  if (w.startDate !== undefined || w.notAllowedDates !== undefined)
    throw new Error(`window oracle: ${label}: startDate/notAllowedDates are not modelled`);
  if (schedule.daily !== undefined) {
    if (obj(schedule.daily, label).intervalDays !== 1)
      throw new Error(`window oracle: ${label}: only intervalDays 1 is modelled`);
    return { ...base, daily: true };
  }
  if (schedule.weekly !== undefined) {
    const weekly = obj(schedule.weekly, label);
    if ((weekly.intervalWeeks ?? 1) !== 1)
      throw new Error(`window oracle: ${label}: only intervalWeeks 1 is modelled`);
    const weekday = WEEKDAYS.indexOf(String(weekly.dayOfWeek)) + 1;
    if (weekday === 0)
      throw new Error(`window oracle: ${label}: unknown dayOfWeek ${String(weekly.dayOfWeek)}`);
    return { ...base, weekday };
  }
  throw new Error(`window oracle: ${label}: only daily and weekly schedules are modelled`);
}

/** Every occurrence of the window that is open at some point in [from, until). */
export function occurrences(w: OracleWindow, from: number, until: number): OracleInterval[] {
  const out: OracleInterval[] = [];
  // Start a day before `from` (and go back by the window's length): an occurrence may have opened earlier.
  let day = DateTime.fromMillis(from - DAY - w.hours * HOUR, { zone: w.zone }).startOf("day");
  while (day.toMillis() < until) {
    if (w.daily || day.weekday === w.weekday) {
      // Luxon moves a local time inside a spring-forward gap forward, as the clock does.
      const open = day.set({ hour: w.hour, minute: w.minute, second: 0, millisecond: 0 });
      const start = open.toMillis();
      const end = open.plus({ hours: w.hours }).toMillis(); // elapsed hours, across DST too
      if (end > from && start < until) out.push({ start, end });
    }
    day = day.plus({ days: 1 });
  }
  return out;
}

/** Reads the fleet and policy YAML (the files the app was given) into what the oracle judges by. */
export function oracleFromYaml(fleetYaml: string, policyYaml: string): OracleModel {
  const fleet = obj(parse(fleetYaml), "fleet");
  const spec = obj(obj(parse(policyYaml), "policy").spec, "policy spec");
  const manage = spec.manageWindows === true;
  const estimates = obj(spec.estimates ?? { controlPlaneMinutes: 15, perNodeMinutes: 8 }, "estimates");
  const cp = Number(estimates.controlPlaneMinutes ?? 15);
  const perNode = Number(estimates.perNodeMinutes ?? 8);
  const rings = (spec.rings as Raw[]).map((r) => ({
    name: String(r.name),
    tags: obj(obj(r.selector, `ring ${String(r.name)} selector`).tags, `ring ${String(r.name)} tags`),
    window: r.maintenanceWindow ? readWindow(r.maintenanceWindow, `ring ${String(r.name)}`) : undefined,
  }));
  const windows = new Map<string, OracleWindow>();
  const predictedMs = new Map<string, number>();
  for (const sub of fleet.subscriptions as Raw[]) {
    for (const c of sub.clusters as Raw[]) {
      const name = String(c.name);
      const tags = (c.tags ?? {}) as Record<string, string>;
      const ring = rings.find((r) => Object.entries(r.tags).every(([k, v]) => tags[k] === v));
      const configs = (c.maintenanceConfigurations ?? {}) as Record<string, Raw>;
      const ownRaw = configs.aksManagedAutoUpgradeSchedule?.maintenanceWindow;
      const own = ownRaw ? readWindow(ownRaw, `${name} aksManagedAutoUpgradeSchedule`) : undefined;
      // policy.yaml: with manageWindows the ring window is written to the cluster and wins; otherwise the
      // cluster's own configuration wins and the ring window covers clusters that have none.
      const governing = manage && ring?.window ? ring.window : (own ?? ring?.window);
      if (governing) windows.set(name, governing);
      const nodes = (c.nodePools as Raw[]).reduce((n, p) => n + Number(p.count), 0);
      predictedMs.set(name, (cp + perNode * nodes) * 60_000);
    }
  }
  const freezes = ((spec.freezes ?? []) as Raw[]).map((f) => {
    const zone = typeof f.timeZone === "string" ? f.timeZone : "UTC";
    return {
      name: String(f.name),
      start: DateTime.fromISO(String(f.start), { zone }).toMillis(),
      end: DateTime.fromISO(String(f.end), { zone }).toMillis(),
    };
  });
  return { windows, predictedMs, freezes };
}

/**
 * Judges every operation record. Steps of one upgrade share the operation id; the upgrade's start is its
 * first step's start, and that is what must fit. `slackMs` tolerates the transit between the app's last
 * check and the simulator recording the write (real milliseconds, i.e. simulated minutes at high clock
 * speeds) for the predicted end only: no start may ever lie outside a window or inside a freeze.
 */
export function judge(
  model: OracleModel,
  operations: readonly OperationLike[],
  slackMs: number,
): Violation[] {
  const out: Violation[] = [];
  const firstOf = new Map<string, OperationLike>();
  for (const op of operations) {
    const first = firstOf.get(op.id);
    if (!first || Date.parse(op.start) < Date.parse(first.start)) firstOf.set(op.id, op);
  }
  const iso = (ms: number) => new Date(ms).toISOString();
  for (const op of operations) {
    const w = model.windows.get(op.cluster);
    if (!w) {
      out.push({ rule: "no-window", operation: op, detail: `${op.cluster} has no window at all` });
      continue;
    }
    const start = Date.parse(op.start);
    const upgrade = firstOf.get(op.id)!;
    const upgradeStart = Date.parse(upgrade.start);
    const occurrence = occurrences(w, upgradeStart, upgradeStart + 1).find(
      (o) => o.start <= upgradeStart && upgradeStart < o.end,
    );
    if (!occurrence) {
      const near = occurrences(w, upgradeStart - 2 * DAY, upgradeStart + 2 * DAY)
        .map((o) => `${iso(o.start)}–${iso(o.end)}`)
        .join(", ");
      if (op === upgrade)
        out.push({
          rule: "outside-window",
          operation: op,
          detail: `started ${op.start}, outside every occurrence of ${w.label} (nearby: ${near})`,
        });
      continue;
    }
    // A later step is AKS moving on inside an upgrade that fit (with the same slack), not a new write.
    if (op !== upgrade && start >= occurrence.end + slackMs)
      out.push({
        rule: "outside-window",
        operation: op,
        detail: `step started ${op.start}, outside ${w.label} ${iso(occurrence.start)}–${iso(occurrence.end)} its upgrade began in`,
      });
    const predicted = model.predictedMs.get(op.cluster) ?? 0;
    const predictedEnd = upgradeStart + predicted;
    if (op === upgrade && predictedEnd > occurrence.end + slackMs)
      out.push({
        rule: "does-not-fit",
        operation: op,
        detail: `a ${predicted / 60_000}-minute upgrade started ${op.start} is predicted to end ${iso(predictedEnd)}, after ${w.label} closes ${iso(occurrence.end)}`,
      });
    for (const f of model.freezes) {
      if (f.start <= start && start < f.end)
        out.push({
          rule: "in-freeze",
          operation: op,
          detail: `started ${op.start} inside freeze ${f.name} ${iso(f.start)}–${iso(f.end)}`,
        });
      else if (op === upgrade && upgradeStart < f.start && f.start < predictedEnd - slackMs)
        out.push({
          rule: "runs-into-freeze",
          operation: op,
          detail: `a ${predicted / 60_000}-minute upgrade started ${op.start} runs into freeze ${f.name} at ${iso(f.start)}`,
        });
    }
  }
  return out;
}
