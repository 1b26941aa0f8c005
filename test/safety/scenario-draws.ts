import { mulberry32 } from "../../src/simulator/seeded-random.js";
import type { ActionSpec, AlertSpec, ClusterSpec, FaultSpec, RingSpec } from "./scenario-spec.js";

/**
 * The parts of a scenario drawn after its fleet and policy (scenario.ts): faults, Azure Monitor alerts for
 * the health gates, and what people do. One seeded stream of draws, so a seed always gives one scenario.
 */
export interface Draw {
  readonly rnd: () => number;
  readonly int: (lo: number, hi: number) => number;
  readonly pick: <T>(xs: readonly T[]) => T;
  readonly chance: (p: number) => boolean;
}

export function draws(seed: number): Draw {
  const rnd = mulberry32(seed);
  return {
    rnd,
    int: (lo, hi) => lo + Math.floor(rnd() * (hi - lo + 1)),
    pick: (xs) => xs[Math.floor(rnd() * xs.length)]!,
    chance: (p) => rnd() < p,
  };
}

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
  "configurationAssignments.list",
  "emails.send",
];

export function drawFaults(
  d: Draw,
  clusters: readonly ClusterSpec[],
  rings: readonly RingSpec[],
): FaultSpec[] {
  const { rnd, int, pick, chance } = d;
  const faults: FaultSpec[] = [];
  for (let k = 0, n = int(0, 6); k < n; k++) {
    const what = rnd();
    const c = pick(clusters);
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
  // A bad day in one ring: more of its clusters than its budget allows, mostly, fail their drains on both
  // attempts (the ring's retry included), so budgets, halts and resumes are exercised, not only single
  // failures. The first ring most often: a later one runs only once the rings before it are through.
  if (chance(0.45)) {
    const ring = chance(0.6) ? rings[0]! : pick(rings);
    const members = clusters.filter((c) => c.ring === ring.name);
    for (const c of members.slice(0, ring.failureBudget + int(chance(0.8) ? 1 : 0, 2)))
      faults.push({
        cluster: c.name,
        pool: pick(c.pools).name,
        on: "upgrade",
        error: "PodDrainFailure",
        times: 2,
      });
  }
  return faults;
}

/**
 * Alerts for the health gates: in some scenarios with two rings or more, a Sev0/Sev1 alert that fires on a
 * cluster of a ring that is not the last and stays fired past the end (that ring's gate must fail, so the
 * next ring must not start without a resume), and sometimes noise the gate must not act on alone (a Sev2
 * or Sev3 alert, or a short Sev1 one).
 */
export function drawAlerts(
  d: Draw,
  clusters: readonly ClusterSpec[],
  rings: readonly RingSpec[],
  spanHours: number,
): AlertSpec[] {
  const { int, pick, chance } = d;
  if (rings.length < 2 || !chance(0.35)) return [];
  const alerts: AlertSpec[] = [];
  // Clusters Ringmaster upgrades itself (no AKS channel, running): their upgrades are the gate's to judge.
  const candidates = clusters.filter(
    (c) =>
      c.ring !== rings[rings.length - 1]!.name &&
      !c.stopped &&
      (c.upgradeChannel ?? "none") === "none" &&
      (c.nodeOSUpgradeChannel ?? "None") === "None",
  );
  if (candidates.length && chance(0.8)) {
    const first = candidates.filter((c) => c.ring === rings[0]!.name);
    const c = pick(first.length && chance(0.6) ? first : candidates);
    alerts.push({
      cluster: c.name,
      severity: pick(["Sev0", "Sev1"] as const),
      atMinute: chance(0.4) ? int(0, 30) : int(60, spanHours * 30),
      minutes: spanHours * 60 + 600,
    });
  }
  for (let k = 0, n = int(0, 2); k < n; k++)
    alerts.push({
      cluster: pick(clusters).name,
      severity: pick(["Sev1", "Sev2", "Sev3"] as const),
      atMinute: int(0, spanHours * 60),
      minutes: int(20, 120),
    });
  return alerts;
}

export function drawActions(
  d: Draw,
  rings: readonly RingSpec[],
  spanHours: number,
  asksRollout: boolean,
  size: number,
): ActionSpec[] {
  const { rnd, int, chance } = d;
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
  if (asksRollout && chance(0.7))
    actions.push({ kind: "approve", ring: "rollout", atMinute: int(30, spanHours * 30) });
  // Someone answers halts, or nobody ever does. Halts come when the run makes them, so the person looks
  // now and then — from some minute, every few hours — and resumes whatever is halted then (a rollout may
  // halt again later); a look that finds nothing halted does nothing.
  if (rings.length > 1 && chance(0.75)) {
    const every = int(2, 8) * 60;
    for (let at = int(30, 600); at < spanHours * 60 - 30; at += every)
      actions.push({ kind: "resume", atMinute: at });
  }
  // A host kill -9 is costly (a child-process host): in few scenarios, and only small ones.
  if (size <= 12 && chance(0.04))
    actions.push({ kind: "kill", atMinute: int(120, spanHours * 60 - 240), downMinutes: int(10, 240) });
  return actions.sort((a, b) => a.atMinute - b.atMinute);
}
