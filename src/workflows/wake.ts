import type * as df from "durable-functions";
import { RolloutEvents } from "../contracts/events.js";
import { at, nowMs, type Ctx } from "./call.js";

/** How long a rollout ring or a lane waits for reports before it re-asks (a report may have been lost). */
export const RECHECK_MS = 6 * 60 * 60_000;

/** What woke a waiting ring or lane: a report, a control event (pause, resume, cancel) or the recheck timer. */
export type Wake =
  | { readonly kind: "report"; readonly value: unknown }
  | { readonly kind: "control"; readonly value: unknown }
  | { readonly kind: "recheck" };

/**
 * The one wait of the rollout's ring loop (reports from lanes) and of a lane (reports from clusters):
 * the first of the next `reportEvent`, the next control event, or the recheck — every RECHECK_MS, or at
 * once after a continue-as-new hand-over, when events sent meanwhile may have been dropped. The timer is
 * canceled when an event wins, so an idle execution keeps no stale timers.
 */
export function* nextWake(
  ctx: Ctx,
  reportEvent: string,
  recheckAtOnce: boolean,
): Generator<df.Task, Wake, unknown> {
  const report = ctx.df.waitForExternalEvent(reportEvent);
  const control = ctx.df.waitForExternalEvent(RolloutEvents.control);
  const recheck = ctx.df.createTimer(at(nowMs(ctx) + (recheckAtOnce ? 0 : RECHECK_MS)));
  const winner = yield ctx.df.Task.any([report, control, recheck]);
  if (winner !== recheck) recheck.cancel();
  if (winner === report) return { kind: "report", value: report.result };
  if (winner === control) return { kind: "control", value: control.result };
  return { kind: "recheck" };
}
