import type { HttpRequest, HttpResponseInit } from "@azure/functions";
import { z } from "zod";
import { InstanceExistsError, isActive } from "../contracts/durable-port.js";
import { FleetRunViewSchema } from "../contracts/fleet-run-view.js";
import { WorkflowName } from "../contracts/workflow-names.js";
import { resolveActor } from "./actor.js";
import type { ApiDeps } from "./deps.js";
import { Identity, json, parseBody, readBody, rolloutIdParam, shown } from "./http.js";

/**
 * `POST /api/rollouts/{id}/retry`: a Fleet-executed rollout that has ended with failed or skipped members
 * runs once more, as a follow-up Fleet update run holding only those members, with the same image (the
 * Kubernetes version of the rollout, or the node images its first run selected). The rollout's instance is
 * started again under its own id from what it left in its output (`resume`, workflows/fleet-rollout.ts),
 * so its status, API and emails go on where they stood. 404 for no rollout, 409 while it still runs (or
 * another retry started it), when it was not run by Fleet, when it ended rejected or canceled, or when
 * nothing failed or was skipped.
 */
const RetryBody = z.strictObject({ by: Identity.optional() }).optional();

const OutcomeSchema = z.object({ outcome: z.string() });

const ResumeSchema = z.object({
  resume: z.object({
    input: z.record(z.string(), z.unknown()),
    prepared: z.record(z.string(), z.unknown()),
    status: z
      .object({
        fleet: FleetRunViewSchema,
        rings: z.array(z.object({ counts: z.object({ failed: z.number() }) })),
      })
      .passthrough(),
    fleet: z.record(z.string(), z.unknown()),
  }),
});

export async function retryRollout(req: HttpRequest, deps: ApiDeps): Promise<HttpResponseInit> {
  const param = rolloutIdParam(req);
  if (!param.ok) return param.response;
  const raw = await readBody(req, '{"by": "alice@contoso.com"} or nothing');
  if (!raw.ok) return raw.response;
  const body = parseBody(RetryBody, raw.value);
  if (!body.ok) return body.response;
  const actor = resolveActor(req, body.data?.by, deps.actorPolicy);
  if (!actor.ok) return actor.response;
  const view = await deps.port.describe(param.id);
  if (!view || (view.name !== undefined && view.name !== WorkflowName.rollout))
    return json(404, { error: `no rollout with id ${shown(param.id)}` });
  if (isActive(view.runtimeStatus))
    return json(409, { error: `${param.id} is ${view.runtimeStatus}; retry once it has ended` });
  // Only a rollout that completed is retried: a rejected approval or a cancel is an answer, not a failure
  // (a retry would upgrade the rings it stopped before, without their approval).
  const ended = OutcomeSchema.safeParse(view.output);
  if (ended.success && ended.data.outcome !== "completed")
    return json(409, {
      error: `${param.id} ended ${ended.data.outcome}, not completed; only a completed rollout's failed or skipped members are retried: start a new rollout instead`,
    });
  const out = ResumeSchema.safeParse(view.output);
  if (!out.success)
    return json(409, {
      error: `${param.id} was not run by Fleet Manager (executor "fleet"); nothing to retry`,
    });
  const last = out.data.resume.status.fleet.runs.at(-1);
  // Failed members stand in their ring's counts (a later run does not hold them); skipped members in the
  // last run's stages. The retry run takes those the plan still schedules (activities/fleet-run.ts).
  const failed = out.data.resume.status.rings.reduce((n, r) => n + r.counts.failed, 0);
  const left = failed + (last?.stages ?? []).reduce((n, s) => n + s.counts.skipped, 0);
  if (!last || left === 0)
    return json(409, {
      error: `${param.id}: no member failed or was skipped in ${last?.name ?? "its runs"}`,
    });
  // The schema checked the parts retry reads; the state goes back to the rollout whole, as it left it.
  const { input, prepared, status, fleet } = (view.output as { resume: typeof out.data.resume }).resume;
  try {
    await deps.port.start(WorkflowName.rollout, param.id, {
      input,
      prepared,
      status,
      ringIndex: 0,
      pinnedImages: {},
      fleet: { ...fleet, retry: { by: actor.actor.name } },
    });
  } catch (error) {
    // Another retry started it between our read and our start.
    if (error instanceof InstanceExistsError)
      return json(409, { error: `${param.id} is already being retried; retry once it has ended` });
    throw error;
  }
  return json(202, { id: param.id, retry: { after: last.name, members: left, by: actor.actor.name } });
}
