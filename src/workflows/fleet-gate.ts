import type * as df from "durable-functions";
import { activityWithRetry, at, iso, nowMs, type Ctx } from "./call.js";
import {
  ApprovalEventSchema,
  ExternalEvent,
  GateUpdatedEventSchema,
  RolloutEvents,
} from "../contracts/events.js";
import { FleetGateInputSchema, parseWorkflowInput } from "../contracts/workflow-inputs.js";
import { WorkflowName } from "../contracts/workflow-names.js";

/**
 * A Fleet Manager update run reached an Approval gate: ask on-call (with the API call that approves), then
 * approve the gate through Fleet's API when they say so, or stand down when the gate is completed or deleted
 * elsewhere. Unlike Fleet's own gates, the question expires: after 48 hours on-call hears it again.
 */
const REMIND_MS = 48 * 3_600_000;

export function* fleetGateWorkflow(ctx: Ctx): Generator<df.Task, unknown, unknown> {
  const input = parseWorkflowInput(WorkflowName.fleetGate, FleetGateInputSchema, ctx.df.getInput());
  const gateName = input.gateId.split("/").pop() ?? input.gateId;
  for (let round = 0; round < 5; round++) {
    yield* activityWithRetry(ctx, "queueNotification", {
      kind: "fleetGate",
      key: `${input.gateId}:${round}`,
      title: `Fleet gate waiting: ${input.displayName ?? gateName} (${input.updateRunName ?? "update run"}, ${input.timing ?? ""} ${input.stage ?? ""}${input.group ? `/${input.group}` : ""})`,
      summary:
        round === 0
          ? "A Fleet Manager update run waits for this approval."
          : `Still waiting after ${round * 48} hours.`,
      lines: [`Fleet: ${input.fleetId}`, `Gate: ${input.gateId}`],
      actions: [
        {
          label: "Approve",
          url: input.approveUrl ?? `/api/fleetgates/${encodeURIComponent(gateName)}/approve`,
          method: "POST",
        },
      ],
      urgent: true,
      time: iso(nowMs(ctx)),
    });
    const approval = ctx.df.waitForExternalEvent(RolloutEvents.approval);
    const updated = ctx.df.waitForExternalEvent(ExternalEvent.gateUpdated);
    const deleted = ctx.df.waitForExternalEvent(ExternalEvent.gateDeleted);
    const remind = ctx.df.createTimer(at(nowMs(ctx) + REMIND_MS));
    const winner = yield ctx.df.Task.any([approval, updated, deleted, remind]);
    if (winner !== remind) remind.cancel();
    if (winner === deleted) return { outcome: "deleted" };
    if (winner === updated) {
      const parsed = GateUpdatedEventSchema.safeParse(updated.result);
      const state = parsed.success ? parsed.data.state : undefined;
      if (state && state !== "Pending") return { outcome: `completed elsewhere (${state})` };
      continue;
    }
    if (winner === approval) {
      const answer = ApprovalEventSchema.safeParse(approval.result);
      if (answer.success && answer.data.approved) {
        yield* activityWithRetry(ctx, "approveFleetGate", { gateId: input.gateId });
        return { outcome: `approved by ${answer.data.by}` };
      }
      return { outcome: "left pending: rejected through Ringmaster" };
    }
  }
  return { outcome: "no answer after five reminders" };
}
