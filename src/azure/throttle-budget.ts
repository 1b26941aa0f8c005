import type { Clock } from "../clock/clock.js";

/**
 * Ringmaster's own share of the ARM token buckets: every adapter call takes a token first, so a large
 * rollout slows itself down instead of collecting 429s. ARM counts per subscription, principal, operation
 * type and ARM region — the region of the ARM instance serving the request, which for one Function App is
 * always the same — so callers key by subscription (and may pass a region when they know better). Sized
 * at half of ARM's per-principal buckets (reads 250 refilling 25/s, writes 200 refilling 10/s), leaving
 * room for everything else that uses the same subscription.
 */
export type CallKind = "read" | "write" | "aksOther";

/**
 * `aksOther` is the AKS resource provider's own bucket for every API without a bucket of its own
 * (maintenance configurations, upgrade profiles, agent pool reads, abort, version lists): 60 refilling
 * 1/s per subscription (research/performance.md §4.3), which a fleet of hundreds of clusters per
 * subscription empties in one window reconcile. It is taken besides the ARM token, also at half.
 */
const SPECS: Record<CallKind, { size: number; perSecond: number }> = {
  read: { size: 125, perSecond: 12.5 },
  write: { size: 100, perSecond: 5 },
  aksOther: { size: 30, perSecond: 0.5 },
};

export class ThrottleBudget {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly clock: Clock) {}

  async acquire(subscriptionId: string, region: string, kind: CallKind): Promise<void> {
    const spec = SPECS[kind];
    const key = `${subscriptionId}|${region}|${kind}`.toLowerCase();
    for (;;) {
      const now = this.clock.now();
      const b = this.buckets.get(key) ?? { tokens: spec.size, at: now };
      b.tokens = Math.min(spec.size, b.tokens + ((now - b.at) / 1000) * spec.perSecond);
      b.at = now;
      this.buckets.set(key, b);
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return;
      }
      // Whole milliseconds, at least one: a fractional wait can wake a hair short of the token (floating
      // point) and sleep again for less than a millisecond, which a discrete clock never gets past.
      const waitSimulatedMs = Math.max(1, Math.ceil(((1 - b.tokens) / spec.perSecond) * 1000));
      await this.clock.sleep(waitSimulatedMs);
    }
  }
}
