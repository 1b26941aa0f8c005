import type { RunRecords } from "./execute.js";
import { judgeOnCall } from "./oracle-oncall.js";
import { judgeRings } from "./oracle-rings.js";
import {
  cmpVersion,
  governing,
  HOUR,
  iso,
  MINUTE,
  minorOf,
  predictedMs,
  rolloutApprovedBy,
  rolloutOf,
  upgradesOf,
  type Upgrade,
  type Violation,
} from "./oracle-upgrades.js";
import { blockedOf, freezeSpan, openings, type Span } from "./oracle-windows.js";
import type { ScenarioSpec } from "./scenario.js";

export type { Violation } from "./oracle-upgrades.js";

/**
 * The safety oracle (issue 15): judges what the simulated Azure recorded — operations, the outbox, and
 * what the API answered to people's actions — against the scenario as written, with its own window
 * arithmetic (oracle-windows.ts) and no code of src/domain. One violation per broken promise:
 *
 * window / fit / freeze — an upgrade starts only inside its cluster's governing window (AKS-native, the
 *   ring's, or a Microsoft.Maintenance assignment's nights), outside blocked days and freezes, with room
 *   for its predicted duration (the policy's estimates) before the window closes or a freeze or blocked
 *   day begins; nothing on a stopped cluster; nothing without a window;
 * versions — no minor skipped, control plane before pools, pools within 3 minors, no denied version, no
 *   new minor when minors are `never`;
 * one-at-a-time — never two operations on one cluster; at most `cap` clusters of a ring per
 *   subscription-region at once;
 * rings (oracle-rings.ts) — no ring starts before the previous ring's last upgrade ended plus its soak,
 *   none after a ring spent its failure budget or failed a health gate until a person's resume was
 *   accepted after that halt, none that needs approval without one (accepted by the API before it
 *   started, or the timeout passed with `onTimeout: approve`);
 * on-call (oracle-oncall.ts) — every cluster that failed for good and every halt, budget or gate,
 *   reaches on-call's address by email; the outbox stays within ACS's quota, and is never refused at the
 *   ordinary quota.
 */
function judgeWindows(s: ScenarioSpec, ups: readonly Upgrade[], out: Violation[]): void {
  const freezes = s.freezes.map((f) => ({ name: f.name, ...freezeSpan(f) }));
  for (const u of ups) {
    const what = `${u.cluster.name} ${u.nodeImage ? "node image" : "kubernetes"} upgrade to ${u.target} started ${iso(u.start)}`;
    if (u.cluster.stopped) out.push({ rule: "stopped-cluster", detail: `${what} on a stopped cluster` });
    const w = governing(s, u.cluster, u.nodeImage);
    if (!w) {
      out.push({ rule: "no-window", detail: `${what}, but the cluster has no window at all` });
      continue;
    }
    const open = openings(w, u.start, u.start + 1).find((o) => o.start <= u.start && u.start < o.end);
    if (!open) {
      const near = openings(w, u.start - 2 * 24 * HOUR, u.start + 2 * 24 * HOUR)
        .map((o) => `${iso(o.start)}–${iso(o.end)}`)
        .join(", ");
      out.push({
        rule: "outside-window",
        detail: `${what}, outside every occurrence of ${w.kind === "aks" ? "its window" : `assignment ${w.configuration}`} (nearby: ${near || "none"})`,
      });
      continue;
    }
    const predicted = predictedMs(s, u);
    const predictedEnd = u.start + predicted;
    if (predictedEnd > open.end)
      out.push({
        rule: "does-not-fit",
        detail: `${what}: predicted ${predicted / MINUTE} min, ends ${iso(predictedEnd)} after the window closes ${iso(open.end)}`,
      });
    const stops: (Span & { name: string })[] = [
      ...freezes,
      ...blockedOf(w).map((b) => ({ name: "notAllowedDates", ...b })),
    ];
    for (const f of stops) {
      if (f.start <= u.start && u.start < f.end)
        out.push({ rule: "in-freeze", detail: `${what}, inside ${f.name} ${iso(f.start)}–${iso(f.end)}` });
      else if (u.start < f.start && f.start < predictedEnd)
        out.push({
          rule: "runs-into-freeze",
          detail: `${what}: predicted to run until ${iso(predictedEnd)}, into ${f.name} from ${iso(f.start)}`,
        });
    }
  }
}

