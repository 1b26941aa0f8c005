import { mulberry32 } from "../../src/simulator/seeded-random.js";
import {
  occurrences,
  oracleFromYaml,
  type OracleInterval,
  type OracleModel,
} from "../helpers/window-oracle.js";

/**
 * Seeded scenarios for the outage property test: a small fleet (3–5 clusters in 1–2 rings, ring windows or
 * clusters' own windows of a few hours, sometimes a freeze), one patch release at the start, and 1–3 host
 * outages placed around window boundaries on the simulated clock. The same seed always gives the same
 * scenario. A small PRNG rather than fast-check: each run costs seconds of real time, so shrinking is
 * unaffordable, and outages are placed from the windows the scenario itself produced.
 */
export const CLOCK_START = Date.parse("2026-11-23T00:00:00Z"); // a Monday
const HOUR = 3_600_000;
const MINUTE = 60_000;
export const SUB = "44444444-4444-4444-4444-444444444444";
const IMAGE = "AKSUbuntu-2204gen2containerd-202611.03.0";
/** The simulator's timing equals the policy's estimates, so a prediction that fits really ends in time. */
const CP_MINUTES = 10;
const PER_NODE_MINUTES = 10;

export interface Outage {
  readonly why: string;
  /** Simulated instants (epoch ms) at which the host is killed and is serving again. */
  readonly killAt: number;
  readonly restartAt: number;
}

export interface Scenario {
  readonly seed: number;
  readonly fleetYaml: string;
  readonly policyYaml: string;
  readonly model: OracleModel;
  readonly outages: readonly Outage[];
  /** Simulated instant the run ends at the latest. */
  readonly end: number;
  readonly rolloutId: string;
}

const ZONES = [
  { timeZone: "UTC", offsetHours: 0 },
  { timeZone: "Europe/Berlin", offsetHours: 1 }, // CET all of late November
  { timeZone: "America/New_York", offsetHours: -5 }, // EST after 1 November
  { utcOffset: "+02:00", offsetHours: 2 },
] as const;

const pad = (n: number) => String(n).padStart(2, "0");
const iso = (ms: number) => new Date(ms).toISOString();
/** "YYYY-MM-DDTHH:MM" in UTC, the freeze format. */
const localUtc = (ms: number) => iso(ms).slice(0, 16);

