/**
 * Token buckets as ARM and the AKS resource provider apply them (research/performance.md §4.1, §4.3),
 * refilled on the simulator's clock. A request that finds its bucket empty is answered 429 with the time
 * until the next token as Retry-After.
 */
export interface BucketSpec {
  readonly size: number;
  /** Tokens added per simulated second. */
  readonly refillPerSecond: number;
}

export const LIMITS = {
  armReads: { size: 250, refillPerSecond: 25 },
  armWrites: { size: 200, refillPerSecond: 10 },
  armDeletes: { size: 200, refillPerSecond: 10 },
  aksListSubscription: { size: 500, refillPerSecond: 1 },
  aksPutManagedCluster: { size: 20, refillPerSecond: 1 / 60 },
  aksPutAgentPool: { size: 20, refillPerSecond: 1 / 60 },
  aksGetManagedCluster: { size: 60, refillPerSecond: 1 },
  aksOperationStatus: { size: 200, refillPerSecond: 2 },
  aksOther: { size: 60, refillPerSecond: 1 },
} as const satisfies Record<string, BucketSpec>;

interface Bucket {
  tokens: number;
  at: number;
}

export class Throttle {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly now: () => number) {}

  /** Takes a token; returns undefined when granted, else the simulated seconds until one is available. */
  take(key: string, spec: BucketSpec): number | undefined {
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: spec.size, at: now };
    bucket.tokens = Math.min(spec.size, bucket.tokens + ((now - bucket.at) / 1000) * spec.refillPerSecond);
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return undefined;
    }
    return Math.ceil((1 - bucket.tokens) / spec.refillPerSecond);
  }

  remaining(key: string, spec: BucketSpec): number {
    const bucket = this.buckets.get(key);
    if (!bucket) return spec.size;
    return Math.floor(
      Math.min(spec.size, bucket.tokens + ((this.now() - bucket.at) / 1000) * spec.refillPerSecond),
    );
  }
}
