import type * as df from "durable-functions";
import type { MessageInput } from "../contracts/messages.js";
import { ControlEventSchema, RolloutEvents } from "../contracts/events.js";
import type { RolloutStatus } from "../contracts/rollout-status.js";
import { audit } from "./audit.js";
import { iso, notify, nowMs, type Ctx } from "./call.js";
import { enter, publish } from "./rollout-status.js";

/** Tells on-call and waits for resume or cancel through the API. */
export function* halt(
  ctx: Ctx,
  status: RolloutStatus,
  ring: string,
  teams: readonly string[],
  message: MessageInput,
): Generator<df.Task, "resume" | "cancel", unknown> {
  enter(status, "halted", `halted: ${message.summary}`, ring);
  status.halted = { since: iso(nowMs(ctx)), reason: message.summary };
  publish(ctx, status);
  yield* audit(ctx, "rollout.halted", ctx.df.instanceId, { reason: message.summary });
  yield* notify(ctx, { ...message, teams: [...teams] });
  for (;;) {
    const event = ControlEventSchema.safeParse(yield ctx.df.waitForExternalEvent(RolloutEvents.control));
    if (event.success && (event.data.action === "resume" || event.data.action === "cancel")) {
      status.halted = undefined;
      const { action, by, actor } = event.data;
      if (action === "resume")
        yield* audit(ctx, "rollout.resumed", ctx.df.instanceId, { by, ...(actor ? { actor } : {}) });
      return action;
    }
  }
}