export function generateScenario(seed: number, spanHours: number): Scenario {
  const rnd = mulberry32(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const end = CLOCK_START + spanHours * HOUR;

  // A window opening between 12:00 and 22:00 UTC (a boot takes hours of simulated time on a loaded
  // machine, and the rollout must have planned before the first window), on
  // Monday or Tuesday for weekly ones, written in one of the zones' local time.
  const windowFields = (form: "ring" | "aks") => {
    const zone = pick(ZONES);
    const utcHour = int(12, 22);
    const local = `${pad((utcHour + zone.offsetHours + 24) % 24)}:${pick(["00", "15", "30"])}`;
    const schedule =
      rnd() < 0.7
        ? "daily: { intervalDays: 1 }"
        : `weekly: { dayOfWeek: ${pick(["Monday", "Tuesday"])}, intervalWeeks: 1 }`;
    const hours = int(4, 6);
    if (form === "aks") {
      const offset =
        "utcOffset" in zone
          ? zone.utcOffset
          : `${zone.offsetHours < 0 ? "-" : "+"}${pad(Math.abs(zone.offsetHours))}:00`;
      return `{ schedule: { ${schedule} }, startTime: "${local}", durationHours: ${hours}, utcOffset: "${offset}" }`;
    }
    const where = "timeZone" in zone ? `timeZone: ${zone.timeZone}` : `utcOffset: "${zone.utcOffset}"`;
    return `{ ${schedule}, startTime: "${local}", durationHours: ${hours}, ${where} }`;
  };

  const manageWindows = rnd() < 0.5;
  const ringCount = int(1, 2);
  const clusterCount = int(3, 5);
  const clusters: string[] = [];
  for (let i = 0; i < clusterCount; i++) {
    const ring = ringCount === 1 || i < clusterCount - int(1, 2) ? "r1" : "r2";
    const pools = Array.from(
      { length: int(1, 2) },
      (_, p) =>
        `{ name: ${p === 0 ? "system" : "apps"}, mode: ${p === 0 ? "System" : "User"}, count: ${int(1, 3)}, nodeImageVersion: ${IMAGE} }`,
    );
    const own =
      !manageWindows && rnd() < 0.4
        ? `\n        maintenanceConfigurations:\n          aksManagedAutoUpgradeSchedule:\n            maintenanceWindow: ${windowFields("aks")}`
        : "";
    clusters.push(`      - name: c${i + 1}
        resourceGroup: rg-${ring}
        location: ${rnd() < 0.75 ? "westeurope" : "northeurope"}
        kubernetesVersion: 1.30.4
        tags: { ring: ${ring} }${own}
        nodePools: [${pools.join(", ")}]`);
  }
  const fleetYaml = `apiVersion: ringmaster/v1
kind: SimulatedAzure
clock: { start: "${iso(CLOCK_START)}", speed: 1 }
timing: { controlPlaneMinutes: ${CP_MINUTES}, perNodeMinutes: ${PER_NODE_MINUTES} }
subscriptions:
  - id: ${SUB}
    name: outage
    clusters:
${clusters.join("\n")}
releases:
  kubernetes:
    - { version: 1.30.5, regions: [westeurope, northeurope], at: "${iso(CLOCK_START + 30 * MINUTE)}" }
  nodeImages: []
faults: []
`;

  const rings = ["r1", "r2"].slice(0, ringCount).map(
    (name) => `    - name: ${name}
      selector: { tags: { ring: ${name} } }
      maintenanceWindow: ${windowFields("ring")}`,
  );
  const policyOf = (freezes: string) => `apiVersion: ringmaster/v1
kind: RolloutPolicy
metadata: { name: outage }
spec:
  versions: { patch: auto, minor: approval }
  manageWindows: ${manageWindows}
  estimates: { controlPlaneMinutes: ${CP_MINUTES}, perNodeMinutes: ${PER_NODE_MINUTES} }
  freezes: ${freezes}
  defaults:
    soak: PT1H
    failureBudget: 5
    maxConcurrentPerSubscriptionRegion: ${int(1, 2)}
    gates: [provisioningState, nodePoolEvents]
  rings:
${rings.join("\n")}
  onCall:
    platform: { email: ["oncall@outage.example"] }
  notifications: { from: "ringmaster@outage.example", digest: PT30M }
`;
  // The windows the fleet really has (read back the way the oracle reads them), to place freezes and outages.
  const withoutFreeze = oracleFromYaml(fleetYaml, policyOf("[]"));
  const open = (from: number) =>
    [...withoutFreeze.windows.entries()].flatMap(([cluster, w]) =>
      occurrences(w, from, end).map((o) => ({ cluster, ...o })),
    );
  const usable = open(CLOCK_START + 12 * HOUR).filter((o) => o.start >= CLOCK_START + 12 * HOUR);
  let freezes = "[]";
  if (usable.length && rnd() < 0.35) {
    const o = pick(usable);
    const from = o.start + int(2, 8) * 15 * MINUTE;
    freezes = `[{ name: hold, timeZone: UTC, start: "${localUtc(from)}", end: "${localUtc(from + int(2, 5) * HOUR)}" }]`;
  }
  const policyYaml = policyOf(freezes);
  const model = oracleFromYaml(fleetYaml, policyYaml);

  const outages: Outage[] = [];
  const wanted = int(1, 3);
  for (let i = 0; i < wanted * 3 && outages.length < wanted && usable.length; i++) {
    // The first outage favours the earliest windows, where clusters of the first ring wait.
    const o: OracleInterval & { cluster: string } =
      outages.length === 0 ? pick(usable.slice(0, Math.min(3, usable.length))) : pick(usable);
    const kind = rnd();
    const minutes = (lo: number, hi: number) => int(lo, hi) * MINUTE;
    let outage: Outage;
    if (kind < 0.4) {
      outage = {
        why: `down across ${o.cluster}'s window ${iso(o.start)}–${iso(o.end)}`,
        killAt: o.start - minutes(0, 120),
        restartAt: o.end + minutes(0, 180),
      };
    } else if (kind < 0.6) {
      const killAt = o.start + minutes(-120, 120);
      outage = {
        why: `killed near ${o.cluster}'s window start ${iso(o.start)}`,
        killAt,
        restartAt: killAt + minutes(30, 480),
      };
    } else if (kind < 0.8) {
      const killAt = o.end + minutes(-120, 120);
      outage = {
        why: `killed near ${o.cluster}'s window end ${iso(o.end)}`,
        killAt,
        restartAt: killAt + minutes(30, 480),
      };
    } else {
      const lastFit = o.end - model.predictedMs.get(o.cluster)!;
      const killAt = lastFit - minutes(0, 60);
      outage = {
        why: `killed before the last moment ${iso(lastFit)} ${o.cluster}'s upgrade fits`,
        killAt,
        restartAt: killAt + minutes(30, 180),
      };
    }
    const overlaps = outages.some(
      (x) => outage.killAt < x.restartAt + 3 * HOUR && x.killAt < outage.restartAt + 3 * HOUR,
    );
    if (!overlaps && outage.killAt > CLOCK_START + 10 * HOUR && outage.restartAt < end - 2 * HOUR)
      outages.push(outage);
  }
  outages.sort((a, b) => a.killAt - b.killAt);
  return { seed, fleetYaml, policyYaml, model, outages, end, rolloutId: "rollout:outage:kubernetes:1.30.5" };
}