function judgeVersions(s: ScenarioSpec, r: RunRecords, out: Violation[]): void {
  const cp = new Map(s.clusters.map((c) => [c.name, c.version]));
  const pools = new Map(s.clusters.flatMap((c) => c.pools.map((p) => [`${c.name}/${p.name}`, c.version])));
  const steps = [...r.operations].sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
  const denied = new Set(s.versions.deny);
  for (const op of steps) {
    if (op.kind === "nodeImageUpgrade") continue;
    const at = `${op.cluster}${op.pool ? `/${op.pool}` : ""} ${op.kind} to ${op.target} at ${op.start}`;
    const current = cp.get(op.cluster) ?? op.target;
    if (denied.has(op.target)) out.push({ rule: "denied-version", detail: `${at}: ${op.target} is denied` });
    if (
      s.versions.minor === "never" &&
      minorOf(op.target) > minorOf(current) &&
      op.kind === "controlPlaneUpgrade"
    )
      out.push({ rule: "minor-never", detail: `${at}: a new minor, and the policy says never` });
    // A new minor for this cluster under `minor: approval` needs the question of a rollout to that very
    // version answered (a patch rollout asks none, so it must not carry a cluster across a minor).
    if (
      s.versions.minor === "approval" &&
      minorOf(op.target) > minorOf(current) &&
      op.kind === "controlPlaneUpgrade" &&
      !rolloutApprovedBy(r, `k8s:${op.target}:minor`, Date.parse(op.start))
    )
      out.push({
        rule: "minor-without-approval",
        detail: `${at}: a new minor for ${op.cluster} (from ${current}) with no approval of a rollout to ${op.target}`,
      });
    if (op.kind === "controlPlaneUpgrade") {
      if (minorOf(op.target) - minorOf(current) > 1)
        out.push({ rule: "minor-skipped", detail: `${at}: from ${current}, skipping a minor` });
      if (op.result === "Succeeded") cp.set(op.cluster, op.target);
    } else if (op.kind === "poolUpgrade" && op.pool) {
      if (cmpVersion(op.target, current) > 0)
        out.push({
          rule: "pool-before-control-plane",
          detail: `${at}: the control plane is still ${current}`,
        });
      if (op.result === "Succeeded") pools.set(`${op.cluster}/${op.pool}`, op.target);
    }
    const now = cp.get(op.cluster) ?? current;
    for (const [key, v] of pools)
      if (key.startsWith(`${op.cluster}/`) && minorOf(now) - minorOf(v) > 3)
        out.push({
          rule: "pool-skew",
          detail: `${key} at ${v}, more than 3 minors behind ${now} (${op.start})`,
        });
  }
}

function judgeConcurrency(s: ScenarioSpec, ups: readonly Upgrade[], out: Violation[]): void {
  for (let i = 0; i < ups.length; i++)
    for (let j = i + 1; j < ups.length; j++) {
      const a = ups[i]!;
      const b = ups[j]!;
      if (a.cluster === b.cluster && b.start < a.end)
        out.push({
          rule: "two-at-once",
          detail: `${a.cluster.name}: ${b.id.slice(0, 8)} started ${iso(b.start)} while ${a.id.slice(0, 8)} (from ${iso(a.start)}) ran`,
        });
    }
  // The cap: upgrades of one rollout (target) in one ring and subscription-region at once.
  const groups = new Map<string, Upgrade[]>();
  for (const u of ups) {
    const key = `${rolloutOf(u)}|${u.cluster.ring}|${u.cluster.subscription}/${u.cluster.region}`;
    groups.set(key, [...(groups.get(key) ?? []), u]);
  }
  for (const [key, list] of groups) {
    const cap = s.rings.find((r) => r.name === list[0]!.cluster.ring)?.cap ?? Infinity;
    for (const u of list) {
      const running = list.filter((x) => x.start <= u.start && u.start < x.end);
      if (running.length > cap) {
        out.push({
          rule: "cap",
          detail: `${key}: ${running.length} upgrades at ${iso(u.start)} (${running.map((x) => x.cluster.name).join(", ")}), cap ${cap}`,
        });
        break;
      }
    }
  }
}

export function judge(s: ScenarioSpec, r: RunRecords): Violation[] {
  const out: Violation[] = [];
  const ups = upgradesOf(s, r);
  judgeWindows(s, ups, out);
  judgeVersions(s, r, out);
  judgeConcurrency(s, ups, out);
  judgeRings(s, r, ups, out);
  judgeOnCall(s, r, ups, out);
  return out;
}
