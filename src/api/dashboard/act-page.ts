import type { HttpRequest, HttpResponseInit } from "@azure/functions";
import { z } from "zod";
import { isActive } from "../../contracts/durable-port.js";
import { haltAnswered, resumable, RolloutEvents } from "../../contracts/events.js";
import { readRolloutStatus, type RolloutStatus } from "../../contracts/rollout-status.js";
import { WorkflowName } from "../../contracts/workflow-names.js";
import {
  MAX_TOKEN_CHARS,
  verifyActionLink,
  type ActionLinkPayload,
  type LinkAction,
} from "../../notify/action-links.js";
import { resolveActor, type Actor } from "../actor.js";
import type { ApiDeps } from "../deps.js";
import { claimLink, usedLink } from "./link-ledger.js";
import { esc, page, when } from "./page.js";

/**
 * The door of the one-click links (notify/action-links.ts). `GET /api/act?link=…` shows what the link
 * would do and a button; it never acts, because mail scanners and link previews open links. The button
 * POSTs the link back; only then is it checked again, recorded as used (link-ledger.ts) and acted on.
 * Expired, reused and tampered links get a page that says which and what to do; nothing echoes the key.
 *
 * The door is anonymous at the Functions level (an email cannot carry a function key): the signature is
 * its lock, scoped to one rollout, ring and action, until a deadline, once. In Azure, App Service
 * authentication signs the approver in and the approver is that identity; a ring whose policy says
 * `approval.requireIdentity` refuses the link without one.
 */
const VERB: Record<LinkAction, { label: string; done: string; button: string }> = {
  approve: { label: "Approve", done: "Approved", button: "primary" },
  reject: { label: "Reject", done: "Rejected", button: "danger" },
  resume: { label: "Resume", done: "Resumed", button: "primary" },
  cancel: { label: "Cancel", done: "Canceled", button: "danger" },
};

const LinkParam = z
  .string({ error: "missing: the link's token" })
  .min(1, "missing: the link's token")
  .max(MAX_TOKEN_CHARS, "longer than any Ringmaster link");
const ActForm = z.strictObject({
  link: LinkParam,
  comment: z.string().max(500, "at most 500 characters").optional(),
});

const about = (p: ActionLinkPayload) => (p.g === "rollout" ? "the rollout" : `ring ${p.g}`);
const what = (s: RolloutStatus | undefined, id: string) =>
  s ? `${s.kind === "kubernetes" ? "Kubernetes" : "node image"} ${s.target}` : id;

function problem(
  req: HttpRequest,
  status: number,
  title: string,
  paragraphs: readonly string[],
): HttpResponseInit {
  return page(req, {
    title,
    status,
    body: `<h1>${esc(title)}</h1><div class="card alert">${paragraphs.map((p) => `<p>${esc(p)}</p>`).join("")}</div>
<p class="note">Nothing was done.</p>`,
  });
}

const DASHBOARD_HINT =
  "The rollout's page on the Ringmaster dashboard (/api/dash) shows where it stands; its newest email has fresh links.";

type Checked =
  | { ok: true; payload: ActionLinkPayload; actor: Actor; status: RolloutStatus | undefined }
  | { ok: false; response: HttpResponseInit };

