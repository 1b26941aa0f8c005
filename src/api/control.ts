import type { HttpRequest, HttpResponseInit } from "@azure/functions";
import { z } from "zod";
import { fleetGateInstanceId } from "../contracts/instance-ids.js";
import { WorkflowName } from "../contracts/workflow-names.js";
import { isActive } from "../contracts/durable-port.js";
import { checkGate } from "../dispatch/verify.js";
import { haltAnswered, resumable, RolloutEvents } from "../contracts/events.js";
import { RingStateSchema, RolloutStates, RolloutStatusSchema } from "../contracts/rollout-status.js";
import type { ApiDeps } from "./deps.js";
import { resolveActor } from "./actor.js";
import { Identity, json, parseBody, readBody, rolloutIdParam, shown } from "./http.js";

/**
 * Approve/reject, pause/resume/cancel a rollout, and approve a Fleet gate. Each accepts only what exists:
 * a rollout id (never a cluster workflow's), a body whose every field is valid (400 naming the field, not
 * a silent default), and an answer that answers something.
 */
/** What answering needs of the rollout's status (contracts/rollout-status.ts): its state, approval, answers, rings. */
const AnswerView = RolloutStatusSchema.pick({
  state: true,
  ring: true,
  phase: true,
  approval: true,
  answers: true,
  halted: true,
})
  .partial()
  .extend({ rings: z.array(RingStateSchema.pick({ name: true, status: true })).optional() });
type RolloutCustomStatus = z.infer<typeof AnswerView>;

const ApprovalBody = z
  .strictObject({
    by: Identity.optional(),
    comment: z.string().max(2000, "at most 2000 characters").optional(),
    /** An answer in advance replaces an earlier one only when asked to. */
    replace: z.boolean().optional(),
  })
  .optional();

const ControlBody = z
  .strictObject({ by: Identity.optional(), reason: z.string().max(500, "at most 500 characters").optional() })
  .optional();

type Found = { ok: true; custom: RolloutCustomStatus } | { ok: false; response: HttpResponseInit };

