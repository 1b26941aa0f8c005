import type { HttpRequest, HttpResponseInit } from "@azure/functions";
import { escapeHtml as esc } from "../../notify/html-escape.js";

/**
 * The dashboard's page shell: server-rendered HTML, every value escaped with notify/html-escape.ts (the
 * one escaper, OWASP's five characters for element content and quoted attributes), one small stylesheet
 * and one small script inline — no CDN, no external asset, so it works offline and behind any proxy.
 * Phones first: one column, tables scroll sideways inside their own box, tap targets at least 44 px.
 */
export { esc };

/** ISO → `2026-12-06 06:00 UTC` (the emails' format); a dash when absent. */
export const when = (iso?: string | null): string =>
  iso ? `${iso.slice(0, 16).replace("T", " ")} UTC` : "—";

/** Seconds between live refreshes, and how many a page makes before it stops (then: reload). */
export const LIVE_SECONDS = 15;
export const LIVE_MAX_POLLS = 240;

/**
 * A dashboard URL keeping the function key the page was opened with (`?code=`, as Azure accepts it), so
 * following a link inside the dashboard opens the same door. The key is the caller's own; it is never
 * written into an email.
 */
export function dashHref(
  req: HttpRequest,
  path: string,
  query: Record<string, string | undefined> = {},
): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== "") params.set(k, v);
  const code = req.query.get("code");
  if (code) params.set("code", code);
  const qs = params.toString();
  return `/api/${path}${qs ? `?${qs}` : ""}`;
}

export const rolloutPath = (id: string, rest = ""): string =>
  `dash/rollouts/${encodeURIComponent(id)}${rest}`;

const STYLE = `
*{box-sizing:border-box}
body{font:16px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1f2328;background:#ffffff}
header{background:#24292f;color:#ffffff;padding:10px 16px}
header a{color:#ffffff;margin-right:14px;display:inline-block;padding:10px 0;min-height:44px}
header .brand{font-weight:700}
main{padding:12px 16px;max-width:1100px;margin:0 auto}
h1{font-size:1.35rem;margin:8px 0}
h2{font-size:1.1rem;margin:20px 0 6px}
a{color:#0550ae}
.meta,.note{color:#57606a;font-size:.9rem}
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch;margin:6px 0}
table{border-collapse:collapse;min-width:100%}
th,td{border-bottom:1px solid #d0d7de;padding:6px 8px;text-align:left;vertical-align:top;white-space:nowrap}
td.wrap{white-space:normal;min-width:14em}
th{background:#f6f8fa;font-weight:600}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;font-size:.85rem;background:#eaeef2;color:#1f2328}
.s-running,.s-started,.s-waiting{background:#ddf4ff;color:#0a3069}
.s-succeeded,.s-completed,.s-passed{background:#dafbe1;color:#116329}
.s-failed,.s-halted,.s-rejected{background:#ffebe9;color:#82071e}
.s-waiting-approval,.s-approval-scheduled,.s-paused,.s-soaking{background:#fff8c5;color:#4d2d00}
.card{border:1px solid #d0d7de;border-radius:8px;padding:10px 12px;margin:10px 0}
.alert{border-color:#cf222e;background:#fff5f5}
.ok{border-color:#1a7f37;background:#f6fff8}
form.filters{display:flex;flex-wrap:wrap;gap:8px;align-items:end}
label{display:block;font-size:.9rem}
select,input[type=text],textarea{font:inherit;padding:8px;min-height:44px;border:1px solid #8c959f;border-radius:6px}
button,.button{font:inherit;min-height:44px;padding:8px 18px;border-radius:6px;border:1px solid #1f2328;background:#f6f8fa;color:#1f2328;cursor:pointer;text-decoration:none;display:inline-block}
button.primary{background:#1f883d;border-color:#1a7f37;color:#ffffff}
button.danger{background:#cf222e;border-color:#a40e26;color:#ffffff}
.pager a{display:inline-block;padding:10px 0;min-height:44px}
footer{padding:0 16px 16px;max-width:1100px;margin:0 auto}
#live{font-size:.85rem;color:#57606a}
svg{max-width:none}
svg text{font-size:12px;fill:#1f2328}
@media (max-width:600px){body{font-size:15px}main{padding:8px 10px}}
`;

