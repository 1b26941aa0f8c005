import type { Fleet } from "./fleet-schema.js";

/**
 * The fleet file's faults, each good for `times` occurrences: failed drains and slow operations on a
 * cluster or pool, HTTP errors on an API (`managedClusters.get` answering 429 with or without
 * Retry-After, 5xx…), and lost or duplicated events.
 */
type FaultSpec = Fleet["faults"][number];

export class FaultBook {
  private readonly remaining: { spec: FaultSpec; left: number }[];

  constructor(faults: readonly FaultSpec[]) {
    this.remaining = faults.map((spec) => ({ spec, left: spec.times }));
  }

  /** How many times each fault (by its index in the fleet file) can still fire, for saving the world. */
  remainingCounts(): number[] {
    return this.remaining.map((r) => r.left);
  }

  restoreCounts(counts: readonly number[]): void {
    this.remaining.forEach((r, i) => (r.left = counts[i] ?? r.left));
  }

  takeOperationFault(
    cluster: string,
    pool: string | undefined,
    on: "upgrade" | "nodeImageUpgrade" | "controlPlane",
  ) {
    const f = this.remaining.find(
      (r) =>
        r.left > 0 &&
        r.spec.cluster?.toLowerCase() === cluster.toLowerCase() &&
        (r.spec.on ?? "upgrade") === on &&
        (r.spec.pool === undefined || r.spec.pool.toLowerCase() === pool?.toLowerCase()),
    );
    if (!f) return undefined;
    f.left--;
    return {
      error: f.spec.error ?? "",
      ...(f.spec.message ? { message: f.spec.message } : {}),
      ...(f.spec.slowMinutes ? { slowMinutes: f.spec.slowMinutes } : {}),
    };
  }

  takeApiFault(api: string): { status: number; retryAfterSeconds?: number } | undefined {
    const f = this.remaining.find(
      (r) => r.left > 0 && r.spec.api?.toLowerCase() === api.toLowerCase() && r.spec.status !== undefined,
    );
    if (!f) return undefined;
    f.left--;
    return {
      status: f.spec.status!,
      ...(f.spec.retryAfterSeconds !== undefined ? { retryAfterSeconds: f.spec.retryAfterSeconds } : {}),
    };
  }

  takeEventFault(eventType: string): "lost" | "duplicate" | undefined {
    const f = this.remaining.find(
      (r) =>
        r.left > 0 &&
        r.spec.event &&
        (!r.spec.eventType || eventType.toLowerCase().endsWith(r.spec.eventType.toLowerCase())),
    );
    if (!f) return undefined;
    f.left--;
    return f.spec.event;
  }
}
