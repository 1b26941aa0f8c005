import type { HttpRequest, HttpResponseInit } from "@azure/functions";
import { z } from "zod";
import { ClusterResultSchema } from "../../contracts/cluster-results.js";
import { clusterInstanceId } from "../../contracts/instance-ids.js";
import { LaneInputSchema, laneIdPrefix } from "../../contracts/lanes.js";
import { ClusterWorkflowStatusSchema, readRolloutStatus } from "../../contracts/rollout-status.js";
import type { ApiDeps } from "../deps.js";
import { rolloutIdParam } from "../http.js";
import { dashHref, esc, page, rolloutPath, table, td, when } from "./page.js";
import { notFound } from "./rollout-pages.js";

/**
 * A rollout's timeline: what was planned (each cluster's predicted upgrade, from its lane's input — the
 * plan the rollout was prepared with) with what actually happened drawn over it (the cluster workflow's
 * start and end, or its start while it runs), a line at now, and the rings' planned soak ends. A page of
 * lanes at a time (≤ 100 clusters), like the clusters page; `/api/plan?target=…&format=html` is the
 * planner's forecast from now.
 */
const LANES_PER_QUERY = 5;
const MAX_CLUSTERS = 100;

interface Row {
  name: string;
  ring: string;
  plannedStart?: number;
  plannedEnd?: number;
  actualStart?: number;
  actualEnd?: number;
  result: string;
}

const ClusterInput = z.object({ rolloutId: z.string() });
const ms = (iso?: string | null) => (iso ? Date.parse(iso) : undefined);

export async function timelinePage(req: HttpRequest, deps: ApiDeps): Promise<HttpResponseInit> {
  const param = rolloutIdParam(req);
  if (!param.ok) return notFound(req, "That is not a rollout id.");
  const id = param.id;
  const view = await deps.port.describe(id);
  if (!view) return notFound(req, `No rollout has the id ${id}.`);
  const read = readRolloutStatus(view.customStatus);
  const status = read.ok ? read.status : undefined;
  const rings = status?.rings ?? [];
  const ring = req.query.get("ring") || undefined;
  const ringIndex = ring === undefined ? undefined : rings.findIndex((r) => r.name === ring);
  if (ringIndex === -1) return notFound(req, `This rollout has no ring ${ring}.`);
  const tokenParam = req.query.get("continuationToken");
  const rows: Row[] = [];
  let token = tokenParam && /^[\x21-\x7e]{1,4096}$/.test(tokenParam) ? tokenParam : undefined;
  while (rows.length < MAX_CLUSTERS) {
    const lanes = await deps.instances({
      instanceIdPrefix: laneIdPrefix(id, ringIndex),
      top: LANES_PER_QUERY,
      showInput: true,
      ...(token ? { continuationToken: token } : {}),
    });
    for (const lane of lanes.instances) {
      const input = LaneInputSchema.safeParse(lane.input);
      if (!input.success) continue;
      for (const c of input.data.clusters) {
        const start = ms(c.predictedStart);
        rows.push({
          name: c.name,
          ring: input.data.ring,
          ...(start !== undefined ? { plannedStart: start, plannedEnd: start + c.durationMs } : {}),
          ...(await actual(deps, id, c.clusterId)),
        });
      }
    }
    token = lanes.continuationToken;
    if (!token) break;
  }
  const clock = deps.now?.() ?? (Date.parse(view.lastUpdatedTime ?? "") || 0);
  const svg = timelineSvg(
    rows,
    rings.map((r) => ({ name: r.name, soakUntil: ms(r.soakUntil ?? r.planned?.soakUntil) })),
    clock,
  );
  const next = token
    ? `<a rel="next" href="${esc(dashHref(req, rolloutPath(id, "/timeline"), { ring, continuationToken: token }))}">Next clusters</a>`
    : '<span class="note">Every cluster of this selection is shown.</span>';
  const target = status ? (status.kind === "kubernetes" ? status.target : "node-image") : undefined;
  return page(req, {
    title: "Timeline",
    live: true,
    body: `<h1>Timeline of <a href="${esc(dashHref(req, rolloutPath(id)))}">${esc(status ? `${status.kind} ${status.target}` : id)}</a></h1>
<p class="meta">Outlined: planned upgrade. Solid: what happened (green succeeded, red failed, blue running). The dashed line is now (${esc(when(iso(clock)))}).</p>
<p>${rings.map((r) => `<a href="${esc(dashHref(req, rolloutPath(id, "/timeline"), { ring: r.name }))}">${esc(r.name)}</a>`).join(" · ")}${target ? ` · <a href="${esc(dashHref(req, "plan", { target, format: "html" }))}">Forecast from now (planner)</a>` : ""}</p>
<div class="scroll" tabindex="0" role="region" aria-label="Timeline">${svg}</div>
<p class="pager">${next}</p>
<h2>The same, as a table</h2>
${table(
  "Planned and actual upgrade times per cluster",
  ["cluster", "ring", "planned start", "planned end", "actual start", "actual end", "result"],
  rows.map((r) => [
    td(r.name),
    td(r.ring),
    td(when(iso(r.plannedStart))),
    td(when(iso(r.plannedEnd))),
    td(when(iso(r.actualStart))),
    td(when(iso(r.actualEnd))),
    td(r.result),
  ]),
)}`,
  });
}

