import type * as df from "durable-functions";
import { audit } from "./audit.js";
import { notify, nowMs, type Ctx } from "./call.js";
import { releaseLanes } from "./rollout-ring.js";
import { completionMessage } from "./rollout-messages.js";
import { enter, publish, totals, type RolloutState } from "./rollout-status.js";

/** Ends the rollout: lanes of rings that never ran are released, on-call gets the digest, the output counts. */
export function* finish(
  ctx: Ctx,
  state: RolloutState,
  outcome: "completed" | "rejected" | "canceled",
  releaseFrom: number,
): Generator<df.Task, unknown, unknown> {
  const status = state.status!;
  // The Fleet executor starts no lanes (Fleet holds its clusters): nothing to release.
  if (state.prepared && outcome !== "completed" && state.prepared.settings.executor !== "fleet")
    yield* releaseLanes(ctx, state.prepared, releaseFrom);
  enter(status, outcome, outcome);
  for (const r of status.rings)
    if (r.status === "pending") r.status = outcome === "completed" ? "skipped" : outcome;
  publish(ctx, status);
  const counts = totals(status);
  yield* audit(ctx, outcome === "canceled" ? "rollout.canceled" : "rollout.completed", ctx.df.instanceId, {
    outcome,
    succeeded: counts.succeeded,
    failed: counts.failed,
    skipped: counts.skipped,
    ...(counts.canceled ? { canceled: counts.canceled } : {}),
  });
  yield* notify(
    ctx,
    completionMessage(
      ctx.df.instanceId,
      state.input,
      status,
      outcome,
      nowMs(ctx),
      state.prepared?.settings.baseUrl ?? "",
    ),
  );
  return { outcome, counts, ...(status.attention ? { attention: status.attention } : {}) };
}
