/**
 * A rollout as one Azure Kubernetes Fleet Manager update run (pure; activities/fleet-run.ts writes it):
 * rings → stages in ring order; each ring's subscription-region buckets (Ringmaster's lanes share one cap
 * per bucket) → groups whose `maxConcurrency` is that cap; soak → `afterStageWaitInSeconds`; a ring's
 * approval → a before-stage Approval gate; its health gates → an after-stage Approval gate that Ringmaster
 * answers with evidence. Gates carry the rollout id in their display name so their ARN events find it.
 * Names follow Fleet's rule (1–50 characters, `^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`).
 */
export const FLEET_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
export const FLEET_NAME_MAX = 50;

export interface FleetPlanRing {
  readonly name: string;
  readonly cap: number;
  readonly soakMs: number;
  readonly approvalRequired: boolean;
  readonly hasHealthGates: boolean;
}

export interface FleetPlanCluster {
  readonly clusterId: string;
  readonly name: string;
  readonly subscriptionId: string;
  readonly location: string;
  readonly ring: string;
}

export interface FleetGateSpec {
  readonly displayName: string;
  readonly type: "Approval";
}

export interface FleetGroupSpec {
  readonly name: string;
  readonly maxConcurrency: string;
}

export interface FleetStageSpec {
  readonly name: string;
  /** The ring this stage runs (stage names are ring names made Fleet-safe). */
  readonly ring: string;
  readonly groups: readonly FleetGroupSpec[];
  readonly afterStageWaitInSeconds?: number;
  readonly beforeGates: readonly FleetGateSpec[];
  readonly afterGates: readonly FleetGateSpec[];
}

export interface FleetRunPlan {
  readonly stages: readonly FleetStageSpec[];
  /** Group of each selected cluster, by cluster resource id (lower case). */
  readonly groupOf: ReadonlyMap<string, string>;
}

/** FNV-1a, 32 bits, as 8 hex digits: a short stable suffix (workflows may call it; no crypto needed). */
export function shortHash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, "0");
}

/** A Fleet-valid name for `text`: lower case, dashes for the rest, cut with a hash suffix when too long. */
export function fleetName(text: string): string {
  const clean =
    text
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, "-")
      .replace(/-+/g, "-")
      .replace(/^-+|-+$/g, "") || "x";
  if (clean.length <= FLEET_NAME_MAX) return clean;
  return `${clean.slice(0, FLEET_NAME_MAX - 9).replace(/-+$/, "")}-${shortHash(text)}`;
}

/** The update run of a rollout: one per rollout run, `n` counting follow-up (continue, retry) runs. */
export function fleetRunName(rolloutId: string, n: number): string {
  return `rm-${shortHash(rolloutId)}-${n}`;
}

export type RingmasterGateKind = "approval" | "health";
const GATE_LABEL: Record<RingmasterGateKind, string> = { approval: "approval", health: "health check" };
const GATE_NAME = /^Ringmaster (approval|health check) for ring ([a-z0-9-]+) \((rollout:[^()\s]+)\)$/;

export function ringmasterGateName(kind: RingmasterGateKind, ring: string, rolloutId: string): string {
  return `Ringmaster ${GATE_LABEL[kind]} for ring ${ring} (${rolloutId})`;
}

/** A gate display name Ringmaster wrote, read back: which rollout, ring and kind it belongs to. */
export function parseRingmasterGateName(
  displayName: string | undefined,
): { kind: RingmasterGateKind; ring: string; rolloutId: string } | undefined {
  const m = displayName ? GATE_NAME.exec(displayName) : null;
  if (!m) return undefined;
  return { kind: m[1] === "approval" ? "approval" : "health", ring: m[2]!, rolloutId: m[3]! };
}

/** `"3"` or `"25%"`, as Fleet accepts it: a whole number ≥ 1, or a percentage 1–100. */
export function validMaxConcurrency(value: string): boolean {
  const m = /^([1-9][0-9]*)(%?)$/.exec(value);
  return m !== null && (m[2] === "" || Number(m[1]) <= 100);
}

