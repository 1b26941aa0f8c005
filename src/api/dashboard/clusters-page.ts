import type { HttpRequest, HttpResponseInit } from "@azure/functions";
import { LaneClusterEntrySchema } from "../../contracts/lanes.js";
import { readRolloutStatus, type RolloutClusterItem } from "../../contracts/rollout-status.js";
import type { ApiDeps } from "../deps.js";
import { ClusterQuerySchema, rolloutClusterPage } from "../rollout-clusters.js";
import { issues, rolloutIdParam } from "../http.js";
import { badge, dashHref, esc, page, rolloutPath, table, td, tdHtml, when } from "./page.js";
import { notFound } from "./rollout-pages.js";

/**
 * A rollout's clusters, one page at a time, filterable by ring and status: the page is
 * `GET /api/rollouts/{id}/clusters?ring=&status=&continuationToken=` (rollout-clusters.ts) rendered, so a
 * 5,000-cluster rollout is read a page (≤ 100 clusters) per request, never all at once. Tokens go forward
 * only (the durable instance query's); "first page" starts again.
 */
const STATUSES = LaneClusterEntrySchema.shape.status.options;

interface ClusterPage {
  clusters: RolloutClusterItem[];
  continuationToken: string | null;
}

/** The window a cluster upgrades in, as its workflow or its lane knows it. */
function windowOf(c: RolloutClusterItem): string {
  if (c.live?.windowStart) return `${when(c.live.windowStart)} → ${when(c.live.windowEnd)}`;
  if (c.predictedStart) return `predicted start ${when(c.predictedStart)}`;
  return "—";
}

/** The last thing that happened to it: the workflow's last pool event or phase, else the lane's result. */
function lastOperation(c: RolloutClusterItem): string {
  const p = c.live?.progress;
  if (p) return `${p.phase} ${p.pool} (${p.rolled}/${p.of} pools) ${when(p.time)}`;
  if (c.live)
    return `${c.live.phase}${c.live.pool ? ` ${c.live.pool}` : ""}${c.live.since ? ` since ${when(c.live.since)}` : ""}${c.live.attempt ? `, attempt ${c.live.attempt}` : ""}`;
  return c.status;
}

const aksError = (c: RolloutClusterItem): string | null =>
  c.live?.lastError ?? (c.code ? `${c.code}${c.reason ? `: ${c.reason}` : ""}` : (c.reason ?? null));

export async function clustersPage(req: HttpRequest, deps: ApiDeps): Promise<HttpResponseInit> {
  const param = rolloutIdParam(req);
  if (!param.ok) return notFound(req, "That is not a rollout id.");
  const id = param.id;
  // The filter form sends every field; an empty one means "any" (the API's query leaves it out).
  const given = Object.fromEntries([...req.query.entries()].filter(([, v]) => v !== ""));
  const query = ClusterQuerySchema.safeParse(given);
  const answer = query.success
    ? await rolloutClusterPage(deps, id, query.data)
    : { status: 400, jsonBody: { error: issues(query.error) } };
  if (answer.status !== 200) {
    const error = (answer.jsonBody as { error?: string } | undefined)?.error ?? `status ${answer.status}`;
    return page(req, {
      title: "Clusters",
      status: answer.status ?? 500,
      body: `<h1>Clusters</h1><p class="card alert">${esc(error)}</p><p><a href="${esc(dashHref(req, rolloutPath(id, "/clusters")))}">Every cluster of this rollout</a></p>`,
    });
  }
  const data = answer.jsonBody as ClusterPage;
  const view = await deps.port.describe(id);
  const read = readRolloutStatus(view?.customStatus);
  const rings = (read.ok ? read.status?.rings : undefined) ?? [];
  const ring = req.query.get("ring") ?? "";
  const status = req.query.get("status") ?? "";
  const option = (value: string, label: string, selected: string) =>
    `<option value="${esc(value)}"${value === selected ? " selected" : ""}>${esc(label)}</option>`;
  const code = req.query.get("code");
  const filters = `<form class="filters" method="get" action="${esc(`/api/${rolloutPath(id, "/clusters")}`)}">
<div><label for="ring">Ring</label><select id="ring" name="ring">${option("", "every ring", ring)}${rings.map((r) => option(r.name, r.name, ring)).join("")}</select></div>
<div><label for="status">Status</label><select id="status" name="status">${option("", "any status", status)}${STATUSES.map((s) => option(s, s, status)).join("")}</select></div>
${code ? `<input type="hidden" name="code" value="${esc(code)}">` : ""}<button type="submit">Show</button></form>`;
  const rows = data.clusters.map((c) => [
    td(c.name),
    td(c.ring),
    tdHtml(badge(c.status)),
    td(windowOf(c)),
    td(c.live?.phase ?? null),
    td(lastOperation(c), true),
    td(aksError(c), true),
  ]);
  const next = data.continuationToken
    ? `<a href="${esc(dashHref(req, rolloutPath(id, "/clusters"), { ring, status, continuationToken: data.continuationToken }))}" rel="next">Next page</a>`
    : '<span class="note">Last page.</span>';
  const first = req.query.get("continuationToken")
    ? ` · <a href="${esc(dashHref(req, rolloutPath(id, "/clusters"), { ring, status }))}">First page</a>`
    : "";
  return page(req, {
    title: "Clusters",
    live: true,
    body: `<h1>Clusters of <a href="${esc(dashHref(req, rolloutPath(id)))}">${esc(read.ok && read.status ? `${read.status.kind} ${read.status.target}` : id)}</a></h1>
${filters}
<p class="meta">${data.clusters.length} cluster(s) on this page${ring ? ` in ring ${esc(ring)}` : ""}${status ? ` with status ${esc(status)}` : ""}.</p>
${table("Clusters on this page", ["cluster", "ring", "status", "window", "phase", "last operation", "AKS error"], rows)}
<p class="pager">${next}${first}</p>`,
  });
}
