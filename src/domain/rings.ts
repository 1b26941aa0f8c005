import { NO_APPROVAL, type Gate, type Policy, type Ring, type Selector } from "./policy-schema.js";
import type { InventoryCluster } from "./inventory.js";
import { testBreak } from "./test-break.js";
import { fromPolicyWindow, type WindowSpec } from "./window-spec.js";

/**
 * Which ring a cluster belongs to, and what a ring's effective settings are once defaults are inherited.
 * Selector criteria are ANDed; the values listed for one criterion are ORed; names are glob patterns
 * (`*`), and everything but tag values is compared case-insensitively, as ARM does.
 */
export function selectorMatches(selector: Selector, cluster: InventoryCluster): boolean {
  const eq = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
  if (selector.tags && !Object.entries(selector.tags).every(([k, v]) => tagValue(cluster.tags, k) === v))
    return false;
  if (selector.subscriptions && !selector.subscriptions.some((s) => eq(s, cluster.subscriptionId)))
    return false;
  if (selector.resourceGroups && !selector.resourceGroups.some((rg) => eq(rg, cluster.resourceGroup)))
    return false;
  if (
    selector.locations &&
    !selector.locations.some((l) => eq(l.replace(/\s+/g, ""), cluster.location.replace(/\s+/g, "")))
  )
    return false;
  if (selector.names && !selector.names.some((pattern) => globMatches(pattern, cluster.name))) return false;
  return true;
}

/** ARM tag names are case-insensitive; values are compared as written. */
function tagValue(tags: Readonly<Record<string, string>>, key: string): string | undefined {
  const found = Object.keys(tags).find((k) => k.toLowerCase() === key.toLowerCase());
  return found === undefined ? undefined : tags[found];
}

const globCache = new Map<string, RegExp>();
export function globMatches(pattern: string, name: string): boolean {
  let re = globCache.get(pattern);
  if (!re) {
    re = new RegExp(
      `^${pattern
        .split("*")
        .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
        .join(".*")}$`,
      "i",
    );
    globCache.set(pattern, re);
  }
  return re.test(name);
}

export interface RingOverlap {
  readonly clusterId: string;
  readonly rings: readonly string[];
}

export interface RingAssignment {
  readonly byRing: ReadonlyMap<string, readonly InventoryCluster[]>;
  readonly unassigned: readonly InventoryCluster[];
  readonly overlaps: readonly RingOverlap[];
}

export function assignRings(policy: Policy, clusters: readonly InventoryCluster[]): RingAssignment {
  const byRing = new Map<string, InventoryCluster[]>(policy.spec.rings.map((r) => [r.name, []]));
  const unassigned: InventoryCluster[] = [];
  const overlaps: RingOverlap[] = [];
  for (const cluster of clusters) {
    const rings = policy.spec.rings.filter((r) => selectorMatches(r.selector, cluster)).map((r) => r.name);
    if (rings.length === 0) unassigned.push(cluster);
    else if (rings.length > 1) overlaps.push({ clusterId: cluster.id, rings });
    else byRing.get(rings[0]!)!.push(cluster);
  }
  return { byRing, unassigned, overlaps };
}

/** A ring with the policy's defaults filled in: what the planner and the workflows act on. */
export interface EffectiveRing {
  readonly name: string;
  readonly index: number;
  readonly soakMs: number;
  readonly failureBudget: number;
  readonly maxConcurrentPerSubscriptionRegion: number;
  readonly gates: readonly Gate[];
  readonly approval: {
    readonly required: boolean;
    readonly timeoutMs: number;
    readonly onTimeout: "approve" | "reject";
  };
  readonly notify: readonly string[];
  readonly window: WindowSpec | undefined;
  readonly retries: { readonly attempts: number; readonly delayMs: number };
}

export function effectiveRing(policy: Policy, ring: Ring, index: number): EffectiveRing {
  const d = policy.spec.defaults;
  const approval = ring.approval ?? NO_APPROVAL;
  return {
    name: ring.name,
    index,
    // A deliberate break (test-break.ts) switches one of these off for the safety suite only.
    soakMs: testBreak() === "soak" ? 0 : (ring.soak ?? d.soak).ms,
    failureBudget: testBreak() === "budget" ? 1_000_000 : (ring.failureBudget ?? d.failureBudget),
    maxConcurrentPerSubscriptionRegion:
      testBreak() === "cap"
        ? 1_000
        : (ring.maxConcurrentPerSubscriptionRegion ?? d.maxConcurrentPerSubscriptionRegion),
    gates: ring.gates ?? d.gates,
    approval: {
      required: approval.required,
      timeoutMs: approval.timeout.ms,
      onTimeout: approval.onTimeout,
    },
    notify: ring.notify ?? [],
    window: ring.maintenanceWindow ? fromPolicyWindow(ring.maintenanceWindow) : undefined,
    retries: {
      attempts: (ring.retries ?? d.retries).attempts,
      delayMs: (ring.retries ?? d.retries).delay.ms,
    },
  };
}

export function effectiveRings(policy: Policy): EffectiveRing[] {
  return policy.spec.rings.map((r, i) => effectiveRing(policy, r, i));
}
