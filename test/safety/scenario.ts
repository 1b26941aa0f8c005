import { mulberry32 } from "../../src/simulator/seeded-random.js";

/**
 * A safety-net scenario as plain data (issue 15): a fleet, a policy, releases, faults and what people do
 * (approvals, host kills), all placed in minutes after the clock's start. Plain JSON so the shrinker can
 * take it apart and a reproducer can be written to disk and read back; `render.ts` turns it into the
 * fleet file and policy file the app is given. The same seed always gives the same scenario.
 */
export const CLOCK_START = "2026-10-19T00:00:00Z"; // a Monday, a week before Europe leaves summer time
export const WEEKDAYS = [
  "Sunday",
  "Monday",
  "Tuesday",
  "Wednesday",
  "Thursday",
  "Friday",
  "Saturday",
] as const;
export type WeekDay = (typeof WEEKDAYS)[number];
export const WEEK_INDEXES = ["First", "Second", "Third", "Fourth", "Last"] as const;

export type Schedule =
  | { daily: { intervalDays: number } }
  | { weekly: { intervalWeeks: number; dayOfWeek: WeekDay } }
  | { absoluteMonthly: { intervalMonths: number; dayOfMonth: number } }
  | {
      relativeMonthly: {
        intervalMonths: number;
        weekIndex: (typeof WEEK_INDEXES)[number];
        dayOfWeek: WeekDay;
      };
    };

/** A window: AKS's shape (`utcOffset`) on clusters, the policy's (`timeZone` or `utcOffset`) on rings. */
export interface WindowSpec {
  readonly schedule: Schedule;
  readonly startTime: string;
  readonly durationHours: number;
  readonly utcOffset?: string;
  readonly timeZone?: string;
  readonly startDate?: string;
  readonly notAllowedDates?: readonly { start: string; end: string }[];
}

export interface PoolSpec {
  readonly name: string;
  readonly mode: "System" | "User";
  readonly count: number;
  readonly image: string;
}

export interface ClusterSpec {
  readonly name: string;
  readonly subscription: number;
  readonly region: string;
  readonly version: string;
  readonly ring: string;
  readonly pools: readonly PoolSpec[];
  readonly autoUpgradeWindow?: WindowSpec;
  readonly nodeOSWindow?: WindowSpec;
  readonly upgradeChannel?: string;
  readonly nodeOSUpgradeChannel?: string;
  readonly stopped?: boolean;
}

export interface RingSpec {
  readonly name: string;
  readonly window?: WindowSpec;
  readonly soak: string;
  readonly failureBudget: number;
  readonly cap: number;
  readonly approval?: { readonly timeout: string; readonly onTimeout: "approve" | "reject" };
}

export interface FreezeSpec {
  readonly name: string;
  readonly timeZone: string;
  readonly start: string;
  readonly end: string;
}

export interface ReleaseSpec {
  readonly version: string;
  readonly regions: readonly string[];
  readonly atMinute: number;
}

/** A fault entry of the fleet file (src/simulator/fleet-schema.ts FaultSchema), as written there. */
export type FaultSpec = Readonly<Record<string, string | number>>;

export interface ActionSpec {
  readonly atMinute: number;
  /** Approve or reject every active rollout's `ring` (the API's answer is recorded either way). */
  readonly kind: "approve" | "reject" | "kill";
  readonly ring?: string;
  /** kill: minutes the host stays down. */
  readonly downMinutes?: number;
}

export interface ScenarioSpec {
  readonly seed: number;
  readonly spanHours: number;
  readonly subscriptions: number;
  readonly clusters: readonly ClusterSpec[];
  readonly rings: readonly RingSpec[];
  readonly manageWindows: boolean;
  readonly versions: {
    readonly patch: "auto" | "approval";
    readonly minor: "auto" | "approval" | "never";
    readonly deny: readonly string[];
  };
  readonly freezes: readonly FreezeSpec[];
  readonly kubernetes: readonly ReleaseSpec[];
  readonly nodeImages: readonly ReleaseSpec[];
  readonly endOfSupport: readonly { minor: string; atMinute: number }[];
  readonly faults: readonly FaultSpec[];
  readonly actions: readonly ActionSpec[];
  readonly estimates: { readonly controlPlaneMinutes: number; readonly perNodeMinutes: number };
  readonly email: { readonly perMinute: number; readonly perHour: number };
}

