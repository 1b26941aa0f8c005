import type * as df from "durable-functions";
import type { DigestInput } from "../contracts/digests.js";
import type { Message } from "../contracts/messages.js";
import { activity, activityWithRetry, at, iso, nowMs, type Ctx } from "./call.js";
import { ExternalEvent } from "../contracts/events.js";
import { DigestInputSchema, NotifyInputSchema, parseWorkflowInput } from "../contracts/workflow-inputs.js";
import { WorkflowName } from "../contracts/workflow-names.js";

/** A notice from an event (budget alert, AKS maintenance): goes into the digest like any other message. */
export function* notifyWorkflow(ctx: Ctx): Generator<df.Task, unknown, unknown> {
  const input = parseWorkflowInput(WorkflowName.notify, NotifyInputSchema, ctx.df.getInput());
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
 * It cannot drop a message: a wait left open when a slot closed takes the next message raised (say a halt
 * notice raised while the digest is sending), so every wait is read once it completes (Inbox). After each
 * email the digest listens one more slot (at least a quarter of an hour) and sends what came meanwhile in
 * another email; it ends only after a quiet slot, so every message raised while it runs is in a sent email,
 * and one raised after it ended is refused ("gone") and goes to the next digest (activities/notify.ts).
 */
export function* digestWorkflow(ctx: Ctx): Generator<df.Task, unknown, unknown> {
  const input = ctx.df.getInput<DigestInput>();
  parseWorkflowInput(WorkflowName.digest, DigestInputSchema, input);
  const inbox = new Inbox(ctx);
  let batch = yield* inbox.collect(input.slotEnd, input.messages);
  const sent = yield* activity(ctx, "sendDigest", {
    teams: input.teams,
    messages: batch,
    digestId: ctx.df.instanceId,
  });
  let late = 0;
  for (let round = 1; ; round++) {
    batch = yield* inbox.collect(nowMs(ctx) + Math.max(input.slotMs, LATE_MS), []);
    if (batch.length === 0) return late ? { ...sent, late } : sent;
    const more = yield* activity(ctx, "sendDigest", {
      teams: input.teams,
      messages: batch,
      // The first late email keeps its historical id, so a replayed send stays the same operation.
      digestId: round === 1 ? `${ctx.df.instanceId}:late` : `${ctx.df.instanceId}:late:${round}`,
    });
    late += more.sent;
  }
}

/**
 * The digest's waits for messages. A wait still open when a slot's timer won stays registered with the
 * orchestration and takes the next message raised (events go to the most recent open wait, and are held
 * for the next wait only when none is open), so every wait ever opened is kept and read whenever it has
 * completed. Each wait is awaited in one Task.any only: awaiting it again would register it twice, and
 * its second registration would take a message that nobody reads.
 */
class Inbox {
  private readonly waits: df.Task[] = [];

  constructor(private readonly ctx: Ctx) {}

  *collect(until: number, initial: readonly Message[]): Generator<df.Task, Message[], unknown> {
    const messages = new Map<string, Message>(initial.map((m) => [m.key, m]));
    for (;;) {
      this.harvest(messages);
      const next = this.ctx.df.waitForExternalEvent(ExternalEvent.notification);
      this.waits.push(next);
      // A fresh timer per wait: a timer awaited again in a new Task.any would be scheduled again anyway.
      const end = this.ctx.df.createTimer(at(until));
      const winner = yield this.ctx.df.Task.any([next, end]);
      if (winner === end) {
        this.harvest(messages);
        return [...messages.values()];
      }
      end.cancel();
    }
  }

  /** Reads every wait that has completed (the current one, or one left open by an earlier slot). */
  private harvest(messages: Map<string, Message>): void {
    for (let i = this.waits.length - 1; i >= 0; i--) {
      const wait = this.waits[i]!;
      if (!wait.isCompleted) continue;
      const m = wait.result as Message;
      messages.set(m.key, m);
      this.waits.splice(i, 1);
    }
  }
}
