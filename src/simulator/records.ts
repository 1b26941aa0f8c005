import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { SpillLog } from "./spill-log.js";

/**
 * What really happened, independent of Ringmaster's own view: every request and state change with its
 * simulated time, request counters per throttle bucket, every email, every operation. Tests and
 * `npm start -- --summary` judge Ringmaster from these records.
 *
 * The audit grows with every request, so only its newest entries stay in memory; the rest spill to
 * `audit.jsonl` in the records directory (spill-log.ts) and `audit` reads them back. Counters (requests,
 * 429s per bucket, the most operations in flight per subscription-region) stay in memory: they are small.
 */
export interface AuditEntry {
  readonly time: string;
  readonly kind: "request" | "change" | "event" | "email";
  readonly what: string;
  readonly detail?: Record<string, unknown>;
}

export interface OperationRecord {
  readonly id: string;
  readonly cluster: string;
  readonly pool: string | null;
  readonly kind: "kubernetesUpgrade" | "controlPlaneUpgrade" | "poolUpgrade" | "nodeImageUpgrade";
  readonly target: string;
  readonly start: string;
  end: string | null;
  result: "InProgress" | "Succeeded" | "Failed" | "Canceled";
  error?: { code: string; message: string };
}

export interface EmailRecord {
  readonly time: string;
  readonly from: string;
  readonly to: readonly string[];
  readonly cc: readonly string[];
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  readonly operationId: string;
}

/** Audit entries kept in memory (between this and twice this); the snapshot saves them (world-snapshot.ts). */
export const AUDIT_IN_MEMORY = 5_000;

export interface RecordsOptions {
  /** Where spilled records go (`audit.jsonl`, `deliveries.jsonl`); without it they are only counted. */
  readonly dir?: string | undefined;
  /** Audit entries kept in memory before spilling (default AUDIT_IN_MEMORY). */
  readonly keep?: number;
}

export class Records {
  private readonly auditLog: SpillLog<AuditEntry>;
  readonly operations: OperationRecord[] = [];
  readonly emails: EmailRecord[] = [];
  /** Requests per throttle bucket and operation class, e.g. `arm:reads`, `aks:put-managedcluster`. */
  readonly counters = new Map<string, number>();
  /** Requests per cluster (reads, writes, polls), for "ARM calls per cluster upgrade". */
  readonly perCluster = new Map<string, { reads: number; writes: number; polls: number }>();

  /** Operations in flight now and the most seen at once, per `subscriptionId/region`. */
  private readonly inFlight = new Map<string, number>();
  readonly peakInFlight = new Map<string, number>();

  /** Told of every entry, so the world can be saved when something that matters changed (world-store.ts). */
  onLog: ((entry: AuditEntry) => void) | undefined;

  constructor(
    private readonly now: () => number,
    readonly options: RecordsOptions = {},
  ) {
    this.auditLog = new SpillLog(this.fileFor("audit"), options.keep ?? AUDIT_IN_MEMORY);
  }

  /** The records file for `name` (JSON lines), when records are kept in a directory. */
  fileFor(name: string): string | undefined {
    return this.options.dir === undefined ? undefined : join(this.options.dir, `${name}.jsonl`);
  }

  /** The whole audit, oldest first (reads the spilled part from its file: not for hot paths). */
  get audit(): readonly AuditEntry[] {
    return this.auditLog.all();
  }

  /** The newest audit entries, still in memory (what a snapshot saves). */
  get recentAudit(): readonly AuditEntry[] {
    return this.auditLog.recent;
  }

  /** Audit entries no longer in memory (in `audit.jsonl`, or dropped without a records directory). */
  get auditDropped(): number {
    return this.auditLog.spilled;
  }

  /** Audit entries recorded in all (this run and the runs it resumed). */
  get auditTotal(): number {
    return this.auditLog.total;
  }

  /** Puts back a saved audit: `recent` in memory, `dropped` older entries already spilled. */
  restoreAudit(recent: readonly AuditEntry[], dropped: number): void {
    this.auditLog.resume(recent, dropped);
  }

  log(kind: AuditEntry["kind"], what: string, detail?: Record<string, unknown>): AuditEntry {
    const entry: AuditEntry = {
      time: new Date(this.now()).toISOString(),
      kind,
      what,
      ...(detail ? { detail } : {}),
    };
    this.auditLog.push(entry);
    this.onLog?.(entry);
    return entry;
  }

  count(key: string): void {
    this.counters.set(key, (this.counters.get(key) ?? 0) + 1);
  }

  countCluster(cluster: string, kind: "reads" | "writes" | "polls"): void {
    const c = this.perCluster.get(cluster) ?? { reads: 0, writes: 0, polls: 0 };
    c[kind]++;
    this.perCluster.set(cluster, c);
  }

  /** A 429 the simulator answered, by the bucket that was empty (or `fault` when the fleet file injected it). */
  countThrottled(bucket: string): void {
    this.count("throttled:429");
    this.count(`throttled:${bucket}`);
  }

  /** 429s answered per bucket, from the counters. */
  throttled(): { total: number; byBucket: Record<string, number> } {
    const byBucket: Record<string, number> = {};
    for (const [key, n] of this.counters)
      if (key.startsWith("throttled:") && key !== "throttled:429") byBucket[key.slice(10)] = n;
    return { total: this.counters.get("throttled:429") ?? 0, byBucket };
  }

  /** An operation started (+1) or ended (-1) in `subscriptionId/region`; the peak is kept. */
  trackInFlight(scope: string, delta: 1 | -1): void {
    const now = Math.max(0, (this.inFlight.get(scope) ?? 0) + delta);
    this.inFlight.set(scope, now);
    if (now > (this.peakInFlight.get(scope) ?? 0)) this.peakInFlight.set(scope, now);
  }

  /** Stops writing record files (spilled records stay in them). */
  close(): void {
    this.auditLog.close();
  }

  writeSummary(path: string, summary: unknown): void {
    writeFileSync(path, `${JSON.stringify(summary, null, 2)}\n`);
  }
}
