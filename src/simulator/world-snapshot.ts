import { createHash } from "node:crypto";
import { z } from "zod";
import type { SimOperation } from "./aks-operations.js";
import { etagsAfter, inFlightScope, keyOf } from "./aks-state.js";
import type { Fleet } from "./fleet-schema.js";
import type { OperationRecord } from "./records.js";
import type { World } from "./world.js";

/**
 * The simulated Azure's state as data, so `ringmaster start --state DIR` can resume it after a crash:
 * clusters and pools as they are now, versions and images released, operations in flight (with when their
 * current step ends), faults left, records, and Event Grid deliveries not yet acknowledged. The schema is
 * the source of truth when reading a saved file back.
 */
/**
 * Audit entries kept in a snapshot (newest); the rest are counted, so a long run's file stays bounded. The
 * records keep at most this many in memory (records.ts AUDIT_IN_MEMORY × 2), so the snapshot holds them all
 * and the older ones are in the records directory's `audit.jsonl`.
 */
export const AUDIT_KEPT = 10_000;

const json = z.record(z.string(), z.unknown());
const errorShape = z.object({ code: z.string(), message: z.string() });

const PoolState = z.object({
  name: z.string(),
  mode: z.string(),
  count: z.number(),
  orchestratorVersion: z.string(),
  currentOrchestratorVersion: z.string(),
  nodeImageVersion: z.string(),
  provisioningState: z.string(),
  maxSurge: z.string(),
});

const ClusterState = z.object({
  key: z.string(),
  tags: z.record(z.string(), z.string()),
  kubernetesVersion: z.string(),
  currentKubernetesVersion: z.string(),
  provisioningState: z.string(),
  powerState: z.enum(["Running", "Stopped"]),
  upgradeChannel: z.string(),
  nodeOSUpgradeChannel: z.string(),
  pools: z.array(PoolState),
  maintenanceConfigs: z.record(z.string(), json),
  deprecatedApiUsage: z.boolean(),
  provisioningError: errorShape.nullable(),
  runningOperation: z.string().nullable(),
  eTag: z.string(),
});

const OperationRecordState = z.object({
  id: z.string(),
  cluster: z.string(),
  pool: z.string().nullable(),
  kind: z.enum(["kubernetesUpgrade", "controlPlaneUpgrade", "poolUpgrade", "nodeImageUpgrade"]),
  target: z.string(),
  start: z.string(),
  end: z.string().nullable(),
  result: z.enum(["InProgress", "Succeeded", "Failed", "Canceled"]),
  error: errorShape.optional(),
});

const OperationState = z.object({
  id: z.string(),
  cluster: z.string(),
  startTime: z.number(),
  status: z.enum(["InProgress", "Succeeded", "Failed", "Canceled"]),
  endTime: z.number().nullable(),
  error: errorShape.nullable(),
  percentComplete: z.number(),
  steps: z.array(
    z.discriminatedUnion("kind", [
      z.object({ kind: z.literal("controlPlane"), target: z.string() }),
      z.object({ kind: z.literal("pool"), pool: z.string(), target: z.string(), nodeImageOnly: z.boolean() }),
    ]),
  ),
  current: z.number().int(),
  stepDue: z.number().nullable(),
  stepFault: z
    .object({ error: z.string(), message: z.string().optional(), slowMinutes: z.number().optional() })
    .nullable(),
  /** Indexes into `records.operations` of this operation's step records. */
  records: z.array(z.number().int()),
});

const EventState = z.object({
  id: z.string(),
  topic: z.string(),
  subject: z.string(),
  eventType: z.string(),
  eventTime: z.string(),
  data: json,
  dataVersion: z.string(),
  metadataVersion: z.string(),
});

