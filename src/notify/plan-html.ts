import type { Plan } from "../domain/planner.js";
import { escapeHtml as esc } from "./html-escape.js";

/**
 * A self-contained HTML timeline of a plan: one lane per ring, a row per cluster with its maintenance
 * window (light bar) and predicted upgrade (solid bar), soak after each ring, freezes shaded across all
 * lanes, and the skipped clusters with their reasons. No scripts, no external assets.
 */
export function renderPlanHtml(plan: Plan): string {
  const scheduled = plan.clusters.filter((c) => c.status === "scheduled");
  const t0 = Date.parse(plan.now);
  const ends = [
    ...scheduled.map((c) => Date.parse(c.predictedEnd!)),
    ...plan.rings.filter((r) => r.soakUntil).map((r) => Date.parse(r.soakUntil!)),
  ];
  const t1 = Math.max(t0 + 7 * 86_400_000, ...ends) + 86_400_000;
  const width = 1100;
  const left = 220;
  const rowH = 22;
  const x = (ms: number) => left + ((Math.min(Math.max(ms, t0), t1) - t0) / (t1 - t0)) * (width - left - 20);
  const rows: string[] = [];
  let y = 40;
  for (const ring of plan.rings) {
    const members = plan.clusters.filter((c) => c.ring === ring.name);
    const laneTop = y;
    rows.push(
      `<text x="8" y="${y + 15}" class="ring">${esc(ring.name)}${ring.approvalRequired ? " ⏸ approval" : ""}</text>`,
    );
    y += rowH;
    for (const c of members) {
      rows.push(
        `<text x="20" y="${y + 15}" class="cluster${c.status === "skipped" ? " skipped" : ""}">${esc(c.name)}</text>`,
      );
      if (c.window) {
        rows.push(
          `<rect class="window" x="${x(Date.parse(c.window.start)).toFixed(1)}" y="${y + 3}" width="${Math.max(2, x(Date.parse(c.window.end)) - x(Date.parse(c.window.start))).toFixed(1)}" height="${rowH - 6}"><title>window ${esc(c.window.start)} → ${esc(c.window.end)}</title></rect>`,
        );
      }
      if (c.predictedStart && c.predictedEnd) {
        const s = x(Date.parse(c.predictedStart));
        rows.push(
          `<rect class="upgrade" x="${s.toFixed(1)}" y="${y + 6}" width="${Math.max(3, x(Date.parse(c.predictedEnd)) - s).toFixed(1)}" height="${rowH - 12}"><title>${esc(c.name)}: ${esc(c.currentVersion)} → ${esc(c.target)}, ${esc(c.predictedStart)} → ${esc(c.predictedEnd)} (${c.durationMinutes} min)</title></rect>`,
        );
      } else {
        rows.push(
          `<text x="${left + 4}" y="${y + 15}" class="reason">skipped: ${esc(c.reason ?? c.reasonCode ?? "")}</text>`,
        );
      }
      y += rowH;
    }
    if (ring.lastEnd && ring.soakUntil) {
      rows.push(
        `<rect class="soak" x="${x(Date.parse(ring.lastEnd)).toFixed(1)}" y="${laneTop + 4}" width="${Math.max(2, x(Date.parse(ring.soakUntil)) - x(Date.parse(ring.lastEnd))).toFixed(1)}" height="${rowH - 8}"><title>soak until ${esc(ring.soakUntil)}</title></rect>`,
      );
    }
    rows.push(`<line x1="0" x2="${width}" y1="${y + 4}" y2="${y + 4}" class="lane"/>`);
    y += 10;
  }
  const freezes = plan.freezes
    .filter((f) => Date.parse(f.end) > t0 && Date.parse(f.start) < t1)
    .map(
      (f) =>
        `<rect class="freeze" x="${x(Date.parse(f.start)).toFixed(1)}" y="24" width="${(x(Date.parse(f.end)) - x(Date.parse(f.start))).toFixed(1)}" height="${y - 24}"><title>freeze ${esc(f.name)}</title></rect>`,
    );
  const ticks: string[] = [];
  for (let d = Math.ceil(t0 / 86_400_000) * 86_400_000; d <= t1; d += 86_400_000) {
    const day = new Date(d);
    if (day.getUTCDay() !== 1 && (t1 - t0) / 86_400_000 > 21) continue;
    ticks.push(
      `<line x1="${x(d).toFixed(1)}" x2="${x(d).toFixed(1)}" y1="24" y2="${y}" class="tick"/><text x="${(x(d) + 2).toFixed(1)}" y="18" class="date">${day.toISOString().slice(5, 10)}</text>`,
    );
  }
  const skippedRows = plan.clusters
    .filter((c) => c.status === "skipped")
    .map(
      (c) =>
        `<tr><td>${esc(c.name)}</td><td>${esc(c.ring ?? "—")}</td><td>${esc(c.reasonCode ?? "")}</td><td>${esc(c.reason ?? "")}</td></tr>`,
    )
    .join("\n");
  const title = `${plan.policy}: ${plan.kind === "kubernetes" ? `Kubernetes ${plan.target}` : "node image refresh"}`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${esc(title)}</title>
<style>
body { font: 14px system-ui, sans-serif; margin: 24px; color: #1b1f24; }
h1 { font-size: 20px; margin: 0 0 4px; }
.meta { color: #57606a; margin-bottom: 16px; }
svg text { font-size: 12px; }
.ring { font-weight: 600; }
.cluster.skipped { fill: #8c959f; }
.reason { fill: #9a6700; }
.window { fill: #ddf4ff; stroke: #54aeff; }
.upgrade { fill: #1f883d; }
.soak { fill: #fff8c5; stroke: #d4a72c; }
.freeze { fill: #ffebe9; opacity: 0.7; }
.tick { stroke: #eaeef2; }
.lane { stroke: #d0d7de; }
.date { fill: #57606a; font-size: 11px; }
table { border-collapse: collapse; margin-top: 16px; }
td, th { border: 1px solid #d0d7de; padding: 4px 8px; text-align: left; }
.legend span { display: inline-block; width: 14px; height: 10px; margin: 0 4px 0 12px; vertical-align: middle; }
</style>
</head>
<body>
<h1>${esc(title)}</h1>
<div class="meta">Generated for ${esc(plan.now)} · horizon ${esc(plan.horizonEnd)} · ${plan.clusters.filter((c) => c.status === "scheduled").length} scheduled, ${plan.clusters.filter((c) => c.status === "skipped").length} skipped</div>
<div class="legend"><span style="background:#ddf4ff;border:1px solid #54aeff"></span>maintenance window<span style="background:#1f883d"></span>predicted upgrade<span style="background:#fff8c5;border:1px solid #d4a72c"></span>soak<span style="background:#ffebe9"></span>freeze</div>
<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${y + 10}" role="img" aria-label="rollout timeline">
${ticks.join("\n")}
${freezes.join("\n")}
${rows.join("\n")}
</svg>
<h2>Not upgraded</h2>
<table><thead><tr><th>cluster</th><th>ring</th><th>reason</th><th>detail</th></tr></thead>
<tbody>
${skippedRows || '<tr><td colspan="4">none</td></tr>'}
</tbody></table>
</body>
</html>
`;
}
