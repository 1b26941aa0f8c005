import type { PlanSkipCode } from "./codes.js";
import type { RolloutLevel } from "./eligibility.js";
import { nodeCount, type Inventory, type InventoryCluster } from "./inventory.js";
import type { Policy } from "./policy-schema.js";

/**
 * The rollout plan's shape (planner.ts builds it): what is planned for each ring and each cluster, the
 * codes a cluster is skipped with, and the plan of a skipped cluster.
 */
export type PlanTarget =
  /** `level`: the rollout's (eligibility.ts RolloutLevel); its plan leaves the other level's clusters alone. */
  | { readonly kind: "kubernetes"; readonly version: string; readonly level?: RolloutLevel | undefined }
  | { readonly kind: "nodeImage"; readonly pinned?: Readonly<Record<string, string>> };

export interface PlanInput {
  readonly policy: Policy;
  readonly inventory: Inventory;
  readonly target: PlanTarget;
  readonly now: number;
  /** How far ahead to look for windows; 90 days by default. */
  readonly horizonDays?: number;
}

/** The code a cluster's plan is skipped with (codes.ts: the one table of codes). */
export type SkipReason = PlanSkipCode;

export interface ClusterPlan {
  readonly clusterId: string;
  readonly name: string;
  readonly subscriptionId: string;
  readonly location: string;
  readonly ring: string | null;
  readonly currentVersion: string;
  /** Kubernetes version or node image the cluster goes to. */
  readonly target: string;
  readonly nodes: number;
  readonly durationMinutes: number;
  readonly status: "scheduled" | "skipped";
  readonly reasonCode?: SkipReason;
  readonly reason?: string;
  readonly windowSource?: "cluster" | "ring" | "none";
  /** The window the predicted upgrade starts in (ISO). */
  readonly window?: { readonly start: string; readonly end: string };
  readonly predictedStart?: string;
  readonly predictedEnd?: string;
}

export interface RingPlan {
  readonly name: string;
  readonly index: number;
  readonly approvalRequired: boolean;
  readonly approvalTimeoutMinutes: number;
  /** Earliest instant the ring may start: now for the first ring, the previous ring's soak end after. */
  readonly readyAt: string;
  readonly firstStart: string | null;
  readonly lastEnd: string | null;
  readonly soakUntil: string | null;
  readonly maxConcurrentPerSubscriptionRegion: number;
  readonly clusters: readonly string[];
}

export interface Plan {
  readonly policy: string;
  readonly kind: PlanTarget["kind"];
  readonly target: string;
  readonly now: string;
  readonly horizonEnd: string;
  readonly rings: readonly RingPlan[];
  readonly clusters: readonly ClusterPlan[];
  readonly freezes: readonly { name: string; start: string; end: string }[];
}

export class RingOverlapError extends Error {
  override readonly name = "RingOverlapError";
  constructor(readonly overlaps: readonly { clusterId: string; rings: readonly string[] }[]) {
    super(
      `Planner: ${overlaps.length} cluster(s) selected by more than one ring; each cluster belongs to at most one ring: ` +
        overlaps
          .map((o) => `${o.clusterId.split("/").pop()} (rings ${o.rings.map((r) => `"${r}"`).join(" and ")})`)
          .join(", "),
    );
  }
}

/** The plan of a cluster that will not be upgraded, with the code and the reason in words. */
export function skipped(
  cluster: InventoryCluster,
  ring: string | null,
  target: string,
  minutes: number,
  code: SkipReason,
  reason: string,
): ClusterPlan {
  return {
    clusterId: cluster.id,
    name: cluster.name,
    subscriptionId: cluster.subscriptionId,
    location: cluster.location,
    ring,
    currentVersion: cluster.kubernetesVersion,
    target,
    nodes: nodeCount(cluster),
    durationMinutes: minutes,
    status: "skipped",
    reasonCode: code,
    reason,
  };
}