/** Everything a link must pass before it is shown or used: key, signature, deadline, ledger, identity. */
async function check(req: HttpRequest, deps: ApiDeps, token: string): Promise<Checked> {
  const fail = (status: number, title: string, ...lines: string[]) => ({
    ok: false as const,
    response: problem(req, status, title, lines),
  });
  if (!deps.actionLinkKey)
    return fail(
      503,
      "One-click links are off",
      "This app has no RINGMASTER_ACTION_LINK_KEY, so it cannot check links.",
      DASHBOARD_HINT,
    );
  const now = deps.now?.() ?? Date.now();
  const verified = verifyActionLink(deps.actionLinkKey, token, now);
  if (!verified.ok && verified.why === "tampered")
    return fail(
      400,
      "This link is not valid",
      "Its signature does not match: the link was changed (or cut short by the mail program) or was not made by Ringmaster.",
      "Open the email again and use the button or the whole link as sent. " + DASHBOARD_HINT,
    );
  // A used link says so until its ledger entry ends (an hour past the deadline), then it is just expired.
  const earlier = await usedLink(deps.port, verified.payload.n);
  if (earlier)
    return fail(
      409,
      "This link was already used",
      `It was used${earlier.at ? ` at ${when(earlier.at)}` : ""} by ${earlier.by} to ${earlier.action} ${earlier.ring === "rollout" ? "the rollout" : `ring ${earlier.ring}`}. A link works once.`,
      DASHBOARD_HINT,
    );
  if (!verified.ok)
    return fail(
      410,
      "This link has expired",
      `It was valid until ${when(new Date(verified.payload.d).toISOString())} to ${verified.payload.a} ${about(verified.payload)}.`,
      "If the rollout still waits for you, use the link in its newest email. " + DASHBOARD_HINT,
    );
  const payload = verified.payload;
  const resolved = resolveActor(req, undefined, deps.actorPolicy);
  if (!resolved.ok)
    return {
      ok: false,
      response: problem(req, 401, "Sign-in did not work", [
        String((resolved.response.jsonBody as { error?: string }).error ?? ""),
      ]),
    };
  const signedIn = resolved.actor.via === "entra";
  if (!signedIn && requiresIdentity(deps, payload.g))
    return fail(
      401,
      "Sign in to use this link",
      `The policy requires a signed-in identity to act on ${about(payload)} (approval.requireIdentity); the link alone is not enough.`,
      "Open the link in a browser where you are signed in to the function app (App Service authentication), then confirm again.",
    );
  const actor: Actor = signedIn
    ? resolved.actor
    : { name: "email-link", id: `link:${payload.n}`, via: "link" };
  const view = await deps.port.describe(payload.r);
  if (!view || (view.name !== undefined && view.name !== WorkflowName.rollout))
    return fail(404, "No such rollout", `No rollout has the id ${payload.r}.`);
  const read = readRolloutStatus(view.customStatus);
  const status = read.ok ? read.status : undefined;
  if (!isActive(view.runtimeStatus))
    return fail(
      409,
      "The rollout has ended",
      `${what(status, payload.r)} is ${status?.state ?? view.runtimeStatus}; it takes no more answers.`,
      DASHBOARD_HINT,
    );
  return { ok: true, payload, actor, status };
}

function requiresIdentity(deps: ApiDeps, ring: string): boolean {
  if (ring === "rollout") return deps.policy.spec.versions.approval.requireIdentity;
  return deps.policy.spec.rings.find((r) => r.name === ring)?.approval?.requireIdentity ?? false;
}

/** Whether the rollout is where the link's action applies, and if not, why (said on the page). */
function applies(p: ActionLinkPayload, s: RolloutStatus | undefined): string | undefined {
  if (p.a === "approve" || p.a === "reject") {
    const a = s?.approval;
    if (!a || a.result || a.ring !== p.g)
      return `The rollout is not waiting for an answer about ${about(p)} (it is ${s?.phase ?? "in an unknown state"}${a?.result ? `; ${a.ring}: ${a.result}` : ""}).`;
    return undefined;
  }
  if (p.a === "resume" && !resumable(s?.state))
    return `The rollout is not halted or paused (it is ${s?.phase ?? "in an unknown state"}), so there is nothing to resume.`;
  return undefined;
}

