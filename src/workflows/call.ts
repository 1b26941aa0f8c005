import type * as df from "durable-functions";
// Not from the package index: that loads its HTTP client (src/app/durable-app.ts says why).
import { RetryOptions } from "durable-functions/lib/src/RetryOptions.js";
import type { ActivityInput, ActivityName, ActivityOutput } from "../contracts/activities.js";
import type { MessageInput } from "../contracts/messages.js";

/**
 * Typed calls from orchestrators: activity names and their input/output types come from the contracts'
 * activity table (contracts/activities.ts), which the activities implement, so a renamed or reshaped
 * activity is a compile error, not a replay surprise.
 */
export type Ctx = df.OrchestrationContext;
type Result<K extends ActivityName> = ActivityOutput<K>;

export function* activity<K extends ActivityName>(
  ctx: Ctx,
  name: K,
  input: ActivityInput<K>,
): Generator<df.Task, Result<K>, unknown> {
  return (yield ctx.df.callActivity(name, input)) as Result<K>;
}

/** For I/O that may fail transiently (a network blip, a throttled read): three tries, 30 s apart, doubling. */
export function* activityWithRetry<K extends ActivityName>(
  ctx: Ctx,
  name: K,
  input: ActivityInput<K>,
): Generator<df.Task, Result<K>, unknown> {
  const retry = new RetryOptions(30_000, 3);
  retry.backoffCoefficient = 2;
  return (yield ctx.df.callActivityWithRetry(name, retry, input)) as Result<K>;
}

export const nowMs = (ctx: Ctx) => ctx.df.currentUtcDateTime.getTime();
export const at = (ms: number) => new Date(ms);
export const iso = (ms: number) => new Date(ms).toISOString();

/** Queues a message for on-call; the digest it lands in sends it (activities/notify.ts). */
export function* notify(ctx: Ctx, message: MessageInput): Generator<df.Task, void, unknown> {
  yield* activityWithRetry(ctx, "queueNotification", message);
}
