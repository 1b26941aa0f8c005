import type * as df from "durable-functions";
import {
  ApprovalEventSchema,
  ControlEventSchema,
  RolloutEvents,
  type ApprovalEvent,
} from "../contracts/events.js";
import type { PreparedRollout } from "../contracts/prepared-rollout.js";
import type { RolloutStatus } from "../contracts/rollout-status.js";
import { audit } from "./audit.js";
import { at, iso, notify, nowMs, type Ctx } from "./call.js";
import { approvalMessage } from "./rollout-messages.js";
import { enter, publish } from "./rollout-status.js";
import { targetAvailable } from "./target-wait.js";

/**
 * A ring's (or the rollout's) approval, as both executors ask it: rollout.ts for its rings, and
 * fleet-rollout.ts for the Fleet run's approval gates. Its own file so neither imports the other.
 */
export type Answer = "approved" | "rejected" | "canceled";

/**
 * Asks on-call, then waits for the answer, the timeout, or a cancel. Requests go out `timeout` before the
 * ring's planned start (so the answer is due when the window opens), never before the ring is ready. An
 * answer given in advance for this ring settles it without asking; one for a later ring is kept for it.
 */
export function* approval(
  ctx: Ctx,
  prepared: PreparedRollout,
  status: RolloutStatus,
  ring: string,
  timeoutMs: number,
  onTimeout: "approve" | "reject",
  plannedStart: number,
): Generator<df.Task, Answer, unknown> {
  const requestAt = Math.max(nowMs(ctx), plannedStart - timeoutMs);
  if (requestAt > nowMs(ctx)) {
    enter(status, "approval-scheduled", `approval for ${ring} will be requested at ${iso(requestAt)}`, ring);
    publish(ctx, status);
    const waited = yield* waitUntil(ctx, status, ring, requestAt);
    if (waited === "canceled") return "canceled";
  }
  const answered = (approved: boolean, how: string, by?: string, actor?: unknown) =>
    audit(ctx, approved ? "approval.approved" : "approval.rejected", ctx.df.instanceId, {
      ring,
      how,
      ...(by ? { by } : {}),
      ...(actor ? { actor } : {}),
    });
  const early = status.answers?.[ring];
  if (early) {
    status.approval = {
      ring,
      requestedAt: iso(nowMs(ctx)),
      deadline: iso(nowMs(ctx)),
      onTimeout,
      result: `${early.approved ? "approved" : "rejected"} in advance by ${early.by}`,
    };
    yield* answered(early.approved, "in advance", early.by);
    return early.approved ? "approved" : "rejected";
  }
  const seen = ring === "rollout" ? undefined : yield* targetAvailable(ctx, prepared, status, ring);
  if (seen === "canceled") return "canceled";
  const asked = seen?.at ?? nowMs(ctx);
  const deadline = asked + timeoutMs;
  status.approval = { ring, requestedAt: iso(asked), deadline: iso(deadline), onTimeout };
  enter(status, "waiting-approval", `waiting for approval of ${ring}`, ring);
  publish(ctx, status);
  const ringSettings = prepared.settings.rings.find((r) => r.name === ring);
  yield* notify(
    ctx,
    approvalMessage(
      ctx.df.instanceId,
      prepared,
      ring,
      ringSettings?.notify ?? [],
      deadline,
      onTimeout,
      asked,
      seen,
    ),
  );
  const waited = yield* waitUntil(ctx, status, ring, deadline);
  if (waited === "canceled") return "canceled";
  if (waited === "fired") {
    status.approval = { ...status.approval, result: `timed out: ${onTimeout}` };
    yield* answered(onTimeout === "approve", "timed out");
    return onTimeout === "approve" ? "approved" : "rejected";
  }
  status.approval = {
    ...status.approval,
    result: `${waited.approved ? "approved" : "rejected"} by ${waited.by}`,
  };
  yield* answered(waited.approved, "answered", waited.by, waited.actor);
  return waited.approved ? "approved" : "rejected";
}

/**
 * A timer that an answer for `ring` or a cancel can cut short. Fresh tasks on every wait (a task awaited
 * again in a new Task.any is scheduled again; see rollout-ring.ts). Answers for other rings are kept.
 */
function* waitUntil(
  ctx: Ctx,
  status: RolloutStatus,
  ring: string,
  fireAt: number,
): Generator<df.Task, "fired" | "canceled" | ApprovalEvent, unknown> {
  for (;;) {
    const answer = ctx.df.waitForExternalEvent(RolloutEvents.approval);
    const control = ctx.df.waitForExternalEvent(RolloutEvents.control);
    const timer = ctx.df.createTimer(at(fireAt));
    const winner = yield ctx.df.Task.any([answer, control, timer]);
    if (winner === timer) return "fired";
    timer.cancel();
    if (winner === control) {
      const event = ControlEventSchema.safeParse(control.result);
      if (event.success && event.data.action === "cancel") return "canceled";
      continue;
    }
    const event = ApprovalEventSchema.safeParse(answer.result);
    if (!event.success) continue;
    const forRing = event.data.ring ?? status.approval?.ring ?? ring;
    if (forRing === ring && status.approval?.ring === ring && !status.approval.result) return event.data;
    // The first answer in advance stands; two racing answers cannot silently override each other.
    if (!status.answers?.[forRing] || event.data.replace) {
      status.answers = { ...status.answers, [forRing]: { approved: event.data.approved, by: event.data.by } };
      publish(ctx, status); // so the API can refuse a conflicting second answer (409)
    }
    if (forRing === ring) return event.data;
  }
}