export const WorldSnapshotSchema = z.object({
  format: z.literal("ringmaster-simulator/v1"),
  /** Which fleet file made this state: resuming a different fleet would mix two worlds. */
  fleet: z.string(),
  /** The simulated instant when this was written. */
  now: z.number(),
  clusters: z.array(ClusterState),
  versions: z.record(z.string(), z.array(z.string())),
  images: z.record(z.string(), z.array(z.string())),
  assignments: z.record(z.string(), json),
  faultsLeft: z.array(z.number().int()),
  records: z.object({
    audit: z.array(
      z.object({
        time: z.string(),
        kind: z.enum(["request", "change", "event", "email"]),
        what: z.string(),
        detail: json.optional(),
      }),
    ),
    auditDropped: z.number().int(),
    operations: z.array(OperationRecordState),
    emails: z.array(
      z.object({
        time: z.string(),
        from: z.string(),
        to: z.array(z.string()),
        cc: z.array(z.string()),
        subject: z.string(),
        text: z.string(),
        html: z.string(),
        operationId: z.string(),
      }),
    ),
    counters: z.record(z.string(), z.number()),
    perCluster: z.record(z.string(), z.object({ reads: z.number(), writes: z.number(), polls: z.number() })),
    /** The most operations seen in flight at once per subscriptionId/region (absent in older states). */
    peakInFlight: z.record(z.string(), z.number().int()).default({}),
  }),
  operations: z.array(OperationState),
  events: z.object({
    pending: z.array(
      z.object({
        event: EventState,
        attempt: z.number().int(),
        firstAttemptAt: z.number(),
        due: z.number().optional(),
      }),
    ),
    delivered: z.array(
      z.object({ event: EventState, attempt: z.number(), status: z.number(), time: z.string() }),
    ),
    deliveredSpilled: z.number().int().min(0).default(0),
    deadLettered: z.array(z.object({ event: EventState, reason: z.string() })),
  }),
});
export type WorldSnapshot = z.infer<typeof WorldSnapshotSchema>;

const fingerprints = new WeakMap<Fleet, string>();

/** The fleet file's identity in a saved state; a fleet never changes once loaded, so it is hashed once. */
export function fleetFingerprint(fleet: Fleet): string {
  let print = fingerprints.get(fleet);
  if (print === undefined) {
    print = createHash("sha256").update(JSON.stringify(fleet)).digest("hex").slice(0, 16);
    fingerprints.set(fleet, print);
  }
  return print;
}

const setsToRecord = (m: ReadonlyMap<string, ReadonlySet<string>>) =>
  Object.fromEntries([...m].map(([k, v]) => [k, [...v]]));

export function snapshotWorld(world: World): WorldSnapshot {
  const r = world.records;
  const recordIndex = new Map<OperationRecord, number>(r.operations.map((o, i) => [o, i]));
  const operationState = (op: SimOperation): WorldSnapshot["operations"][number] => ({
    id: op.id,
    cluster: keyOf(op.cluster),
    startTime: op.startTime,
    status: op.status,
    endTime: op.endTime ?? null,
    error: op.error ?? null,
    percentComplete: op.percentComplete,
    steps: op.steps.map((s) =>
      s.kind === "controlPlane"
        ? { kind: s.kind, target: s.target }
        : { kind: s.kind, pool: s.pool.name, target: s.target, nodeImageOnly: s.nodeImageOnly },
    ),
    current: op.current,
    stepDue: op.stepDue ?? null,
    stepFault: op.stepFault ?? null,
    records: op.records.map((rec) => recordIndex.get(rec) ?? -1).filter((i) => i >= 0),
  });
  const events = world.events.exportState();
  return {
    format: "ringmaster-simulator/v1",
    fleet: fleetFingerprint(world.fleet),
    now: world.clock.now(),
    clusters: world.clusters.map((c) => ({
      key: keyOf(c),
      tags: { ...c.tags },
      kubernetesVersion: c.kubernetesVersion,
      currentKubernetesVersion: c.currentKubernetesVersion,
      provisioningState: c.provisioningState,
      powerState: c.powerState,
      upgradeChannel: c.upgradeChannel,
      nodeOSUpgradeChannel: c.nodeOSUpgradeChannel,
      pools: c.pools.map((p) => ({ ...p })),
      maintenanceConfigs: Object.fromEntries(c.maintenanceConfigs),
      deprecatedApiUsage: c.deprecatedApiUsage,
      provisioningError: c.provisioningError ?? null,
      runningOperation: c.runningOperation ?? null,
      eTag: c.eTag,
    })),
    versions: setsToRecord(world.versions),
    images: setsToRecord(world.images),
    assignments: Object.fromEntries(world.assignments),
    faultsLeft: world.faults.remainingCounts(),
    records: {
      audit: r.recentAudit
        .slice(-AUDIT_KEPT)
        .map((a) => ({ ...a, ...(a.detail ? { detail: { ...a.detail } } : {}) })),
      auditDropped: r.auditDropped + Math.max(0, r.recentAudit.length - AUDIT_KEPT),
      operations: r.operations.map((o) => ({ ...o })),
      emails: r.emails.map((e) => ({ ...e, to: [...e.to], cc: [...e.cc] })),
      counters: Object.fromEntries(r.counters),
      perCluster: Object.fromEntries(r.perCluster),
      peakInFlight: Object.fromEntries(r.peakInFlight),
    },
    operations: [...world.operations.all.values()].map(operationState),
    events: {
      pending: events.pending.map((d) => ({
        event: d.event,
        attempt: d.attempt,
        firstAttemptAt: d.firstAttemptAt,
        ...(d.due !== undefined ? { due: d.due } : {}),
      })),
      delivered: [...events.delivered],
      deliveredSpilled: events.deliveredSpilled ?? 0,
      deadLettered: [...events.deadLettered],
    },
  };
}

