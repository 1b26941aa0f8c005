import type * as df from "durable-functions";
import { ControlEventSchema, RolloutEvents } from "../contracts/events.js";
import { laneIds } from "../contracts/lanes.js";
import type { PreparedRollout } from "../contracts/prepared-rollout.js";
import type { RolloutStatus } from "../contracts/rollout-status.js";
import { activityWithRetry, at, iso, nowMs, type Ctx } from "./call.js";
import { enter, publish } from "./rollout-status.js";

/** How often a ring waiting for its target looks again (AKS rolls a release out over days). */
export const TARGET_RECHECK_MS = 6 * 3_600_000;

/** When the target was seen in every region of the ring's clusters, and which regions those are. */
export interface TargetSeen {
  readonly at: number;
  readonly regions: readonly string[];
  /** True when the ring had to wait for it (then `at` is when it was first seen everywhere). */
  readonly waited: boolean;
}

/**
 * Before a ring's approval is requested: waits until the target Kubernetes version is offered in every
 * region of the ring's clusters (AKS#5423), looking again every TARGET_RECHECK_MS, so nobody approves a
 * version that cannot be installed yet. A cancel ends the wait; answers sent meanwhile stay queued for the
 * approval's own wait. Node-image rollouts and rings without lanes do not wait.
 */
export function* targetAvailable(
  ctx: Ctx,
  prepared: PreparedRollout,
  status: RolloutStatus,
  ringName: string,
): Generator<df.Task, TargetSeen | "canceled" | undefined, unknown> {
  const ring = prepared.plan.rings.find((r) => r.name === ringName);
  if (prepared.plan.kind !== "kubernetes" || !ring || ring.lanes === 0) return undefined;
  // The Fleet executor starts no lanes: its ring names its subscription-regions in the plan.
  const where = ring.bucketKeys
    ? { buckets: [...ring.bucketKeys] }
    : { laneIds: laneIds(ctx.df.instanceId, ring.index, ring.lanes) };
  // Found at once, the request keeps the instant it was due (the look takes no time that matters).
  const due = nowMs(ctx);
  for (let waited = false; ; waited = true) {
    const seen = yield* activityWithRetry(ctx, "targetAvailability", {
      ...where,
      target: prepared.plan.target,
    });
    if (seen.missing.length === 0) return { at: waited ? nowMs(ctx) : due, regions: seen.regions, waited };
    const next = nowMs(ctx) + TARGET_RECHECK_MS;
    enter(
      status,
      "approval-scheduled",
      `approval for ${ringName} waits for Kubernetes ${prepared.plan.target} in ${seen.missing.join(", ")} (AKS releases region by region); next look ${iso(next)}`,
      ringName,
    );
    publish(ctx, status);
    for (;;) {
      const control = ctx.df.waitForExternalEvent(RolloutEvents.control);
      const timer = ctx.df.createTimer(at(next));
      const winner = yield ctx.df.Task.any([control, timer]);
      if (winner === timer) break;
      timer.cancel();
      const event = ControlEventSchema.safeParse(control.result);
      if (event.success && event.data.action === "cancel") return "canceled";
    }
  }
}