/** The rollout behind a valid id, still taking events; 404 when none, 409 when it has ended. */
async function activeRollout(deps: ApiDeps, id: string): Promise<Found> {
  const view = await deps.port.describe(id);
  if (!view || (view.name !== undefined && view.name !== WorkflowName.rollout))
    return { ok: false, response: json(404, { error: `no rollout with id ${shown(id)}` }) };
  if (!isActive(view.runtimeStatus))
    return {
      ok: false,
      response: json(409, { error: `${id} is ${view.runtimeStatus}; it takes no more events` }),
    };
  const custom = AnswerView.safeParse(view.customStatus ?? {});
  if (!custom.success)
    return {
      ok: false,
      response: json(500, {
        error: `${id} has a status that does not match its contract: ${custom.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
      }),
    };
  return { ok: true, custom: custom.data };
}

/**
 * Approve or reject. Accepted only when it answers something: the pending question (optionally naming its
 * ring), or — with `?ring=` — a ring whose question has not been asked yet (an answer in advance). The first
 * answer in advance stands: a different second one is refused (409) unless it says `"replace": true`; the
 * same answer again changes nothing (200).
 */
export async function answerApproval(
  req: HttpRequest,
  deps: ApiDeps,
  approved: boolean,
): Promise<HttpResponseInit> {
  const param = rolloutIdParam(req);
  if (!param.ok) return param.response;
  const raw = await readBody(req, '{"by": "alice@contoso.com", "comment": "..."} or nothing');
  if (!raw.ok) return raw.response;
  const body = parseBody(ApprovalBody, raw.value);
  if (!body.ok) return body.response;
  const id = param.id;
  const found = await activeRollout(deps, id);
  if (!found.ok) return found.response;
  const { custom } = found;
  const ring = req.query.get("ring") ?? undefined;
  const pending = custom.approval && !custom.approval.result ? custom.approval.ring : undefined;
  const ringState = ring ? custom.rings?.find((r) => r.name === ring) : undefined;
  if (ring && !ringState && ring !== "rollout")
    return json(400, {
      error: `ring: ${shown(ring)} is not a ring of this rollout (${(custom.rings ?? []).map((r) => r.name).join(", ")})`,
    });
  const answersPending = pending !== undefined && (!ring || ring === pending);
  const answersAhead =
    ring !== undefined &&
    ring !== pending &&
    (ringState?.status === "pending" ||
      (custom.state === RolloutStates.approvalScheduled && custom.ring === ring));
  if (!answersPending && !answersAhead) {
    return json(409, {
      error: pending
        ? `the rollout waits for approval of ${pending}, not ${ring}`
        : `the rollout is not waiting for an approval (phase: ${custom.phase ?? "unknown"}); name a ring still to come with ?ring= to answer in advance`,
    });
  }
  const actor = resolveActor(req, body.data?.by, deps.actorPolicy);
  if (!actor.ok) return actor.response;
  const by = actor.actor.name;
  const earlier = answersAhead && ring ? custom.answers?.[ring] : undefined;
  if (earlier && !body.data?.replace) {
    if (earlier.approved === approved)
      return json(200, {
        id,
        unchanged: `ring ${ring} was already ${approved ? "approved" : "rejected"} by ${earlier.by}`,
      });
    return json(409, {
      error: `ring ${ring} was already ${earlier.approved ? "approved" : "rejected"} in advance by ${earlier.by}; send "replace": true to change the answer`,
    });
  }
  const data = {
    approved,
    by,
    actor: actor.actor,
    ...(ring ? { ring } : {}),
    ...(body.data?.comment ? { comment: body.data.comment } : {}),
    ...(body.data?.replace ? { replace: true } : {}),
  };
  await deps.port.raise(id, RolloutEvents.approval, data);
  return json(202, { id, event: RolloutEvents.approval, data });
}

export async function control(
  req: HttpRequest,
  deps: ApiDeps,
  action: "pause" | "resume" | "cancel",
): Promise<HttpResponseInit> {
  const param = rolloutIdParam(req);
  if (!param.ok) return param.response;
  const raw = await readBody(req, '{"by": "alice@contoso.com"} or nothing');
  if (!raw.ok) return raw.response;
  const body = parseBody(ControlBody, raw.value);
  if (!body.ok) return body.response;
  const actor = resolveActor(req, body.data?.by, deps.actorPolicy);
  if (!actor.ok) return actor.response;
  const found = await activeRollout(deps, param.id);
  if (!found.ok) return found.response;
  const state = found.custom.state;
  if (action === "resume" && !resumable(state))
    return json(409, {
      error: `${param.id} is ${state ?? "in an unknown state"}, not halted or paused: nothing to resume`,
    });
  const data = {
    action,
    by: actor.actor.name,
    actor: actor.actor,
    ...(body.data?.reason ? { reason: body.data.reason } : {}),
    ...(action === "resume" ? haltAnswered(found.custom.halted) : {}),
  };
  await deps.port.raise(param.id, RolloutEvents.control, data);
  return json(202, { id: param.id, event: RolloutEvents.control, data });
}

const GATE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$/;

/**
 * Passes an approval to a Fleet gate's workflow, after checking with Fleet that the gate it will approve
 * exists in a managed subscription and is still Pending: the workflow approves exactly the gate it was
 * started for (from Fleet's own record), never one an event or a caller names.
 */
export async function approveFleetGate(req: HttpRequest, deps: ApiDeps): Promise<HttpResponseInit> {
  const gate = req.params.gate ?? "";
  if (!GATE_NAME.test(gate))
    return json(400, { error: `gate: ${shown(gate)} is not a Fleet gate name (letters, digits, . _ -)` });
  const raw = await readBody(req, '{"by": "alice@contoso.com"} or nothing');
  if (!raw.ok) return raw.response;
  const body = parseBody(ControlBody, raw.value);
  if (!body.ok) return body.response;
  const id = fleetGateInstanceId(gate);
  const view = await deps.port.describe(id);
  if (!view || (view.name !== undefined && view.name !== WorkflowName.fleetGate))
    return json(404, { error: `no Fleet gate ${shown(gate)} is waiting for Ringmaster` });
  if (!isActive(view.runtimeStatus))
    return json(409, { error: `the workflow for gate ${gate} is ${view.runtimeStatus}; nothing to approve` });
  const gateId = (view.input as { gateId?: unknown } | null)?.gateId;
  const checked = await checkGate(typeof gateId === "string" ? gateId : "", deps.facts());
  if (!checked.ok) return json(checked.missing ? 404 : 409, { error: `${checked.reason}; not approved` });
  const actor = resolveActor(req, body.data?.by, deps.actorPolicy);
  if (!actor.ok) return actor.response;
  const data = { approved: true, by: actor.actor.name, actor: actor.actor };
  await deps.port.raise(id, RolloutEvents.approval, data);
  return json(202, { id, gate: checked.gate.id, event: RolloutEvents.approval, data });
}
