import type { PreparedRollout } from "../contracts/prepared-rollout.js";
import type { ClusterResult } from "../contracts/cluster-results.js";
import type { RolloutStateName, RolloutStatus } from "../contracts/rollout-status.js";
import type { RolloutInput } from "../contracts/workflow-inputs.js";

/**
 * The rollout's custom status (its shape: contracts/rollout-status.ts): what the API and the terminal show,
 * its state, each ring with its clusters, the pending approval or halt. Small: names, states, short reasons.
 */
export function initialStatus(id: string, input: RolloutInput, prepared: PreparedRollout): RolloutStatus {
  return {
    rollout: id,
    policy: input.policy,
    kind: input.kind,
    target: input.target,
    state: "planned",
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
              ? {
                  status: "scheduled" as const,
                  ...(c.predictedStart ? { predictedStart: c.predictedStart } : {}),
                }
              : { status: "skipped" as const, reason: c.reason ?? "", code: c.reasonCode ?? "" },
          ]),
      ),
    })),
  };
}

/**
 * Moves the rollout to `state` (about `ring`, when it is about one), with `phase` saying the same in words.
 * The caller still publishes the status (setCustomStatus) when it is ready.
 */
export function enter(status: RolloutStatus, state: RolloutStateName, phase: string, ring?: string): void {
  status.state = state;
  status.phase = phase;
  if (ring === undefined) delete status.ring;
  else status.ring = ring;
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
