import type * as df from "durable-functions";
import type { AuditTransition } from "../contracts/audit.js";
import { activityWithRetry, iso, nowMs, type Ctx } from "./call.js";

/**
 * One audit CloudEvent for a lifecycle transition, timed by the orchestration's clock (deterministic on
 * replay); the `publishAudit` activity does the I/O. The trail must not stop a rollout: when the activity
 * fails all its retries the workflow logs that (once, not on replay) and goes on.
 */
export function* audit(
  ctx: Ctx,
  transition: AuditTransition,
  rollout: string,
  data: Record<string, unknown> = {},
  cluster?: string,
): Generator<df.Task, void, unknown> {
  const record = { transition, rollout, time: iso(nowMs(ctx)), data, ...(cluster ? { cluster } : {}) };
  try {
    yield* activityWithRetry(ctx, "publishAudit", { events: [record] });
  } catch (error) {
    if (!ctx.df.isReplaying)
      ctx.error(
        `audit: ${transition} for ${rollout} not published: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`,
      );
  }
}
