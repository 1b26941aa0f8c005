import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import * as df from "durable-functions";
import { z } from "zod";
import { createActivities } from "../activities/index.js";
import { activityDeps } from "../app/activity-deps.js";
import { getAdapters, getRuntimeConfig } from "../app/runtime-config.js";
import { renderPlanHtml } from "../notify/plan-html.js";
import { planRollout } from "../domain/planner.js";
import { isActive } from "../dispatch/port.js";
import { fleetGateInstanceId, rolloutInstanceId, WorkflowName } from "../dispatch/instance-ids.js";
import { RolloutEvents, RolloutInputSchema } from "../workflows/contracts.js";

/**
 * The operations API: list rollouts, one rollout with its rings and clusters, approve/reject, pause/resume/
 * cancel, start a rollout by hand, approve a Fleet gate, and a live forecast. Bodies are validated with
 * zod; errors name the field.
 */
const json = (status: number, body: unknown): HttpResponseInit => ({ status, jsonBody: body });

interface StatusLike {
  instanceId: string;
  name: string;
  runtimeStatus: unknown;
  createdTime: Date | string;
  lastUpdatedTime: Date | string;
  customStatus?: unknown;
  output?: unknown;
}

interface RolloutCustomStatus {
  phase?: string;
  approval?: { ring: string; result?: string };
  rings?: {
    name: string;
    status: string;
    clusters: Record<string, { status: string; workflow?: string; live?: unknown }>;
  }[];
}

function summary(s: StatusLike, full: boolean): Record<string, unknown> {
  const custom = (s.customStatus ?? {}) as RolloutCustomStatus;
  return {
    id: s.instanceId,
    runtimeStatus: String(s.runtimeStatus),
    phase: custom.phase ?? null,
    createdTime: s.createdTime,
    lastUpdatedTime: s.lastUpdatedTime,
    rings: full
      ? (custom.rings ?? [])
      : (custom.rings ?? []).map((r) => ({
          name: r.name,
          status: r.status,
          clusters: Object.keys(r.clusters).length,
        })),
    ...(full ? { status: custom, output: s.output ?? null } : {}),
  };
}

export async function listRollouts(_req: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const all = (await df.getClient(context).getStatusAll()) as unknown as StatusLike[];
  const rollouts = all
    .filter((s) => s.instanceId.startsWith("rollout:"))
    .sort((a, b) => String(b.createdTime).localeCompare(String(a.createdTime)));
  return json(200, { rollouts: rollouts.map((s) => summary(s, false)) });
}

/** One rollout with its rings; clusters in flight carry their own workflow's phase (waiting for window, upgrading pool X). */
export async function getRollout(req: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const client = df.getClient(context);
  let s: StatusLike;
  try {
    s = await client.getStatus(req.params.id ?? "");
  } catch {
    return json(404, { error: `no rollout with id ${req.params.id}` });
  }
  const custom = (s.customStatus ?? {}) as RolloutCustomStatus;
  for (const ring of custom.rings ?? []) {
    for (const view of Object.values(ring.clusters)) {
      if (!view.workflow || !["started", "waiting"].includes(view.status)) continue;
      try {
        view.live = (await client.getStatus(view.workflow, { showInput: false })).customStatus ?? null;
      } catch {
        view.live = null;
      }
    }
  }
  return json(200, summary(s, true));
}

const ApprovalBody = z
  .object({ by: z.string().max(200).optional(), comment: z.string().max(2000).optional() })
  .default({});

/**
 * Approve or reject. Accepted only when it answers something: the pending question (optionally naming its
 * ring), or — with `?ring=` — a ring whose question has not been asked yet (an answer in advance). An answer
 * to nothing would otherwise wait inside the workflow and silently settle a later question.
 */