/**
 * Live updates without reloading: every LIVE_SECONDS the page fetches itself and swaps its `<main>`,
 * only while the tab is visible and at most LIVE_MAX_POLLS times (then it says to reload). Bounded, so a
 * forgotten tab does not poll the function app for ever.
 */
const LIVE_SCRIPT = `(function(){var n=0,max=${LIVE_MAX_POLLS},t=null,s=document.getElementById("live");
function stop(m){clearInterval(t);if(s)s.textContent=m;}
function tick(){if(document.hidden)return;if(++n>max){stop("Live updates stopped after "+max+" refreshes; reload the page to resume.");return;}
fetch(location.href,{cache:"no-store",headers:{"x-ringmaster-live":"1"}}).then(function(r){if(!r.ok)throw new Error(String(r.status));return r.text();}).then(function(h){
var d=new DOMParser().parseFromString(h,"text/html"),m=d.querySelector("main"),cur=document.querySelector("main");
if(m&&cur&&m.innerHTML!==cur.innerHTML)cur.innerHTML=m.innerHTML;if(s)s.textContent="Updated "+new Date().toLocaleTimeString()+" (every ${LIVE_SECONDS} s).";
}).catch(function(e){if(s)s.textContent="Could not refresh ("+e.message+"); retrying.";});}
t=setInterval(tick,${LIVE_SECONDS * 1000});})();`;

export interface PageOptions {
  readonly title: string;
  readonly body: string;
  /** Refresh `<main>` in place (lists and statuses); not on forms. */
  readonly live?: boolean;
  readonly status?: number;
}

export function page(req: HttpRequest, o: PageOptions): HttpResponseInit {
  const nav = [
    ["dash", "Rollouts"],
    ["dash/windows", "Windows"],
  ]
    .map(([path, label]) => `<a href="${esc(dashHref(req, path!))}">${esc(label!)}</a>`)
    .join("");
  const html = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin">
<title>${esc(o.title)} · Ringmaster</title>
<style>${STYLE}</style>
</head>
<body>
<header><nav aria-label="Dashboard"><a class="brand" href="${esc(dashHref(req, "dash"))}">Ringmaster</a>${nav}</nav></header>
<main>
${o.body}
</main>
${o.live ? `<footer><p id="live" role="status">Live: refreshes every ${LIVE_SECONDS} s.</p></footer><script>${LIVE_SCRIPT}</script>` : ""}
</body>
</html>
`;
  return {
    status: o.status ?? 200,
    headers: {
      "Content-Type": "text/html; charset=utf-8",
      "Cache-Control": "no-store",
      // Nothing from elsewhere: the page's own inline style and script only; forms post to this app.
      "Content-Security-Policy":
        "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
      "X-Content-Type-Options": "nosniff",
    },
    body: html,
  };
}

export const badge = (status: string | null | undefined): string =>
  status ? `<span class="badge s-${esc(status.replace(/[^a-z-]/gi, ""))}">${esc(status)}</span>` : "—";

/** A table inside its own horizontal scroller, with a caption for screen readers. */
export function table(caption: string, head: readonly string[], rows: readonly string[][]): string {
  // Focusable and named, so a keyboard can scroll a wide table on a narrow screen (axe scrollable-region-focusable).
  return `<div class="scroll" tabindex="0" role="region" aria-label="${esc(caption)}"><table><caption class="note" style="text-align:left">${esc(caption)}</caption><thead><tr>${head.map((h) => `<th scope="col">${esc(h)}</th>`).join("")}</tr></thead><tbody>${
    rows.length
      ? rows.map((r) => `<tr>${r.join("")}</tr>`).join("")
      : `<tr><td colspan="${head.length}">none</td></tr>`
  }</tbody></table></div>`;
}

/** A cell from text (escaped); `wrap` lets long text (reasons, errors) wrap. */
export const td = (text: string | number | null | undefined, wrap = false): string =>
  `<td${wrap ? ' class="wrap"' : ""}>${esc(text === null || text === undefined || text === "" ? "—" : String(text))}</td>`;
/** A cell holding HTML this module built (badges, links). */
export const tdHtml = (html: string): string => `<td>${html}</td>`;
