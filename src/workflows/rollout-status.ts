import type { PreparedRollout } from "../contracts/prepared-rollout.js";
import { emptyCounts, utf16Bytes } from "../contracts/lanes.js";
import {
  ATTENTION_MAX,
  type Attention,
  type RolloutStateName,
  type RolloutStatus,
} from "../contracts/rollout-status.js";
import type { RolloutInput } from "../contracts/workflow-inputs.js";
import type { Ctx } from "./call.js";
import type { FleetProgress } from "./fleet-rollout-state.js";
import type { RingProgress } from "./rollout-ring.js";

/**
 * The rollout's custom status (its shape: contracts/rollout-status.ts): what the API and the terminal show,
 * its state, each ring with its counts, the clusters that need attention, the pending approval or halt.
 * Bounded whatever the fleet size: clusters themselves are in their lanes' statuses (contracts/lanes.ts).
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
      counts: {
        ...emptyCounts(),
        total: r.clusters,
        scheduled: r.scheduled,
        skipped: r.clusters - r.scheduled,
      },
      lanes: { total: r.lanes, done: 0 },
      planned: {
        firstStart: r.firstStart ?? null,
        lastEnd: r.lastEnd ?? null,
        soakUntil: r.soakUntil ?? null,
      },
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

/** Adds a cluster that needs attention; past `ATTENTION_MAX` it is only counted ("and N more"). */
export function notice(status: RolloutStatus, cluster: Attention): void {
  const attention = (status.attention ??= { clusters: [], more: 0 });
  if (attention.clusters.length < ATTENTION_MAX) attention.clusters.push(cluster);
  else attention.more++;
}

/** Azure fails an orchestration whose custom status reaches 17,408 UTF-16 bytes; ours stays under this. */
export const STATUS_BUDGET_BYTES = 15 * 1024;

/**
 * The status as published: if it ever outgrows the budget (many rings with long gate evidence), evidence
 * of earlier rings is cut to one line first, then attention entries go (counted in `more`), then evidence
 * altogether (the verdicts stay), then the phase is cut.
 */
export function fitStatus(status: RolloutStatus): RolloutStatus {
  const fits = (s: RolloutStatus) => utf16Bytes(s) <= STATUS_BUDGET_BYTES;
  if (fits(status)) return status;
  const fitted = structuredClone(status);
  const evidence = (keep: (lines: readonly string[]) => string[]) => {
    for (const ring of fitted.rings) {
      if (fits(fitted)) return;
      for (const g of ring.gates ?? []) g.evidence = keep(g.evidence);
    }
  };
  evidence((lines) => lines.slice(0, 1).map((l) => (l.length > 120 ? `${l.slice(0, 119)}…` : l)));
  // The plan's times are for the dashboard's ETA: the first thing to go after long evidence.
  for (const ring of fitted.rings) if (!fits(fitted)) delete ring.planned;
  const attention = fitted.attention;
  while (attention?.clusters.length && !fits(fitted)) {
    attention.clusters.pop();
    attention.more++;
  }
  evidence(() => []);
  if (!fits(fitted)) fitted.phase = fitted.phase.slice(0, 200);
  return fitted;
}

/** The rollout's clusters by result, summed over its rings. */
export function totals(
  status: RolloutStatus,
): Record<"total" | "succeeded" | "failed" | "skipped" | "canceled", number> {
  const sum = (k: "total" | "succeeded" | "failed" | "skipped" | "canceled") =>
    status.rings.reduce((n, r) => n + r.counts[k], 0);
  return {
    total: sum("total"),
    succeeded: sum("succeeded"),
    failed: sum("failed"),
    skipped: sum("skipped"),
    canceled: sum("canceled"),
  };
}

export function publish(ctx: Ctx, status: RolloutStatus): void {
  ctx.df.setCustomStatus(fitStatus(status));
}

/** What one execution of the rollout hands the next (continueAsNew): one ring per execution keeps histories short. */
export interface RolloutState {
  readonly input: RolloutInput;
  readonly prepared?: PreparedRollout;
  readonly ringIndex: number;
  readonly pinnedImages: Record<string, string>;
  readonly status?: RolloutStatus;
  /** Set when an execution continued as new in the middle of ring `ringIndex`. */
  readonly ring?: RingProgress;
  /** The Fleet executor's progress (workflows/fleet-rollout.ts). */
  readonly fleet?: FleetProgress;
}
