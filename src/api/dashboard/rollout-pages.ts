import type { HttpRequest, HttpResponseInit } from "@azure/functions";
import { readRolloutStatus, type RingState, type RolloutStatus } from "../../contracts/rollout-status.js";
import type { ApiDeps } from "../deps.js";
import { rolloutIdParam } from "../http.js";
import { badge, dashHref, esc, page, rolloutPath, table, td, tdHtml, when } from "./page.js";

/**
 * The rollouts list and one rollout's page: what `GET /api/rollouts` and `GET /api/rollouts/{id}` answer,
 * for people. Both read the rollouts' own statuses (contracts/rollout-status.ts), never their clusters:
 * those are a page away (clusters-page.ts), however large the fleet.
 */

/** When the plan expects the rollout to end: the last planned soak end (or upgrade end) of its rings. */
export function etaOf(status: RolloutStatus | undefined): string | null {
  let eta: string | null = null;
  for (const r of status?.rings ?? []) {
    const end = r.planned?.soakUntil ?? r.planned?.lastEnd ?? null;
    if (end && (!eta || end > eta)) eta = end;
  }
  return eta;
}

const ringCounts = (r: RingState) =>
  `${r.name}: ${r.counts.succeeded}/${r.counts.scheduled + r.counts.running + r.counts.succeeded + r.counts.failed + r.counts.canceled} upgraded${r.counts.failed ? `, ${r.counts.failed} failed` : ""}${r.counts.running ? `, ${r.counts.running} running` : ""}`;

export async function rolloutsPage(req: HttpRequest, deps: ApiDeps): Promise<HttpResponseInit> {
  const rollouts = (await deps.list())
    .filter((s) => s.instanceId.startsWith("rollout:"))
    .sort((a, b) => b.createdTime.localeCompare(a.createdTime));
  const rows = rollouts.map((s) => {
    const read = readRolloutStatus(s.customStatus);
    const status = read.ok ? read.status : undefined;
    const name = status
      ? `${status.kind === "kubernetes" ? "Kubernetes" : "node image"} ${status.target}`
      : s.instanceId;
    return [
      tdHtml(`<a href="${esc(dashHref(req, rolloutPath(s.instanceId)))}">${esc(name)}</a>`),
      td(status?.kind ?? null),
      td(status?.target ?? null),
      tdHtml(
        `${badge(status?.state ?? s.runtimeStatus)} <span class="note">${esc(status?.phase ?? "")}</span>`,
      ),
      tdHtml(
        (status?.rings ?? []).map((r) => `${esc(ringCounts(r))} ${badge(r.status)}`).join("<br>") || "—",
      ),
      td(when(s.createdTime)),
      td(when(etaOf(status))),
    ];
  });
  const waiting = rollouts.filter((s) => {
    const read = readRolloutStatus(s.customStatus);
    return read.ok && read.status?.state === "waiting-approval";
  }).length;
  return page(req, {
    title: "Rollouts",
    live: true,
    body: `<h1>Rollouts</h1>
<p class="meta">${rollouts.length} rollout(s)${waiting ? `, <strong>${waiting} waiting for approval</strong>` : ""}. Times are UTC.</p>
${table("Rollouts, newest first", ["rollout", "kind", "target", "phase", "rings", "started", "ETA"], rows)}`,
  });
}

