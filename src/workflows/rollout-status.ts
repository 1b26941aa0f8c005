import type { PreparedRollout } from "../activities/prepare.js";
import type { ClusterResult } from "../contracts/cluster-results.js";
import type { RolloutInput } from "../contracts/workflow-inputs.js";

/**
 * What the API and the terminal show of a rollout: its phase, each ring with its clusters, the pending
 * approval or halt. Kept in the orchestration's custom status (small: names, states, short reasons).
 */
export interface RingState {
  name: string;
  status:
    | "pending"
    | "running"
    | "succeeded"
    | "halted"
    | "resumed"
    | "rejected"
    | "canceled"
    | "skipped"
    | "completed";
  /** By cluster name; `workflow` is the cluster workflow's instance id while it is in flight. */
  clusters: Record<
    string,
    { status: string; reason?: string; code?: string; predictedStart?: string; workflow?: string }
  >;
  soakUntil?: string;
  gates?: readonly { kind: string; gate: string; passed: boolean; evidence: readonly string[] }[];
}

export interface RolloutStatus {
  rollout: string;
  policy: string;
  kind: string;
  target: string;
  phase: string;
  rings: RingState[];
  approval?: { ring: string; requestedAt: string; deadline: string; onTimeout: string; result?: string };
  halted?: { since: string; reason: string } | undefined;
  /** Answers given in advance, by ring, until that ring asks. */
  answers?: Record<string, { approved: boolean; by: string }>;
  pinnedImages?: Record<string, string>;
}

export function initialStatus(id: string, input: RolloutInput, prepared: PreparedRollout): RolloutStatus {
  return {
    rollout: id,
    policy: input.policy,
    kind: input.kind,
    target: input.target,
    phase: "planned",
    rings: prepared.plan.rings.map((r) => ({
      name: r.name,
      status: "pending",
      clusters: Object.fromEntries(
        prepared.plan.clusters
          .filter((c) => c.ring === r.name)
          .map((c) => [
            c.name,
            c.status === "scheduled"
              ? { status: "scheduled", ...(c.predictedStart ? { predictedStart: c.predictedStart } : {}) }
              : { status: "skipped", reason: c.reason ?? "", code: c.reasonCode ?? "" },
          ]),
      ),
    })),
  };
}

/** What one execution of the rollout hands the next (continueAsNew): one ring per execution keeps histories short. */
export interface RolloutState {
  readonly input: RolloutInput;
  readonly prepared?: PreparedRollout;
  readonly ringIndex: number;
  readonly pinnedImages: Record<string, string>;
  readonly results: ClusterResult[];
  readonly status?: RolloutStatus;
}
