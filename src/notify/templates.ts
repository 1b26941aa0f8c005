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

export function renderEmail(messages: readonly Message[]): RenderedEmail {
  const ordered = [...messages].sort(
    (a, b) => PRIORITY[a.kind] - PRIORITY[b.kind] || a.time.localeCompare(b.time),
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
  const text = ordered.map(renderText).join("\n\n---\n\n");
  const html = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head><body style="font-family:system-ui,sans-serif;color:#1b1f24">${ordered.map(renderHtml).join('<hr style="border:0;border-top:1px solid #d0d7de">')}<p style="color:#57606a;font-size:12px">Sent by Ringmaster. Times are UTC.</p></body></html>`;
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

function renderText(m: Message): string {
  const parts = [m.title, "", m.summary, ...m.lines.map((l) => `  ${l}`)];
  if (m.table?.length) {
    const widths = m.table[0]!.map((_, i) => Math.max(...m.table!.map((r) => (r[i] ?? "").length)));
    parts.push("", ...m.table.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join("  ")));
  }
  for (const a of m.actions) parts.push("", `${a.label}: ${a.method} ${a.url}`);
  // Every call needs a function key in Azure (issue 12); an email is no place for a secret, so it names it.
  if (m.actions.some((a) => a.method.toUpperCase() !== "GET"))
    parts.push(
      "",
      'Send the function key as the header "x-functions-key: <key>" (az functionapp keys list).',
    );
  return parts.join("\n");
}

function renderHtml(m: Message): string {
  const table = m.table?.length
    ? `<table style="border-collapse:collapse;margin:8px 0">${m.table
        .map(
          (row, i) =>
            `<tr>${row.map((c) => (i === 0 ? `<th style="text-align:left;border:1px solid #d0d7de;padding:3px 6px">${escapeHtml(c)}</th>` : `<td style="border:1px solid #d0d7de;padding:3px 6px">${escapeHtml(c)}</td>`)).join("")}</tr>`,
        )
        .join("")}</table>`
    : "";
  // A link can only GET; a state-changing action is shown as the call to make, never as a clickable link,
  // with the function key it needs in Azure as a placeholder (an email is no place for a secret).
  const actions = m.actions
    .map((a) =>
      a.method.toUpperCase() === "GET"
        ? `<p><a href="${escapeHtml(a.url)}">${escapeHtml(a.label)}</a></p>`
        : `<p>${escapeHtml(a.label)}: <code>curl -X ${escapeHtml(a.method.toUpperCase())} -H "x-functions-key: $RINGMASTER_KEY" '${escapeHtml(a.url)}'</code></p>`,
    )
    .join("");
  return `<h2 style="font-size:16px">${escapeHtml(m.title)}</h2><p>${escapeHtml(m.summary)}</p>${m.lines.map((l) => `<p>${escapeHtml(l)}</p>`).join("")}${table}${actions}`;
}