const REGIONS = ["westeurope", "northeurope", "eastus", "westus2"];
const ZONES = [
  "UTC",
  "Europe/Berlin",
  "America/New_York",
  "Europe/London",
  "Australia/Sydney",
  "Asia/Kolkata",
];
const OFFSETS = ["+00:00", "+01:00", "+02:00", "-05:00", "+05:30", "-08:00"];
const IMAGE_OLD = "AKSUbuntu-2204gen2containerd-202610.05.0";
const IMAGE_NEW = "AKSUbuntu-2204gen2containerd-202610.19.0";
const APIS = [
  "managedClusters.get",
  "managedClusters.createOrUpdate",
  "agentPools.get",
  "agentPools.createOrUpdate",
  "maintenanceConfigurations.listByManagedCluster",
  "maintenanceConfigurations.createOrUpdate",
  "managedClusters.getUpgradeProfile",
  "managedClusters.listKubernetesVersions",
  "operations.get",
  "resourceGraph.resources",
  "emails.send",
];
const pad = (n: number) => String(n).padStart(2, "0");
const date = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export function generateScenario(seed: number): ScenarioSpec {
  const rnd = mulberry32(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const chance = (p: number) => rnd() < p;
  const start = Date.parse(CLOCK_START);
  const spanHours = int(24, 48);
  const cp = int(5, 15);
  const perNode = int(3, 10);

  const window = (form: "aks" | "ring"): WindowSpec => {
    const kind = rnd();
    const day = pick(WEEKDAYS.slice(1, 4)); // Monday–Wednesday: inside the span
    const schedule: Schedule =
      kind < 0.55
        ? { daily: { intervalDays: chance(0.7) ? 1 : int(2, 3) } }
        : kind < 0.9
          ? { weekly: { intervalWeeks: chance(0.7) ? 1 : int(2, 4), dayOfWeek: day } }
          : kind < 0.95
            ? { absoluteMonthly: { intervalMonths: int(1, 2), dayOfMonth: int(19, 21) } }
            : {
                relativeMonthly: { intervalMonths: 1, weekIndex: pick(["Third", "Fourth"]), dayOfWeek: day },
              };
    const where = form === "aks" || chance(0.3) ? { utcOffset: pick(OFFSETS) } : { timeZone: pick(ZONES) };
    const startDate = chance(0.3) ? { startDate: date(start + int(-20, 1) * 86_400_000) } : {};
    const blocked = chance(0.15)
      ? {
          notAllowedDates: [
            { start: date(start + int(0, 1) * 86_400_000), end: date(start + int(1, 2) * 86_400_000) },
          ],
        }
      : {};
    return {
      schedule,
      startTime: `${pad(int(0, 23))}:${pick(["00", "15", "30", "45"])}`,
      durationHours: int(4, 10),
      ...where,
      ...startDate,
      ...blocked,
    };
  };

  // Sizes skewed small (three in four scenarios 3–12 clusters), a few up to 200: cost grows with size.
  const size = chance(0.03) ? int(60, 200) : chance(0.2) ? int(13, 40) : int(3, 12);
  const subscriptions = int(1, Math.min(3, size));
  const regions = REGIONS.slice(0, int(1, 3));
  const ringCount = int(1, Math.min(4, size));
  const rings: RingSpec[] = Array.from({ length: ringCount }, (_, i) => ({
    name: `r${i + 1}`,
    ...(chance(0.85) ? { window: window("ring") } : {}),
    soak: pick(["PT0S", "PT30M", "PT1H", "PT4H", "PT12H"]),
    failureBudget: pick([0, 0, 0, 1, 2]),
    cap: int(1, 4),
    ...(chance(0.3)
      ? {
          approval: {
            timeout: pick(["PT2H", "PT6H", "PT24H"]),
            onTimeout: pick(["approve", "reject"] as const),
          },
        }
      : {}),
  }));
  const manageWindows = chance(0.3);
  const minorShare = chance(0.3);
  const clusters: ClusterSpec[] = Array.from({ length: size }, (_, i) => {
    const pools: PoolSpec[] = Array.from({ length: int(1, 3) }, (_, p) => ({
      name: p === 0 ? "system" : `user${p}`,
      mode: p === 0 ? "System" : "User",
      count: int(1, 4),
      image: IMAGE_OLD,
    }));
    return {
      name: `c${String(i + 1).padStart(3, "0")}`,
      subscription: int(0, subscriptions - 1),
      region: pick(regions),
      version: minorShare && chance(0.5) ? "1.29.9" : "1.30.4",
      ring: i < ringCount ? `r${i + 1}` : `r${int(1, ringCount)}`,
      pools,
      ...(chance(0.35) ? { autoUpgradeWindow: window("aks") } : {}),
      ...(chance(0.15) ? { nodeOSWindow: window("aks") } : {}),
      ...(chance(0.1) ? { upgradeChannel: pick(["none", "patch", "stable"]) } : {}),
      ...(chance(0.1) ? { nodeOSUpgradeChannel: pick(["None", "NodeImage"]) } : {}),
      ...(chance(0.06) ? { stopped: true } : {}),
    };
  });

  const kubernetes: ReleaseSpec[] = [{ version: "1.30.5", regions, atMinute: int(10, 120) }];
  if (chance(0.35)) kubernetes.push({ version: "1.30.6", regions, atMinute: int(300, 1800) });
  if (minorShare || chance(0.2)) kubernetes.push({ version: "1.31.2", regions, atMinute: int(10, 600) });
  const nodeImages: ReleaseSpec[] = chance(0.4)
    ? [{ version: IMAGE_NEW, regions: regions.filter(() => chance(0.7)), atMinute: int(0, 200) }].filter(
        (r) => r.regions.length > 0,
      )
    : [];

  // Freezes, some across Europe's DST change (25 October 2026, 03:00 CEST → 02:00 CET).
  const freezes: FreezeSpec[] = [];
  for (let f = 0, n = chance(0.4) ? int(1, 2) : 0; f < n; f++) {
    const from = start + int(2, spanHours - 4) * 3_600_000;
    const iso = (ms: number) => new Date(ms).toISOString().slice(0, 16);
    freezes.push({
      name: `freeze${f + 1}`,
      timeZone: pick(["UTC", "Europe/Berlin", "America/New_York"]),
      start: iso(from),
      end: iso(from + int(1, 12) * 3_600_000),
    });
  }

  const faults: FaultSpec[] = [];
  const someCluster = () => pick(clusters);
  for (let k = 0, n = int(0, 6); k < n; k++) {
    const what = rnd();
    const c = someCluster();
    if (what < 0.2)
      faults.push({
        api: pick(APIS),
        status: 429,
        ...(chance(0.5) ? { retryAfterSeconds: int(1, 30) } : {}),
        times: int(1, 5),
      });
    else if (what < 0.35) faults.push({ api: pick(APIS), status: pick([500, 502, 503]), times: int(1, 3) });
    else if (what < 0.55)
      faults.push({
        cluster: c.name,
        pool: pick(c.pools).name,
        on: "upgrade",
        error: "PodDrainFailure",
        times: int(1, 3),
      });
    else if (what < 0.65)
      faults.push({ cluster: c.name, on: "controlPlane", error: "UpgradeFailed", times: 1 });
    else if (what < 0.8)
      faults.push({
        cluster: c.name,
        on: pick(["upgrade", "controlPlane", "nodeImageUpgrade"]),
        slowMinutes: int(10, 180),
        times: 1,
      });
    else
      faults.push({
        event: pick(["lost", "duplicate"]),
        ...(chance(0.5)
          ? {
              eventType: pick([
                "NewKubernetesVersionAvailable",
                "NodePoolRollingSucceeded",
                "ClusterSupportEnding",
              ]),
            }
          : {}),
        times: int(1, 4),
      });
  }

  const patch = chance(0.9) ? ("auto" as const) : ("approval" as const);
  const minor = pick(["auto", "approval", "never"] as const);
  // A bad day in one ring: several of its clusters fail their drains on both attempts (the ring's retry
  // included), so failure budgets and halts are exercised, not only single failures.
  if (chance(0.3)) {
    const ring = pick(rings).name;
    const members = clusters.filter((c) => c.ring === ring);
    for (const c of members.slice(0, int(1, 3)))
      faults.push({
        cluster: c.name,
        pool: pick(c.pools).name,
        on: "upgrade",
        error: "PodDrainFailure",
        times: 2,
      });
  }

  const actions: ActionSpec[] = [];
  for (const r of rings.filter((x) => x.approval)) {
    const when = rnd();
    // Early (before the ring asks), late, twice, a rejection, or never.
    if (when < 0.25) actions.push({ kind: "approve", ring: r.name, atMinute: int(5, 60) });
    else if (when < 0.55) actions.push({ kind: "approve", ring: r.name, atMinute: int(120, spanHours * 60) });
    else if (when < 0.7) {
      const at = int(60, spanHours * 60);
      actions.push(
        { kind: "approve", ring: r.name, atMinute: at },
        { kind: "approve", ring: r.name, atMinute: at + int(0, 90) },
      );
    } else if (when < 0.8) actions.push({ kind: "reject", ring: r.name, atMinute: int(60, spanHours * 60) });
  }
  if ((patch === "approval" || minor === "approval") && chance(0.7))
    actions.push({ kind: "approve", ring: "rollout", atMinute: int(30, spanHours * 30) });
  // A host kill -9 is costly (a child-process host): in few scenarios, and only small ones.
  if (size <= 12 && chance(0.04))
    actions.push({ kind: "kill", atMinute: int(120, spanHours * 60 - 240), downMinutes: int(10, 240) });
  actions.sort((a, b) => a.atMinute - b.atMinute);

  return {
    seed,
    spanHours,
    subscriptions,
    clusters,
    rings,
    manageWindows,
    versions: {
      patch,
      minor,
      deny: chance(0.15) ? ["1.30.5"] : [],
    },
    freezes,
    kubernetes,
    nodeImages,
    endOfSupport: chance(0.15) ? [{ minor: "1.29", atMinute: int(60, 2000) }] : [],
    faults,
    actions,
    estimates: { controlPlaneMinutes: cp, perNodeMinutes: perNode },
    email: chance(0.2) ? { perMinute: int(2, 5), perHour: int(5, 20) } : { perMinute: 30, perHour: 100 },
  };
}

/** Size figures of a scenario, for the spread report. */
export function scenarioSize(s: ScenarioSpec) {
  return {
    clusters: s.clusters.length,
    rings: s.rings.length,
    faults: s.faults.length,
    actions: s.actions.length,
    hours: s.spanHours,
    nodes: s.clusters.reduce((n, c) => n + c.pools.reduce((m, p) => m + p.count, 0), 0),
  };
}

export const IMAGES = { old: IMAGE_OLD, new: IMAGE_NEW };
