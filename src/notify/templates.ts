import type { Message } from "../contracts/messages.js";
import { safeSubject } from "../shared/safe-text.js";
import { escapeHtml } from "./html-escape.js";

/**
 * Emails from messages: HTML (every value escaped) and plain text. One message gives its own subject; a
 * digest of several gives a count and lists them, failures and approvals first.
 */
export interface RenderedEmail {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

const PRIORITY: Record<Message["kind"], number> = {
  halt: 0,
  clusterFailure: 1,
  approvalRequest: 2,
  endOfSupport: 3,
  fleetGate: 4,
  budget: 5,
  conflict: 6,
  approvalResult: 7,
  forecast: 8,
  completion: 9,
  aksMaintenance: 10,
  costAnomaly: 5,
};

/** An email action, and the signed one-click link for it when links are signed (activities/notify.ts). */
export type EmailAction = Message["actions"][number];
export type LinkSigner = (action: EmailAction, message: Message) => string | undefined;

export function renderEmail(messages: readonly Message[], signLink?: LinkSigner): RenderedEmail {
  const ordered = [...messages].sort(
    // Ties broken by key: the same messages make the same email whatever order they reached the digest in.
    (a, b) =>
      PRIORITY[a.kind] - PRIORITY[b.kind] || a.time.localeCompare(b.time) || a.key.localeCompare(b.key),
  );
  const first = ordered[0];
  if (!first) throw new Error("Notify: nothing to render");
  // A digest leads with its most pressing message, so the subject alone says what needs attention. Titles
  // carry event fields (cluster names, versions), so the subject is made one safe line (shared/safe-text.ts).
  const subject = safeSubject(
    ordered.length === 1
      ? `[Ringmaster] ${first.title}`
      : `[Ringmaster] ${first.title} (+${ordered.length - 1} more: ${countsOf(ordered.slice(1))})`,
  );
  const text = ordered.map((m) => renderText(m, signLink)).join("\n\n---\n\n");
  const html = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head><body style="font-family:system-ui,sans-serif;color:#1b1f24">${ordered.map((m) => renderHtml(m, signLink)).join('<hr style="border:0;border-top:1px solid #d0d7de">')}<p style="color:#57606a;font-size:12px">Sent by Ringmaster. Times are UTC.</p></body></html>`;
  return { subject, text, html };
}

function countsOf(messages: readonly Message[]): string {
  const counts = new Map<string, number>();
  for (const m of messages) counts.set(m.kind, (counts.get(m.kind) ?? 0) + 1);
  return [...counts].map(([k, n]) => `${n} ${label(k as Message["kind"], n)}`).join(", ");
}

function label(kind: Message["kind"], n: number): string {
  const s = n === 1 ? "" : "s";
  switch (kind) {
    case "clusterFailure":
      return `failure${s}`;
    case "approvalRequest":
      return `approval request${s}`;
    case "halt":
      return `halt${s}`;
    case "forecast":
      return `forecast${s}`;
    case "completion":
      return `completion${s}`;
    case "endOfSupport":
      return `end-of-support notice${s}`;
    case "budget":
      return `budget alert${s}`;
    case "costAnomaly":
      return `cost anomal${n === 1 ? "y" : "ies"}`;
    default:
      return `${kind} notice${s}`;
  }
}

function renderText(m: Message, signLink?: LinkSigner): string {
  const parts = [m.title, "", m.summary, ...m.lines.map((l) => `  ${l}`)];
  if (m.table?.length) {
    const widths = m.table[0]!.map((_, i) => Math.max(...m.table!.map((r) => (r[i] ?? "").length)));
    parts.push("", ...m.table.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join("  ")));
  }
  for (const a of m.actions) {
    const shown = actionShown(a, m, signLink);
    parts.push(
      "",
      shown.kind === "api"
        ? `${a.label}: ${shown.text}`
        : `${a.label}: ${shown.href}${shown.note ? ` (${shown.note})` : ""}`,
    );
  }
  return parts.join("\n");
}

type Shown = { kind: "link"; href: string; note?: string } | { kind: "api"; text: string };

/**
 * How an action appears. A GET is a link. A state-changing action is a signed one-click link to its
 * confirmation page (opening it changes nothing; the page's button does); without a signing key it points
 * to the rollout's dashboard page. Never a command line: an email is no place for a key, and on a phone
 * there is no terminal.
 */
function actionShown(a: EmailAction, m: Message, signLink?: LinkSigner): Shown {
  if (a.method.toUpperCase() === "GET") return { kind: "link", href: a.url };
  const signed = a.link ? signLink?.(a, m) : undefined;
  if (signed)
    return {
      kind: "link",
      href: signed,
      note: "opens a page to confirm; the link works once, until its deadline",
    };
  if (a.link)
    return {
      kind: "link",
      href: dashboardUrlOf(a.url, a.link.rollout),
      note: "open the rollout's page to act",
    };
  return {
    kind: "api",
    text: `POST ${a.url} with a function key (header x-functions-key), or act in the Azure portal`,
  };
}

/** The rollout's dashboard page, on the host of an API URL. */
function dashboardUrlOf(apiUrl: string, rollout: string): string {
  const base = apiUrl.replace(/\/api\/.*$/, "");
  return `${base}/api/dash/rollouts/${encodeURIComponent(rollout)}`;
}

function renderHtml(m: Message, signLink?: LinkSigner): string {
  const table = m.table?.length
    ? `<table style="border-collapse:collapse;margin:8px 0">${m.table
        .map(
          (row, i) =>
            `<tr>${row.map((c) => (i === 0 ? `<th style="text-align:left;border:1px solid #d0d7de;padding:3px 6px">${escapeHtml(c)}</th>` : `<td style="border:1px solid #d0d7de;padding:3px 6px">${escapeHtml(c)}</td>`)).join("")}</tr>`,
        )
        .join("")}</table>`
    : "";
  const actions = m.actions
    .map((a) => {
      const shown = actionShown(a, m, signLink);
      if (shown.kind === "api") return `<p>${escapeHtml(a.label)}: ${escapeHtml(shown.text)}</p>`;
      const button = a.link
        ? ' style="display:inline-block;padding:8px 16px;background:#0969da;color:#ffffff;border-radius:6px;text-decoration:none"'
        : "";
      return `<p><a href="${escapeHtml(shown.href)}"${button}>${escapeHtml(a.label)}</a>${shown.note ? ` <span style="color:#57606a;font-size:12px">${escapeHtml(shown.note)}</span>` : ""}</p>`;
    })
    .join("");
  return `<h2 style="font-size:16px">${escapeHtml(m.title)}</h2><p>${escapeHtml(m.summary)}</p>${m.lines.map((l) => `<p>${escapeHtml(l)}</p>`).join("")}${table}${actions}`;
}
