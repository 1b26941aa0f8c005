import { drawActions, drawAlerts, drawFaults, draws } from "./scenario-draws.js";
import {
  CLOCK_START,
  WEEKDAYS,
  type ClusterSpec,
  type FreezeSpec,
  type PoolSpec,
  type ReleaseSpec,
  type RingSpec,
  type ScenarioSpec,
  type Schedule,
  type WindowSpec,
} from "./scenario-spec.js";

export * from "./scenario-spec.js";

/**
 * Draws a safety-net scenario (issue 15) from a seed: the fleet, its windows (AKS-native, policy rings,
 * Microsoft.Maintenance assignments), the policy, releases and freezes here; faults, alerts and people's
 * actions in scenario-draws.ts. The same seed always gives the same scenario (scenario-spec.ts: its shape).
 */
const REGIONS = ["westeurope", "northeurope", "eastus", "westus2"];
const ZONES = [
  "UTC",
  "Europe/Berlin",
  "America/New_York",
  "Europe/London",
  "Australia/Sydney",
  "Asia/Kolkata",
];
/** Whole-hour offsets of the AKS public configurations drawn (−12 to 12 exist). */
const ASSIGNMENT_OFFSETS = [-12, -8, -5, -3, 0, 1, 2, 5, 8, 10, 12];
const OFFSETS = ["+00:00", "+01:00", "+02:00", "-05:00", "+05:30", "-08:00"];
const IMAGE_OLD = "AKSUbuntu-2204gen2containerd-202610.05.0";
const IMAGE_NEW = "AKSUbuntu-2204gen2containerd-202610.19.0";
const pad = (n: number) => String(n).padStart(2, "0");
const date = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export function generateScenario(seed: number): ScenarioSpec {
  const d = draws(seed);
  const { rnd, int, pick, chance } = d;
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

  const assignmentName = () => {
    const hours = pick(ASSIGNMENT_OFFSETS);
    return `aks-mrp-cfg-${chance(0.7) ? "weekday" : "weekend"}_utc${hours === 0 ? "" : hours}`;
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
  // Legacy windows in some fleets: a Microsoft.Maintenance assignment (weekday nights Monday–Thursday, or
  // weekend nights whose Sunday night runs into Monday) is the window of a cluster without a native one,
  // and now and then sits under a native window that wins.
  const legacy = chance(0.3);
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
      ...(legacy && chance(0.5) ? { assignment: assignmentName() } : {}),
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

  const patch = chance(0.9) ? ("auto" as const) : ("approval" as const);
  const minor = pick(["auto", "approval", "never"] as const);
  const faults = drawFaults(d, clusters, rings);
  const alerts = drawAlerts(d, clusters, rings, spanHours);
  const actions = drawActions(d, rings, spanHours, patch === "approval" || minor === "approval", size);

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
    alertGate: alerts.length > 0 && chance(0.85),
    alerts,
    // Now and then a probe gate, which fails after every ring when its URL answers 503.
    ...(ringCount > 1 && chance(0.12) ? { probe: { status: chance(0.6) ? 503 : 200 } } : {}),
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