/** Puts a saved state into a freshly built world (before `world.start()`); throws naming what does not fit. */
export function restoreWorld(world: World, s: WorldSnapshot): void {
  const byKey = new Map(world.clusters.map((c) => [keyOf(c), c]));
  for (const saved of s.clusters) {
    const c = byKey.get(saved.key);
    if (!c) throw new Error(`saved cluster ${saved.key} is not in the fleet file`);
    const { key: _key, pools, maintenanceConfigs, provisioningError, runningOperation, ...fields } = saved;
    Object.assign(c, fields, {
      provisioningError: provisioningError ?? undefined,
      runningOperation: runningOperation ?? undefined,
    });
    for (const p of pools) {
      const pool = c.pools.find((x) => x.name === p.name);
      if (!pool) throw new Error(`saved pool ${saved.key}/${p.name} is not in the fleet file`);
      Object.assign(pool, p);
    }
    etagsAfter(saved.eTag);
    c.maintenanceConfigs.clear();
    for (const [k, v] of Object.entries(maintenanceConfigs)) c.maintenanceConfigs.set(k, v);
  }
  for (const [map, saved] of [
    [world.versions, s.versions],
    [world.images, s.images],
  ] as const) {
    map.clear();
    for (const [k, v] of Object.entries(saved)) map.set(k, new Set(v));
  }
  world.assignments.clear();
  for (const [k, v] of Object.entries(s.assignments)) world.assignments.set(k, v);
  world.faults.restoreCounts(s.faultsLeft);

  const r = world.records;
  r.restoreAudit(s.records.audit, s.records.auditDropped);
  r.operations.push(
    ...s.records.operations.map(({ error, ...o }) => ({ ...o, ...(error ? { error } : {}) })),
  );
  r.emails.push(...s.records.emails);
  for (const [k, v] of Object.entries(s.records.counters)) r.counters.set(k, v);
  for (const [k, v] of Object.entries(s.records.perCluster)) r.perCluster.set(k, v);
  for (const [k, v] of Object.entries(s.records.peakInFlight)) r.peakInFlight.set(k, v);

  for (const o of s.operations) {
    const cluster = byKey.get(o.cluster);
    if (!cluster)
      throw new Error(`saved operation ${o.id} is on ${o.cluster}, which is not in the fleet file`);
    const steps = o.steps.map((step) => {
      if (step.kind === "controlPlane") return step;
      const pool = cluster.pools.find((p) => p.name === step.pool);
      if (!pool) throw new Error(`saved operation ${o.id} names pool ${step.pool}, not in ${o.cluster}`);
      return { ...step, pool };
    });
    const op: SimOperation = {
      id: o.id,
      cluster,
      startTime: o.startTime,
      status: o.status,
      endTime: o.endTime ?? undefined,
      error: o.error ?? undefined,
      percentComplete: o.percentComplete,
      steps,
      current: o.current,
      timer: undefined,
      stepDue: o.stepDue ?? undefined,
      stepFault: o.stepFault ?? undefined,
      records: o.records.map((i) => r.operations[i]).filter((x): x is OperationRecord => x !== undefined),
    };
    world.operations.all.set(op.id, op);
    if (op.status === "InProgress") r.trackInFlight(inFlightScope(cluster), 1);
    world.operations.armStep(op);
  }
  world.events.restoreState(s.events);
  world.markResumed();
}