/**
 * The stages and groups of a rollout's run. Rings with no selected cluster get no stage (Fleet refuses a
 * stage without groups, and Ringmaster asks no approval for a ring with nothing to do). The last stage has
 * no wait and no health gate: Ringmaster soaks and judges a ring only before the next one.
 */
export function fleetRunPlan(
  rolloutId: string,
  rings: readonly FleetPlanRing[],
  clusters: readonly FleetPlanCluster[],
  runName: string,
): FleetRunPlan {
  const groupOf = new Map<string, string>();
  const byRing = new Map<string, Map<string, FleetPlanCluster[]>>();
  for (const c of clusters) {
    const bucket = `${c.subscriptionId.toLowerCase()}|${c.location.toLowerCase()}`;
    const buckets = byRing.get(c.ring) ?? new Map<string, FleetPlanCluster[]>();
    buckets.set(bucket, [...(buckets.get(bucket) ?? []), c]);
    byRing.set(c.ring, buckets);
  }
  const used = new Set<string>();
  const withClusters = rings.filter((r) => byRing.has(r.name));
  const stages = withClusters.map((ring, i): FleetStageSpec => {
    const last = i === withClusters.length - 1;
    const buckets = byRing.get(ring.name)!;
    const groups = [...buckets.keys()].sort().map((bucket) => {
      const [sub, location] = bucket.split("|") as [string, string];
      // Group names are the run's own (prefixed with its name): a member is in one group at a time, and
      // another rollout's run writing its members into shared names would change this run's members.
      let name = fleetName(`${runName}-${ring.name}-${location}-${sub.slice(0, 8)}`);
      if (used.has(name)) name = fleetName(`${runName}-${ring.name}-${location}-${shortHash(bucket)}`);
      used.add(name);
      for (const c of buckets.get(bucket)!) groupOf.set(c.clusterId.toLowerCase(), name);
      return { name, maxConcurrency: String(Math.max(1, Math.floor(ring.cap))) };
    });
    const soakSeconds = Math.round(ring.soakMs / 1000);
    return {
      name: fleetName(ring.name),
      ring: ring.name,
      groups,
      ...(!last && soakSeconds > 0 ? { afterStageWaitInSeconds: soakSeconds } : {}),
      beforeGates: ring.approvalRequired
        ? [{ type: "Approval", displayName: ringmasterGateName("approval", ring.name, rolloutId) }]
        : [],
      afterGates:
        !last && ring.hasHealthGates
          ? [{ type: "Approval", displayName: ringmasterGateName("health", ring.name, rolloutId) }]
          : [],
    };
  });
  return { stages, groupOf };
}

/** Member states of an earlier run that `POST …/retry` takes again: members that failed or were skipped. */
const RETRIED_STATES = new Set(["Failed", "Skipped"]);
/** Member states that show a ring's stage began (its approval, if any, was given). */
const STARTED_STATES = new Set(["Running", "Completed", "Failed", "Stopped", "Stopping"]);

/**
 * The clusters a retry run takes: those an earlier run failed or skipped and that today's plan still
 * schedules (eligible, not excluded, not already at the target), by cluster id; and the rings none of
 * whose members ever began, which keep their approval (a retry must not be a way around it).
 */
export function retrySelection<C extends { clusterId: string; ring: string | null; status: string }>(
  clusters: readonly C[],
  before: ReadonlyMap<string, string>,
): { selected: C[]; unstartedRings: Set<string> } {
  const started = new Set<string>();
  for (const c of clusters)
    if (c.ring !== null && STARTED_STATES.has(before.get(c.clusterId.toLowerCase()) ?? ""))
      started.add(c.ring);
  const selected = clusters.filter(
    (c) =>
      c.status === "scheduled" &&
      c.ring !== null &&
      RETRIED_STATES.has(before.get(c.clusterId.toLowerCase()) ?? ""),
  );
  const unstartedRings = new Set(
    clusters.flatMap((c) => (c.ring !== null && !started.has(c.ring) ? [c.ring] : [])),
  );
  return { selected, unstartedRings };
}
