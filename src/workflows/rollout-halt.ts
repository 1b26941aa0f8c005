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
  const since = iso(nowMs(ctx));
  status.halted = { since, reason: message.summary };
  publish(ctx, status);
  yield* audit(ctx, "rollout.halted", ctx.df.instanceId, { reason: message.summary });
  yield* notify(ctx, { ...message, teams: [...teams] });
  for (;;) {
    const event = ControlEventSchema.safeParse(yield ctx.df.waitForExternalEvent(RolloutEvents.control));
    if (!event.success) continue;
    const { action, by, actor, halted } = event.data;
    // Only a resume of this halt (one asked while the status showed it) lifts it; an older one is stale.
    if (action === "cancel" || (action === "resume" && halted === since)) {
      status.halted = undefined;
      if (action === "resume")
        yield* audit(ctx, "rollout.resumed", ctx.df.instanceId, { by, ...(actor ? { actor } : {}) });
      return action;
    }
  }
}