export async function answerApproval(
  req: HttpRequest,
  context: InvocationContext,
  approved: boolean,
): Promise<HttpResponseInit> {
  const raw = await readJson(req);
  if (raw === INVALID)
    return json(400, { error: 'body: not valid JSON; send {"by": "name", "comment": "..."} or nothing' });
  const body = ApprovalBody.safeParse(raw);
  if (!body.success)
    return json(400, { error: body.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ") });
  const ring = req.query.get("ring") ?? undefined;
  const id = req.params.id ?? "";
  let custom: RolloutCustomStatus;
  try {
    custom = (await df.getClient(context).getStatus(id, { showInput: false })).customStatus ?? {};
  } catch {
    return json(404, { error: `no rollout with id ${id}` });
  }
  const pending = custom.approval && !custom.approval.result ? custom.approval.ring : undefined;
  const ringState = ring ? custom.rings?.find((r) => r.name === ring) : undefined;
  if (ring && !ringState && ring !== "rollout")
    return json(400, {
      error: `ring: "${ring}" is not a ring of this rollout (${(custom.rings ?? []).map((r) => r.name).join(", ")})`,
    });
  const answersPending = pending !== undefined && (!ring || ring === pending);
  const answersAhead =
    ring !== undefined &&
    ring !== pending &&
    (ringState?.status === "pending" ||
      (custom.phase ?? "").startsWith(`approval for ${ring} will be requested`));
  if (!answersPending && !answersAhead) {
    return json(409, {
      error: pending
        ? `the rollout waits for approval of ${pending}, not ${ring}`
        : `the rollout is not waiting for an approval (phase: ${custom.phase ?? "unknown"}); name a ring still to come with ?ring= to answer in advance`,
    });
  }
  return raise(context, req.params.id ?? "", RolloutEvents.approval, {
    approved,
    by: body.data.by ?? "api",
    ...(ring ? { ring } : {}),
    ...(body.data.comment ? { comment: body.data.comment } : {}),
  });
}

export async function control(
  req: HttpRequest,
  context: InvocationContext,
  action: "pause" | "resume" | "cancel",
): Promise<HttpResponseInit> {
  const raw = await readJson(req);
  if (raw === INVALID) return json(400, { error: 'body: not valid JSON; send {"by": "name"} or nothing' });
  const body = ApprovalBody.safeParse(raw);
  return raise(context, req.params.id ?? "", RolloutEvents.control, {
    action,
    by: body.success ? (body.data.by ?? "api") : "api",
  });
}

const StartBody = z.object({
  kind: z.enum(["kubernetes", "nodeImage"]).default("kubernetes"),
  target: z.string().min(1, "required: a Kubernetes version or a label"),
  requiresApproval: z.boolean().default(false),
});

export async function startRollout(req: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const raw = await readJson(req);
  if (raw === INVALID)
    return json(400, {
      error: 'body: not valid JSON; send {"target": "1.30.5"} (kind "kubernetes" or "nodeImage")',
    });
  const body = StartBody.safeParse(raw);
  if (!body.success)
    return json(400, {
      error: body.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; "),
    });
  const policy = getRuntimeConfig().policies[0]!.metadata.name;
  const input = RolloutInputSchema.parse({ policy, ...body.data, trigger: { source: "api" } });
  const id = rolloutInstanceId(policy, input.kind, input.target);
  const client = df.getClient(context);
  try {
    const existing = await client.getStatus(id);
    return json(409, { error: `rollout ${id} already exists (${String(existing.runtimeStatus)})`, id });
  } catch {
    await client.startNew(WorkflowName.rollout, { instanceId: id, input });
    return json(202, { id, statusUri: `/api/rollouts/${encodeURIComponent(id)}` });
  }
}

export async function approveFleetGate(
  req: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  return raise(context, fleetGateInstanceId(req.params.gate ?? ""), RolloutEvents.approval, {
    approved: true,
    by: "api",
  });
}

export async function forecast(req: HttpRequest): Promise<HttpResponseInit> {
  const target = req.query.get("target");
  if (!target)
    return json(400, {
      error: "target: required query parameter, a Kubernetes version such as 1.30.5 or node-image",
    });
  const activities = createActivities(activityDeps);
  const inventory = await activities.loadInventory({ withNodeImages: target === "node-image" });
  const plan = planRollout({
    policy: getRuntimeConfig().policies[0]!,
    inventory,
    target: target === "node-image" ? { kind: "nodeImage" } : { kind: "kubernetes", version: target },
    now: getAdapters().clock.now(),
  });
  if (req.query.get("format") === "html")
    return {
      status: 200,
      headers: { "Content-Type": "text/html; charset=utf-8" },
      body: renderPlanHtml(plan),
    };
  return json(200, plan);
}

async function raise(
  context: InvocationContext,
  id: string,
  event: string,
  data: unknown,
): Promise<HttpResponseInit> {
  const client = df.getClient(context);
  try {
    const s = await client.getStatus(id);
    const state = String(s.runtimeStatus);
    if (!isActive(state)) return json(409, { error: `${id} is ${state}; it takes no more events` });
    await client.raiseEvent(id, event, data);
    return json(202, { id, event, data });
  } catch (error) {
    return durableFailure(error, `no workflow with id ${id}`);
  }
}

/**
 * "No such instance" is a 404; any other failure of the durable backend (its store cannot write, the host
 * is stopping) is the backend's, not the caller's: 503 with the reason, so a client retries instead of
 * concluding the workflow does not exist.
 */
function durableFailure(error: unknown, notFound: string): HttpResponseInit {
  const message = error instanceof Error ? error.message : String(error);
  if (/\b404\b|No instance with ID/i.test(message)) return json(404, { error: notFound });
  return {
    status: 503,
    headers: { "Retry-After": "10" },
    jsonBody: { error: `the durable backend failed: ${message.slice(0, 500)}` },
  };
}

const INVALID = Symbol("invalid JSON");

async function readJson(req: HttpRequest): Promise<unknown> {
  const text = await req.text();
  if (!text.trim()) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return INVALID;
  }
}
