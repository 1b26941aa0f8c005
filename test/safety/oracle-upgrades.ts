import type { ActionRecord, RunRecords } from "./execute.js";
import type { Governing } from "./oracle-windows.js";
import type { ClusterSpec, ScenarioSpec } from "./scenario.js";

/**
 * The oracle's reading of the simulator's records (oracle.ts judges them): each upgrade as one record with
 * its cluster, ring, rollout, kind and times, the window that governs it and its predicted duration, all
 * from the scenario as written — no code of src/domain.
 */
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const iso = (ms: number) => new Date(ms).toISOString();
export const minorOf = (v: string) => Number(v.split(".")[1]);
export const cmpVersion = (a: string, b: string) => {
  const x = a.split(".").map(Number);
  const y = b.split(".").map(Number);
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return (x[i] ?? 0) - (y[i] ?? 0);
  return 0;
};

export interface Violation {
  readonly rule: string;
  readonly detail: string;
}

/** Whether the API accepted a person's action (2xx). */
export const accepted = (a: ActionRecord) => a.status !== undefined && a.status >= 200 && a.status < 300;

/**
 * Whether an action went to the rollout of target `t` ("k8s:1.30.5", "k8s:1.30.5:minor", "image:…"), by
 * the rollout's id (`rollout:<policy>:<kind>:<target>[:minor]`, a later generation adding `:g<n>`).
 */
export const forTarget = (a: ActionRecord, t: string) => {
  const id = (a.rollout ?? "").replace(/:g\d+$/, "");
  return t.startsWith("k8s:") ? id.endsWith(`:kubernetes:${t.slice(4)}`) : id.includes(":nodeImage:");
};

/** Whether someone approved target `t`'s rollout itself (not one of its rings) and the API accepted it by `at`. */
export const rolloutApprovedBy = (r: RunRecords, t: string, at: number) =>
  r.actions.some(
    (a) =>
      a.ring === "rollout" &&
      a.kind === "approve" &&
      accepted(a) &&
      forTarget(a, t) &&
      Date.parse(a.time) <= at,
  );

/** A cluster's last upgrade of each rollout target, in `ups` (its last word on that target). */
export function lastOfEach(ups: readonly Upgrade[]): Upgrade[] {
  const last = new Map<string, Upgrade>();
  for (const u of ups) last.set(`${rolloutOf(u)}|${u.cluster.name}`, u);
  return [...last.values()];
}

export interface Upgrade {
  readonly id: string;
  readonly cluster: ClusterSpec;
  readonly nodeImage: boolean;
  readonly target: string;
  readonly start: number;
  /** Infinity while still running at the end of the run. */
  readonly end: number;
  readonly result: string;
  readonly hasControlPlane: boolean;
  readonly poolNodes: number;
  /** A Kubernetes upgrade into the next minor (from the control plane's version when it began). */
  readonly minor: boolean;
}

/**
 * The rollout an upgrade belongs to, as a key: "k8s:1.30.5" (the patch rollout), "k8s:1.30.5:minor" (the
 * minor rollout of the same version, for clusters a minor behind), "image:…".
 */
export const rolloutOf = (u: Upgrade) =>
  `${u.nodeImage ? "image" : "k8s"}:${u.target}${u.minor ? ":minor" : ""}`;

export function upgradesOf(s: ScenarioSpec, r: RunRecords): Upgrade[] {
  const byName = new Map(s.clusters.map((c) => [c.name, c]));
  const groups = new Map<string, RunRecords["operations"][number][]>();
  for (const op of r.operations) groups.set(op.id, [...(groups.get(op.id) ?? []), op]);
  const out: Upgrade[] = [];
  const cp = new Map(s.clusters.map((c) => [c.name, c.version]));
  const inOrder = [...groups].sort(
    ([, a], [, b]) =>
      Math.min(...a.map((x) => Date.parse(x.start))) - Math.min(...b.map((x) => Date.parse(x.start))),
  );
  for (const [id, steps] of inOrder) {
    const cluster = byName.get(steps[0]!.cluster);
    if (!cluster) continue;
    const last = steps[steps.length - 1]!;
    const pools = new Set(steps.map((x) => x.pool).filter((p): p is string => p !== null));
    const nodeImage = steps.every((x) => x.kind === "nodeImageUpgrade");
    const target = steps.map((x) => x.target).sort(cmpVersion)[steps.length - 1]!;
    const before = cp.get(cluster.name) ?? cluster.version;
    const hasControlPlane = steps.some((x) => x.kind === "controlPlaneUpgrade");
    if (hasControlPlane && last.result === "Succeeded") cp.set(cluster.name, target);
    out.push({
      id,
      cluster,
      nodeImage,
      target,
      start: Math.min(...steps.map((x) => Date.parse(x.start))),
      end: last.end === null ? Infinity : Date.parse(last.end),
      result: last.result,
      hasControlPlane,
      poolNodes: cluster.pools.filter((p) => pools.has(p.name)).reduce((n, p) => n + p.count, 0),
      minor: !nodeImage && minorOf(target) > minorOf(before),
    });
  }
  return out.sort((a, b) => a.start - b.start);
}

/**
 * The window that governs a cluster's upgrade of this kind (README "Which window governs"): the ring's
 * when Ringmaster manages windows; else the cluster's own AKS configuration (node images: the node-OS one
 * first), else its Microsoft.Maintenance assignment (honoured only where AKS holds no native auto-upgrade
 * window), else the ring's.
 */
export function governing(s: ScenarioSpec, c: ClusterSpec, nodeImage: boolean): Governing | undefined {
  const ring = s.rings.find((r) => r.name === c.ring)?.window;
  const own = nodeImage ? (c.nodeOSWindow ?? c.autoUpgradeWindow) : c.autoUpgradeWindow;
  if (s.manageWindows && ring) return { kind: "aks", spec: ring };
  if (own) return { kind: "aks", spec: own };
  if (c.assignment) return { kind: "assignment", configuration: c.assignment };
  return ring ? { kind: "aks", spec: ring } : undefined;
}

export function predictedMs(s: ScenarioSpec, u: Upgrade): number {
  const nodes = u.cluster.pools.reduce((n, p) => n + p.count, 0);
  if (u.hasControlPlane)
    return (s.estimates.controlPlaneMinutes + s.estimates.perNodeMinutes * nodes) * MINUTE;
  return s.estimates.perNodeMinutes * u.poolNodes * MINUTE;
}

/** ISO 8601 durations of the shapes the generator writes (PTnH, PTnM, PTnS, PnD). */
export function durationMs(text: string): number {
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(text);
  if (!m) throw new Error(`oracle: duration ${text} is not one it reads`);
  const [, d, h, min, sec] = m.map((x) => Number(x ?? 0)) as [number, number, number, number, number];
  return ((d * 24 + h) * 60 + min) * MINUTE + sec * 1000;
}
