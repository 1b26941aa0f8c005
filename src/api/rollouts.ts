import type { HttpRequest, HttpResponseInit } from "@azure/functions";
import { z } from "zod";
import { createActivities } from "../activities/index.js";
import { activityDeps } from "../app/activity-deps.js";
import { getAdapters, getRuntimeConfig } from "../app/runtime-config.js";
import { planRollout } from "../domain/planner.js";
import { planGeneration } from "../dispatch/generations.js";
import { rolloutInstanceId } from "../contracts/instance-ids.js";
import { WorkflowName } from "../contracts/workflow-names.js";
import { renderPlanHtml } from "../notify/plan-html.js";
import { readRolloutStatus, type RolloutDetail, type RolloutListItem } from "../contracts/rollout-status.js";
import { RolloutInputSchema } from "../contracts/workflow-inputs.js";
import type { ApiDeps } from "./deps.js";
import { resolveActor } from "./actor.js";
import { Identity, json, parseBody, readBody, rolloutIdParam, shown } from "./http.js";

/**
 * The operations API's reads and starts: list rollouts, one rollout with its rings and clusters, start a
 * rollout by hand (a real target only), and a live forecast. Approvals and control are in control.ts.
 */
interface Shown {
  instanceId: string;
  runtimeStatus: string;
  createdTime?: string;
  lastUpdatedTime?: string;
  customStatus?: unknown;
  output?: unknown;
}

/** The parts every view of a rollout has, from its status as the workflow keeps it (contracts/rollout-status.ts). */
function head(s: Shown) {
  const read = readRolloutStatus(s.customStatus);
  const status = read.ok ? read.status : undefined;
  return {
    status,
    head: {
      id: s.instanceId,
      runtimeStatus: s.runtimeStatus,
      state: status?.state ?? null,
      ring: status?.ring ?? null,
      phase: status?.phase ?? null,
      createdTime: s.createdTime ?? null,
      lastUpdatedTime: s.lastUpdatedTime ?? null,
      ...(read.ok ? {} : { statusError: `the rollout's status does not match its contract: ${read.error}` }),
    },
  };
}

function listItem(s: Shown): RolloutListItem {
  const { status, head: h } = head(s);
  return {
    ...h,
    rings: (status?.rings ?? []).map((r) => ({
      name: r.name,
      status: r.status,
      clusters: r.counts.total,
    })),
  };
}

export async function listRollouts(_req: HttpRequest, deps: ApiDeps): Promise<HttpResponseInit> {
  const rollouts = (await deps.list())
    .filter((s) => s.instanceId.startsWith("rollout:"))
    .sort((a, b) => b.createdTime.localeCompare(a.createdTime));
  return json(200, { rollouts: rollouts.map(listItem) });
}

/**
 * One rollout with its rings' counts and the clusters that need attention; every cluster, with its own
 * workflow's phase when in flight, is a page away (`clustersUri`, rollout-clusters.ts).
 */
export async function getRollout(req: HttpRequest, deps: ApiDeps): Promise<HttpResponseInit> {
  const param = rolloutIdParam(req);
  if (!param.ok) return param.response;
  const view = await deps.port.describe(param.id);
  if (!view) return json(404, { error: `no rollout with id ${shown(param.id)}` });
  const { status, head: h } = head({ instanceId: param.id, ...view });
  const detail: RolloutDetail = {
    ...h,
    rings: status?.rings ?? [],
    clustersUri: `${deps.publicBaseUrl.replace(/\/+$/, "")}/api/rollouts/${encodeURIComponent(param.id)}/clusters`,
    status: status ?? null,
    output: view.output ?? null,
  };
  return json(200, detail);
}

const VERSION = /^\d{1,3}\.\d{1,3}\.\d{1,5}$/;
const LABEL = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

const StartBody = z
  .strictObject({
    kind: z.enum(["kubernetes", "nodeImage"]).default("kubernetes"),
    target: z.string({ error: "required: a Kubernetes version such as 1.30.5, or a node-image label" }),
    requiresApproval: z.boolean().default(false),
    by: Identity.optional(),
  })
  .superRefine((b, ctx) => {
    if (b.kind === "kubernetes" && !VERSION.test(b.target))
      ctx.addIssue({
        code: "custom",
        path: ["target"],
        message: `${shown(b.target)} is not a Kubernetes version; expected major.minor.patch such as 1.30.5`,
      });
    if (b.kind === "nodeImage" && !LABEL.test(b.target))
      ctx.addIssue({
        code: "custom",
        path: ["target"],
        message: `${shown(b.target)} is not a node-image label; expected letters, digits, . _ - such as 2026-11-23`,
      });
  });

/**
 * Starts a rollout by hand. The target must be real: a Kubernetes version AKS offers in at least one region
 * of the managed clusters (422 otherwise, saying where it was looked for). Another run of a target that
 * ended (completed, canceled, rejected, failed) starts as its next generation; 409 only while one runs.
 */
export async function startRollout(req: HttpRequest, deps: ApiDeps): Promise<HttpResponseInit> {
  const raw = await readBody(req, '{"target": "1.30.5"} (kind "kubernetes" or "nodeImage")');
  if (!raw.ok) return raw.response;
  const body = parseBody(StartBody, raw.value ?? {});
  if (!body.ok) return body.response;
  const { kind, target, requiresApproval } = body.data;
  if (kind === "kubernetes") {
    const facts = deps.facts();
    const regions = await facts.managedRegions();
    const offered: string[] = [];
    for (const r of regions)
      if ((await facts.offeredVersions(r.subscriptionId, r.location)).includes(target))
        offered.push(r.location);
    if (offered.length === 0)
      return json(422, {
        error: `target: Kubernetes ${target} is not offered in any region of the managed clusters (${regions.map((r) => r.location).join(", ") || "none found"})`,
      });
  }
  const actor = resolveActor(req, body.data.by, deps.actorPolicy);
  if (!actor.ok) return actor.response;
  const policy = deps.policy.metadata.name;
  const baseId = rolloutInstanceId(policy, kind, target);
  const plan = await planGeneration(deps.port, baseId, { by: "api" });
  if (!plan.start) return json(409, { error: `rollout ${plan.reason}`, id: plan.id });
  const input = RolloutInputSchema.parse({
    policy,
    kind,
    target,
    requiresApproval,
    generation: plan.generation,
    trigger: {
      source: "api",
      by: actor.actor.name,
      ...(plan.previous ? { previous: plan.previous } : {}),
    },
  });
  await deps.port.start(WorkflowName.rollout, plan.id, input);
  return json(202, {
    id: plan.id,
    generation: plan.generation,
    statusUri: `${deps.publicBaseUrl.replace(/\/+$/, "")}/api/rollouts/${encodeURIComponent(plan.id)}`,
  });
}

export async function forecast(req: HttpRequest): Promise<HttpResponseInit> {
  const target = req.query.get("target");
  if (!target)
    return json(400, {
      error: "target: required query parameter, a Kubernetes version such as 1.30.5 or node-image",
    });
  if (target !== "node-image" && !VERSION.test(target))
    return json(400, {
      error: `target: ${shown(target)} is not a Kubernetes version such as 1.30.5 or node-image`,
    });
  const activities = createActivities(activityDeps);
  const inventory = await activities.loadInventory({ withNodeImages: target === "node-image" });
  const plan = planRollout({
    policy: getRuntimeConfig().policy,
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
