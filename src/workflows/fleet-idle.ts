import type * as df from "durable-functions";
import { ApprovalEventSchema, ControlEventSchema, RolloutEvents } from "../contracts/events.js";
import { FleetRunEvents } from "../contracts/fleet-run.js";
import type { RolloutStatus } from "../contracts/rollout-status.js";
import { at, type Ctx } from "./call.js";
import { publish } from "./rollout-status.js";

/**
 * Waits until `until`, a gate event or a cancel; answers given meanwhile are kept for the ring that will
 * ask (as Ringmaster's own executor keeps answers in advance).
 */
export function* idle(
  ctx: Ctx,
  status: RolloutStatus,
  until: number,
): Generator<df.Task, "fired" | "cancel", unknown> {
  for (;;) {
    const timer = ctx.df.createTimer(at(until));
    const gate = ctx.df.waitForExternalEvent(FleetRunEvents.gate);
    const control = ctx.df.waitForExternalEvent(RolloutEvents.control);
    const answer = ctx.df.waitForExternalEvent(RolloutEvents.approval);
    const winner = yield ctx.df.Task.any([timer, gate, control, answer]);
    if (winner === timer) return "fired";
    timer.cancel();
    if (winner === gate) return "fired";
    if (winner === control) {
      const event = ControlEventSchema.safeParse(control.result);
      if (event.success && event.data.action === "cancel") return "cancel";
      continue;
    }
    const event = ApprovalEventSchema.safeParse(answer.result);
    const ring = event.success ? event.data.ring : undefined;
    if (event.success && ring && (!status.answers?.[ring] || event.data.replace)) {
      status.answers = { ...status.answers, [ring]: { approved: event.data.approved, by: event.data.by } };
      publish(ctx, status);
    }
  }
}