export async function rolloutPage(req: HttpRequest, deps: ApiDeps): Promise<HttpResponseInit> {
  const param = rolloutIdParam(req);
  if (!param.ok) return notFound(req, "That is not a rollout id.");
  const view = await deps.port.describe(param.id);
  if (!view || (view.name !== undefined && view.name !== "rollout"))
    return notFound(req, `No rollout has the id ${param.id}.`);
  const read = readRolloutStatus(view.customStatus);
  const status = read.ok ? read.status : undefined;
  const id = param.id;
  const title = status
    ? `${status.kind === "kubernetes" ? "Kubernetes" : "Node image"} ${status.target}`
    : id;
  const cards: string[] = [];
  if (!read.ok)
    cards.push(
      `<div class="card alert"><p>The rollout's status does not match its contract: ${esc(read.error)}</p></div>`,
    );
  const a = status?.approval;
  if (a && !a.result)
    cards.push(`<section class="card alert" aria-labelledby="pending"><h2 id="pending">Waiting for approval: ${esc(a.ring === "rollout" ? "the rollout" : `ring ${a.ring}`)}</h2>
<p>Requested ${esc(when(a.requestedAt))}. <strong>Deadline ${esc(when(a.deadline))}</strong>; without an answer the request is ${a.onTimeout === "approve" ? "approved" : "rejected"}.</p>
<p class="note">The approval email carries one-click links (approve, reject) that open a confirmation page.</p></section>`);
  else if (a?.result)
    cards.push(
      `<div class="card"><p>Approval of ${esc(a.ring)}: ${esc(a.result)} (asked ${esc(when(a.requestedAt))}).</p></div>`,
    );
  if (status?.halted)
    cards.push(`<section class="card alert" aria-labelledby="halt"><h2 id="halt">Halted since ${esc(when(status.halted.since))}</h2><p>${esc(status.halted.reason)}</p>
<p class="note">The halt email carries one-click links to resume or cancel.</p></section>`);
  if (status?.failure)
    cards.push(
      `<section class="card alert"><h2>Failed ${esc(when(status.failure.since))}</h2><p>${esc(status.failure.reason)}</p></section>`,
    );
  const rings = status?.rings ?? [];
  const ringRows = rings.map((r) => [
    tdHtml(
      `<a href="${esc(dashHref(req, rolloutPath(id, "/clusters"), { ring: r.name }))}">${esc(r.name)}</a>`,
    ),
    tdHtml(badge(r.status)),
    td(r.counts.total),
    td(r.counts.scheduled),
    td(r.counts.running),
    td(r.counts.succeeded),
    td(r.counts.failed),
    td(r.counts.skipped),
    td(r.counts.canceled),
    td(`${r.lanes.done}/${r.lanes.total}`),
    td(when(r.planned?.firstStart)),
    td(when(r.soakUntil ?? r.planned?.soakUntil)),
  ]);
  const gates = rings
    .filter((r) => r.gates?.length)
    .map(
      (r) =>
        `<h3>Ring ${esc(r.name)}</h3><ul>${r
          .gates!.map(
            (g) =>
              `<li>${badge(g.passed ? "passed" : "failed")} <strong>${esc(g.gate)}</strong>${g.evidence.length ? `<ul>${g.evidence.map((e) => `<li>${esc(e)}</li>`).join("")}</ul>` : ""}</li>`,
          )
          .join("")}</ul>`,
    )
    .join("");
  const attention = status?.attention;
  const attentionRows = (attention?.clusters ?? []).map((c) => [
    td(c.name),
    td(c.ring),
    tdHtml(badge(c.status)),
    td(c.code ?? null),
    td(c.reason ?? null, true),
  ]);
  return page(req, {
    title,
    live: true,
    body: `<h1>${esc(title)}</h1>
<p class="meta">${badge(status?.state ?? view.runtimeStatus)} ${esc(status?.phase ?? "")} · started ${esc(when(view.createdTime))} · ETA ${esc(when(etaOf(status)))} · updated ${esc(when(view.lastUpdatedTime))}</p>
<p class="meta">Id <code>${esc(id)}</code> · policy ${esc(status?.policy ?? "—")} · ${esc(view.runtimeStatus)}</p>
${cards.join("\n")}
<p><a href="${esc(dashHref(req, rolloutPath(id, "/clusters")))}">Every cluster</a> · <a href="${esc(dashHref(req, rolloutPath(id, "/timeline")))}">Timeline: planned and actual</a></p>
<h2>Rings</h2>
${table("Rings in order, with their clusters by result", ["ring", "status", "clusters", "scheduled", "running", "upgraded", "failed", "skipped", "canceled", "lanes done", "planned start", "soak until"], ringRows)}
<h2>Health gates</h2>
${gates || '<p class="note">No gate has been evaluated yet (they run after each ring\'s soak).</p>'}
<h2>Needs attention</h2>
${table(`Clusters that failed or were held${attention?.more ? ` (and ${attention.more} more: see every cluster)` : ""}`, ["cluster", "ring", "status", "code", "reason"], attentionRows)}`,
  });
}

export function notFound(req: HttpRequest, message: string): HttpResponseInit {
  return page(req, {
    title: "Not found",
    status: 404,
    body: `<h1>Not found</h1><p>${esc(message)}</p><p><a href="${esc(dashHref(req, "dash"))}">All rollouts</a></p>`,
  });
}