const iso = (t?: number) => (t === undefined ? undefined : new Date(t).toISOString());

/** What the cluster's workflow did for this rollout: its result's times, or its start while it runs. */
async function actual(
  deps: ApiDeps,
  rollout: string,
  clusterId: string,
): Promise<Pick<Row, "actualStart" | "actualEnd" | "result">> {
  const workflow = clusterInstanceId(clusterId);
  const w = workflow ? await deps.port.describe(workflow) : undefined;
  if (!w || ClusterInput.safeParse(w.input).data?.rolloutId !== rollout) return { result: "not started" };
  const result = ClusterResultSchema.safeParse(w.output);
  if (result.success) {
    const start = ms(result.data.start);
    const end = ms(result.data.end);
    return {
      ...(start !== undefined ? { actualStart: start } : {}),
      ...(end !== undefined ? { actualEnd: end } : {}),
      result: result.data.status,
    };
  }
  const live = ClusterWorkflowStatusSchema.safeParse(w.customStatus);
  if (live.success && (live.data.phase === "upgrading" || live.data.phase === "retrying")) {
    const since = ms(live.data.since);
    return { ...(since !== undefined ? { actualStart: since } : {}), result: live.data.phase };
  }
  return { result: live.success ? live.data.phase : w.runtimeStatus };
}

function timelineSvg(
  rows: readonly Row[],
  rings: readonly { name: string; soakUntil?: number | undefined }[],
  now: number,
): string {
  const times = rows
    .flatMap((r) => [r.plannedStart, r.plannedEnd, r.actualStart, r.actualEnd])
    .filter((t): t is number => t !== undefined);
  for (const r of rings) if (r.soakUntil !== undefined) times.push(r.soakUntil);
  times.push(now);
  const t0 = Math.min(...times) - 3_600_000;
  const t1 = Math.max(...times, t0 + 86_400_000) + 3_600_000;
  const left = 170;
  const width = 900;
  const rowH = 22;
  const x = (t: number) => left + ((t - t0) / (t1 - t0)) * (width - left - 10);
  const parts: string[] = [];
  let y = 30;
  const day = 86_400_000;
  const step = t1 - t0 > 21 * day ? 7 * day : day;
  for (let d = Math.ceil(t0 / day) * day; d <= t1; d += step)
    parts.push(
      `<line x1="${x(d).toFixed(1)}" x2="${x(d).toFixed(1)}" y1="20" y2="${20 + rowH * (rows.length + 1)}" stroke="#d8dee4"/><text x="${(x(d) + 2).toFixed(1)}" y="14">${esc(new Date(d).toISOString().slice(5, 10))}</text>`,
    );
  for (const r of rows) {
    parts.push(`<text x="4" y="${y + 15}">${esc(r.name)}</text>`);
    if (r.plannedStart !== undefined && r.plannedEnd !== undefined)
      parts.push(
        `<rect x="${x(r.plannedStart).toFixed(1)}" y="${y + 3}" width="${Math.max(3, x(r.plannedEnd) - x(r.plannedStart)).toFixed(1)}" height="${rowH - 6}" fill="none" stroke="#57606a" stroke-width="1.5"><title>planned ${esc(when(iso(r.plannedStart)))} → ${esc(when(iso(r.plannedEnd)))}</title></rect>`,
      );
    if (r.actualStart !== undefined) {
      const end = r.actualEnd ?? now;
      const fill = r.result === "succeeded" ? "#1a7f37" : r.result === "failed" ? "#cf222e" : "#0969da";
      parts.push(
        `<rect x="${x(r.actualStart).toFixed(1)}" y="${y + 7}" width="${Math.max(3, x(end) - x(r.actualStart)).toFixed(1)}" height="${rowH - 14}" fill="${fill}"><title>${esc(r.result)} ${esc(when(iso(r.actualStart)))} → ${esc(r.actualEnd ? when(iso(r.actualEnd)) : "now")}</title></rect>`,
      );
    }
    y += rowH;
  }
  for (const r of rings)
    if (r.soakUntil !== undefined && r.soakUntil >= t0)
      parts.push(
        `<line x1="${x(r.soakUntil).toFixed(1)}" x2="${x(r.soakUntil).toFixed(1)}" y1="20" y2="${y}" stroke="#9a6700" stroke-width="1"><title>${esc(r.name)} soak until ${esc(when(iso(r.soakUntil)))}</title></line>`,
      );
  parts.push(
    `<line x1="${x(now).toFixed(1)}" x2="${x(now).toFixed(1)}" y1="20" y2="${y}" stroke="#1f2328" stroke-dasharray="4 3"/>`,
  );
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${y + 10}" role="img" aria-label="Planned and actual upgrade of ${rows.length} cluster(s); the table below has the same data">${parts.join("")}</svg>`;
}
