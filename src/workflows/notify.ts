import type * as df from "durable-functions";
import type { DigestInput } from "../activities/notify.js";
import type { Message } from "../notify/message.js";
import { activity, activityWithRetry, at, iso, nowMs, type Ctx } from "./call.js";
import { ExternalEvent } from "./contracts.js";

/** A notice from an event (budget alert, AKS maintenance): goes into the digest like any other message. */
export function* notifyWorkflow(ctx: Ctx): Generator<df.Task, unknown, unknown> {
  const input = ctx.df.getInput<{
    category: "budget" | "aksMaintenance";
    summary: string;
    event: { key: string; time: string } & Record<string, unknown>;
  }>();
  const e = input.event;
  yield* activityWithRetry(ctx, "queueNotification", {
    kind: input.category,
    key: e.key,
    title: input.summary,
    summary: input.summary,
    lines: Object.entries(e)
      .filter(
        ([k, v]) => !["key", "kind", "time"].includes(k) && (typeof v === "string" || typeof v === "number"),
      )
      .map(([k, v]) => `${k}: ${String(v)}`),
    urgent: input.category === "budget",
    time: e.time ?? iso(nowMs(ctx)),
  });
  return { queued: true };
}

const LATE_MS = 15 * 60_000;

/**
 * One digest: collects the messages of a team group until its slot ends, then sends one email per recipient.
 * A message queued just as the slot closed (its raise raced the closing timer) is not lost: the digest
 * listens one more slot (at least a quarter of an hour) and sends what came late in a second email.
 */
export function* digestWorkflow(ctx: Ctx): Generator<df.Task, unknown, unknown> {
  const input = ctx.df.getInput<DigestInput>();
  const messages = yield* collect(ctx, input.slotEnd, input.messages);
  const sent = yield* activity(ctx, "sendDigest", {
    teams: input.teams,
    messages,
    digestId: ctx.df.instanceId,
  });
  const late = yield* collect(ctx, input.slotEnd + Math.max(input.slotMs, LATE_MS), []);
  if (late.length === 0) return sent;
  const lateSent = yield* activity(ctx, "sendDigest", {
    teams: input.teams,
    messages: late,
    digestId: `${ctx.df.instanceId}:late`,
  });
  return { ...sent, late: lateSent.sent };
}

function* collect(
  ctx: Ctx,
  until: number,
  initial: readonly Message[],
): Generator<df.Task, Message[], unknown> {
  const messages = new Map<string, Message>(initial.map((m) => [m.key, m]));
  for (;;) {
    // A fresh timer per wait: a timer awaited again in a new Task.any would be scheduled again anyway.
    const next = ctx.df.waitForExternalEvent(ExternalEvent.notification);
    const end = ctx.df.createTimer(at(until));
    const winner = yield ctx.df.Task.any([next, end]);
    if (winner === end) return [...messages.values()];
    end.cancel();
    const m = next.result as Message;
    messages.set(m.key, m);
  }
}
