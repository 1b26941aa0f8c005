import type { FleetRunStatus } from "../contracts/fleet-run.js";
import type { FleetRunView } from "../contracts/fleet-run-view.js";
import type { ClusterCounts, LaneFailure } from "../contracts/lanes.js";
import type { PreparedRollout } from "../contracts/prepared-rollout.js";
import type { RingStatus, RolloutStatus } from "../contracts/rollout-status.js";
import { fleetName } from "../domain/fleet-run-plan.js";

/**
 * What the Fleet executor carries from one execution to the next (RolloutState.fleet), and how a run's
 * bounded status (contracts/fleet-run.ts) becomes the rollout's status: the same rings with the same
 * counts as Ringmaster's own executor shows, plus `status.fleet` (the runs, their stages, waiting gates).
 */
export interface FleetProgress {
  readonly fleetId: string;
  readonly runs: readonly { readonly name: string; readonly mode: "plan" | "continue" | "retry" }[];
  /** The last run has been started. */
  readonly started: boolean;
  /** Gates Ringmaster has answered (ids), so a poll that still sees one Pending does not ask again. */
  readonly handled: readonly string[];
  /** Rings whose failure budget was exceeded and whose halt was answered. */
  readonly haltedRings: readonly string[];
  /** Set by `POST …/retry`: the next execution creates a retry run for these members. */
  readonly retry?: { readonly by: string };
  /** Completed members by stage over the earlier runs of this rollout (a later run does not repeat them). */
  readonly earlier: Readonly<Record<string, number>>;
  /** Failed members by stage over the earlier runs that did not take them again. */
  readonly earlierFailed?: Readonly<Record<string, number>>;
  /** Follow-up runs that took a ring's failed members again, by ring (at most its `retries`). */
  readonly attempts?: Readonly<Record<string, number>>;
}

const RING_STATUS: Record<string, RingStatus> = {
  NotStarted: "pending",
  Pending: "running",
  Running: "running",
  Stopping: "running",
  Stopped: "halted",
  Failed: "halted",
  Completed: "succeeded",
  Skipped: "skipped",
};

/** The rollout's rings and `fleet` view from the current run's status (the earlier runs' completions kept). */
export function applyRunStatus(
  status: RolloutStatus,
  prepared: PreparedRollout,
  progress: FleetProgress,
  run: FleetRunStatus,
): void {
  for (const [i, ring] of status.rings.entries()) {
    const stage = run.stages.find((s) => s.name === stageName(prepared, i));
    const summary = prepared.plan.rings[i];
    if (!stage || !summary) continue;
    const c = stage.counts;
    const earlier = progress.earlier[stage.name] ?? 0;
    const counts: ClusterCounts = {
      total: summary.clusters,
      scheduled: c.notStarted + c.pending,
      skipped: summary.clusters - summary.scheduled + c.skipped,
      running: c.running,
      succeeded: earlier + c.completed,
      failed: (progress.earlierFailed?.[stage.name] ?? 0) + c.failed,
      canceled: 0,
    };
    ring.counts = counts;
    if (!["halted", "resumed", "rejected", "canceled"].includes(ring.status) || stage.state === "Running")
      ring.status = RING_STATUS[stage.state] ?? ring.status;
  }
  const runs = progress.runs.map((r) => {
    const view = status.fleet?.runs.find((v) => v.name === r.name);
    return r.name === run.runName
      ? {
          name: r.name,
          mode: r.mode,
          state: run.state,
          stages: run.stages.map((s) => ({ name: s.name, state: s.state, counts: s.counts })),
        }
      : (view ?? { name: r.name, mode: r.mode, state: "NotStarted", stages: [] });
  });
  const view: FleetRunView = {
    fleetId: progress.fleetId,
    runs: runs.slice(-20),
    gates: run.gates.slice(0, 20),
    ...((run.selectedNodeImageVersions ?? status.fleet?.selectedNodeImageVersions)
      ? {
          selectedNodeImageVersions:
            run.selectedNodeImageVersions ?? status.fleet!.selectedNodeImageVersions!,
        }
      : {}),
  };
  status.fleet = view;
}

/** The Fleet stage name of ring `i` (fleet-run-plan.ts makes ring names Fleet-safe the same way). */
export function stageName(prepared: PreparedRollout, i: number): string {
  return fleetName(prepared.settings.rings[i]?.name ?? "");
}

/** The earliest planned start of any ring (the run's first members' windows), or now. */
export function firstWindow(prepared: PreparedRollout, now: number): number {
  const starts = prepared.plan.rings
    .map((r) => (r.firstStart ? Date.parse(r.firstStart) : NaN))
    .filter((t) => !Number.isNaN(t));
  return starts.length ? Math.min(...starts) : now;
}

export function freezeAt(
  prepared: PreparedRollout,
  t: number,
): { name: string; start: string; end: string } | undefined {
  return prepared.settings.freezes.find((f) => Date.parse(f.start) <= t && t < Date.parse(f.end));
}

/**
 * The first ring whose failed members exceed its budget (and was not already halted for it). The budget
 * is the rollout's, not a run's: failures earlier runs left behind (not taken again) count too, so a
 * follow-up run cannot fail a budget's worth again.
 */
export function overBudget(
  prepared: PreparedRollout,
  progress: FleetProgress,
  run: FleetRunStatus,
): { ring: string; index: number; budget: number; count: number; failed: LaneFailure[] } | undefined {
  for (const [index, ring] of prepared.settings.rings.entries()) {
    const stage = run.stages.find((s) => s.name === stageName(prepared, index));
    if (!stage || progress.haltedRings.includes(ring.name)) continue;
    const count = (progress.earlierFailed?.[stage.name] ?? 0) + stage.counts.failed;
    if (count > ring.failureBudget)
      return {
        ring: ring.name,
        index,
        budget: ring.failureBudget,
        count,
        failed: stage.failed.map((f) => ({ ...f, ring: ring.name, attempts: 1 })),
      };
  }
  return undefined;
}
