import { writeFileSync } from "node:fs";

/**
 * What really happened, independent of Ringmaster's own view: every request and state change with its
 * simulated time, request counters per throttle bucket, every email, every operation. Tests and
 * `npm start -- --summary` judge Ringmaster from these records.
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

export class Records {
  readonly audit: AuditEntry[] = [];
  /** Audit entries of earlier runs no longer kept (a resumed world keeps the newest; world-snapshot.ts). */
  auditDropped = 0;
  readonly operations: OperationRecord[] = [];
  readonly emails: EmailRecord[] = [];
  /** Requests per throttle bucket and operation class, e.g. `arm:reads`, `aks:put-managedcluster`. */
  readonly counters = new Map<string, number>();
  /** Requests per cluster (reads, writes, polls), for "ARM calls per cluster upgrade". */
  readonly perCluster = new Map<string, { reads: number; writes: number; polls: number }>();

  /** Told of every entry, so the world can be saved when something that matters changed (world-store.ts). */
  onLog: ((entry: AuditEntry) => void) | undefined;

  constructor(private readonly now: () => number) {}

  log(kind: AuditEntry["kind"], what: string, detail?: Record<string, unknown>): AuditEntry {
    const entry: AuditEntry = {
      time: new Date(this.now()).toISOString(),
      kind,
      what,
      ...(detail ? { detail } : {}),
    };
    this.audit.push(entry);
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

  writeSummary(path: string, summary: unknown): void {
    writeFileSync(path, `${JSON.stringify(summary, null, 2)}\n`);
  }
}