export async function confirmPage(req: HttpRequest, deps: ApiDeps): Promise<HttpResponseInit> {
  const token = LinkParam.safeParse(req.query.get("link") ?? undefined);
  if (!token.success)
    return problem(req, 400, "This link is not valid", [
      `link: ${token.error.issues[0]?.message ?? "invalid"}.`,
      DASHBOARD_HINT,
    ]);
  const checked = await check(req, deps, token.data);
  if (!checked.ok) return checked.response;
  const { payload: p, actor, status } = checked;
  const verb = VERB[p.a];
  const notNow = applies(p, status);
  const pending = status?.approval && !status.approval.result ? status.approval : undefined;
  return page(req, {
    title: `${verb.label} ${about(p)}?`,
    body: `<h1>${esc(verb.label)} ${esc(about(p))}?</h1>
<div class="card"><p><strong>${esc(what(status, p.r))}</strong> (${esc(status?.policy ?? "")}) is ${esc(status?.phase ?? "—")}.</p>
${pending ? `<p>Approval of ${esc(pending.ring)} requested ${esc(when(pending.requestedAt))}; deadline ${esc(when(pending.deadline))} (then ${pending.onTimeout === "approve" ? "approved" : "rejected"}).</p>` : ""}
${status?.halted ? `<p>Halted since ${esc(when(status.halted.since))}: ${esc(status.halted.reason)}</p>` : ""}
<p class="note">This link works once, until ${esc(when(new Date(p.d).toISOString()))}. You act as ${esc(actor.via === "entra" ? actor.name : "the holder of this email's link")}.</p></div>
${
  notNow
    ? `<div class="card alert"><p>${esc(notNow)}</p><p>${esc(DASHBOARD_HINT)}</p></div>`
    : `<form method="post" action="/api/act">
<input type="hidden" name="link" value="${esc(token.data)}">
${p.a === "approve" || p.a === "reject" ? '<p><label for="comment">Comment (optional)</label><input type="text" id="comment" name="comment" maxlength="500" style="width:100%"></p>' : ""}
<p><button type="submit" class="${verb.button}">${esc(verb.label)} ${esc(about(p))}</button></p>
</form>`
}`,
  });
}

export async function actPost(req: HttpRequest, deps: ApiDeps): Promise<HttpResponseInit> {
  const text = await req.text();
  if (Buffer.byteLength(text) > 8 * 1024)
    return problem(req, 413, "Too much was sent", [
      "body: more than 8 KB; the form sends a link and a comment.",
    ]);
  const form = ActForm.safeParse(Object.fromEntries(new URLSearchParams(text)));
  if (!form.success)
    return problem(req, 400, "This link is not valid", [
      form.error.issues.map((i) => `${i.path.join(".") || "form"}: ${i.message}`).join("; "),
      DASHBOARD_HINT,
    ]);
  const checked = await check(req, deps, form.data.link);
  if (!checked.ok) return checked.response;
  const { payload: p, actor, status } = checked;
  const notNow = applies(p, status);
  if (notNow) return problem(req, 409, "Nothing to do now", [notNow, DASHBOARD_HINT]);
  const at = new Date(deps.now?.() ?? Date.now()).toISOString();
  const claim = await claimLink(deps.port, p.n, {
    rollout: p.r,
    ring: p.g,
    action: p.a,
    by: actor.name,
    via: actor.via === "entra" ? "entra" : "link",
    at,
    expiresAt: p.d,
  });
  if (!claim.ok)
    return problem(req, 409, "This link was already used", [
      `It was used${claim.use?.at ? ` at ${when(claim.use.at)}` : ""} by ${claim.use?.by ?? "someone"}. A link works once.`,
      DASHBOARD_HINT,
    ]);
  const comment = form.data.comment?.trim();
  if (p.a === "approve" || p.a === "reject")
    await deps.port.raise(p.r, RolloutEvents.approval, {
      approved: p.a === "approve",
      by: actor.name,
      actor,
      ...(p.g === "rollout" ? {} : { ring: p.g }),
      ...(comment ? { comment } : {}),
    });
  else
    await deps.port.raise(p.r, RolloutEvents.control, {
      action: p.a,
      by: actor.name,
      actor,
      ...(p.a === "resume" ? haltAnswered(status?.halted) : {}),
    });
  const verb = VERB[p.a];
  return page(req, {
    title: `${verb.done}: ${about(p)}`,
    body: `<h1>${esc(verb.done)}: ${esc(about(p))}</h1>
<div class="card ok"><p>${esc(verb.done)} ${esc(about(p))} of <strong>${esc(what(status, p.r))}</strong>, as ${esc(actor.name)}, at ${esc(when(at))}.</p>
<p>The rollout takes it from here; its emails and its page on the dashboard show what follows.</p></div>`,
  });
}
