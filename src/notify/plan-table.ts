import type { Plan } from "../domain/planner.js";

/** The plan as a terminal table: rings in order, one line per cluster, reasons for what is skipped. */
export function renderPlanTable(plan: Plan): string {
  const lines: string[] = [];
  const when = (iso: string | null | undefined) => (iso ? iso.slice(0, 16).replace("T", " ") : "—");
  lines.push(
    `Plan ${plan.policy}: ${plan.kind === "kubernetes" ? `Kubernetes ${plan.target}` : "node image refresh"} (now ${when(plan.now)} UTC, horizon ${when(plan.horizonEnd)})`,
  );
  for (const f of plan.freezes) lines.push(`Freeze ${f.name}: ${when(f.start)} → ${when(f.end)} UTC`);
  const header = [
    "cluster",
    "subscription/region",
    "from",
    "to",
    "window",
    "start (UTC)",
    "end (UTC)",
    "status",
  ];
  for (const ring of plan.rings) {
    lines.push("");
    const approval = ring.approvalRequired
      ? `, approval required (times out after ${ring.approvalTimeoutMinutes / 60} h)`
      : "";
    lines.push(
      `Ring ${ring.index + 1}: ${ring.name} — ready ${when(ring.readyAt)}${approval}, soak until ${when(ring.soakUntil)}, max ${ring.maxConcurrentPerSubscriptionRegion} per subscription-region`,
    );
    const rows = plan.clusters
      .filter((c) => c.ring === ring.name)
      .map((c) => [
        c.name,
        `${c.subscriptionId.slice(0, 8)}/${c.location}`,
        c.currentVersion,
        c.target.length > 20 ? `…${c.target.slice(-12)}` : c.target,
        c.windowSource ?? "—",
        when(c.predictedStart),
        when(c.predictedEnd),
        c.status === "scheduled" ? `${c.durationMinutes} min` : `skipped: ${c.reason ?? c.reasonCode ?? ""}`,
      ]);
    lines.push(...table(header, rows));
  }
  const unassigned = plan.clusters.filter((c) => c.ring === null);
  if (unassigned.length) {
    lines.push("", "Not in any ring:");
    for (const c of unassigned) lines.push(`  ${c.name}: ${c.reason ?? ""}`);
  }
  const scheduled = plan.clusters.filter((c) => c.status === "scheduled").length;
  lines.push("", `${scheduled} scheduled, ${plan.clusters.length - scheduled} skipped`);
  return `${lines.join("\n")}\n`;
}

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) =>
    Math.max(h.length, ...rows.map((r) => (i === r.length - 1 ? 0 : (r[i] ?? "").length))),
  );
  const fmt = (r: string[]) =>
    "  " + r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join("  ");
  return [fmt(header), fmt(widths.map((w) => "-".repeat(w))), ...rows.map(fmt)];
}
