import type { ActionRecord, RunRecords } from "./execute.js";
import { blockedDays, freezeSpan, occurrences, type Span } from "./oracle-windows.js";
import { CLOCK_START, type ScenarioSpec } from "./scenario.js";
import {
  cmpVersion,
  durationMs,
  governing,
  HOUR,
  iso,
  MINUTE,
  minorOf,
  predictedMs,
  rolloutOf,
  upgradesOf,
  type Upgrade,
} from "./oracle-upgrades.js";

/**
 * The safety oracle (issue 15): judges what the simulated Azure recorded — operations, the outbox, and
 * what the API answered to people's actions — against the scenario as written, with its own window
 * arithmetic (oracle-windows.ts) and no code of src/domain. One violation per broken promise:
 *
 * window / fit / freeze — an upgrade starts only inside its cluster's governing window, outside blocked
 *   days and freezes, with room for its predicted duration (the policy's estimates) before the window
 *   closes or a freeze or blocked day begins; nothing on a stopped cluster; nothing without a window;
 * versions — no minor skipped, control plane before pools, pools within 3 minors, no denied version, no
 *   new minor when minors are `never`;
 * one-at-a-time — never two operations on one cluster; at most `cap` clusters of a ring per
 *   subscription-region at once;
 * rings — no ring starts before the previous ring's last upgrade ended plus its soak, none after a ring
 *   spent its failure budget (scenarios never resume), none that needs approval without one (accepted by
 *   the API before it started, or the timeout passed with `onTimeout: approve`);
 * on-call — every cluster that failed for good and every halt reaches on-call by email; the outbox stays
 *   within ACS's quota.
 */
export interface Violation {
  readonly rule: string;
  readonly detail: string;
}

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
    const open = occurrences(w, u.start, u.start + 1).find((o) => o.start <= u.start && u.start < o.end);
    if (!open) {
      const near = occurrences(w, u.start - 2 * 24 * HOUR, u.start + 2 * 24 * HOUR)
        .map((o) => `${iso(o.start)}–${iso(o.end)}`)
        .join(", ");
      out.push({
        rule: "outside-window",
        detail: `${what}, outside every occurrence (nearby: ${near || "none"})`,
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
      ...blockedDays(w).map((b) => ({ name: "notAllowedDates", ...b })),
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
      !r.actions.some(
        (a) =>
          a.ring === "rollout" &&
          a.kind === "approve" &&
          accepted(a) &&
          (a.rollout ?? "").endsWith(`:${op.target}:minor`) &&
          Date.parse(a.time) <= Date.parse(op.start),
      )
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

/** Whether an answer went to the rollout of target `t` ("k8s:1.30.5", "image:…"), by the rollout's id. */
const forTarget = (a: ActionRecord, t: string) =>
  t.startsWith("k8s:")
    ? (a.rollout ?? "").endsWith(`:kubernetes:${t.slice(4)}`)
    : (a.rollout ?? "").includes(":nodeImage:");
const accepted = (a: ActionRecord) => a.status !== undefined && a.status >= 200 && a.status < 300;

function judgeRings(s: ScenarioSpec, r: RunRecords, ups: readonly Upgrade[], out: Violation[]): void {
  const start = Date.parse(CLOCK_START);
  const targets = new Set(ups.map(rolloutOf));
  for (const t of targets) {
    const mine = ups.filter((u) => rolloutOf(u) === t);
    const release =
      s.kubernetes.find((k) => `k8s:${k.version}` === t.replace(/:minor$/, "")) ??
      s.nodeImages.find((k) => `image:${k.version}` === t);
    const releasedAt = start + (release?.atMinute ?? 0) * MINUTE;
    // A target the policy sends through approval needs the rollout's own question answered first.
    const firstOfTarget = mine[0]!;
    const { minor } = firstOfTarget;
    const mode = firstOfTarget.nodeImage ? "auto" : minor ? s.versions.minor : s.versions.patch;
    if (
      mode === "approval" &&
      !r.actions.some(
        (a) =>
          a.ring === "rollout" &&
          a.kind === "approve" &&
          forTarget(a, t) &&
          accepted(a) &&
          Date.parse(a.time) <= firstOfTarget.start,
      )
    )
      out.push({
        rule: "no-approval",
        detail: `${t}: started ${iso(firstOfTarget.start)} (${firstOfTarget.cluster.name}) without the rollout's approval (${minor ? "minor" : "patch"}: approval)`,
      });
    let previous: { name: string; lastEnd: number; soakMs: number; halted: boolean } | undefined;
    for (const ring of s.rings) {
      const inRing = mine.filter((u) => u.cluster.ring === ring.name);
      if (inRing.length === 0) continue;
      const first = inRing[0]!.start;
      if (previous?.halted)
        out.push({
          rule: "after-budget",
          detail: `${t}: ring ${ring.name} started ${iso(first)} after ring ${previous.name} spent its failure budget`,
        });
      else if (previous && first < previous.lastEnd + previous.soakMs)
        out.push({
          rule: "before-soak",
          detail: `${t}: ring ${ring.name} started ${iso(first)}, before ring ${previous.name}'s last upgrade ended (${previous.lastEnd === Infinity ? "still running" : iso(previous.lastEnd)}) plus its soak (${previous.soakMs / MINUTE} min)`,
        });
      if (ring.approval) {
        const answers = r.actions.filter(
          (a) => a.ring === ring.name && forTarget(a, t) && accepted(a) && Date.parse(a.time) <= first,
        );
        const approved = answers.some((a) => a.kind === "approve");
        const timedOut =
          ring.approval.onTimeout === "approve" && first >= releasedAt + durationMs(ring.approval.timeout);
        if (!approved && !timedOut)
          out.push({
            rule: "no-approval",
            detail: `${t}: ring ${ring.name} started ${iso(first)} with no approval accepted before it (answers: ${JSON.stringify(r.actions.filter((a) => a.ring === ring.name))})`,
          });
        if (!approved && answers.some((a) => a.kind === "reject"))
          out.push({
            rule: "rejected",
            detail: `${t}: ring ${ring.name} started ${iso(first)} after a rejection`,
          });
      }
      // Each cluster's last word on this target: failed for good, or not.
      const last = new Map<string, Upgrade>();
      for (const u of inRing) last.set(u.cluster.name, u);
      const failed = [...last.values()].filter((u) => u.result === "Failed").length;
      previous = {
        name: ring.name,
        lastEnd: Math.max(...inRing.map((u) => u.end)),
        soakMs: durationMs(ring.soak),
        halted: failed > ring.failureBudget,
      };
    }
  }
}

function judgeOnCall(s: ScenarioSpec, r: RunRecords, ups: readonly Upgrade[], out: Violation[]): void {
  const end = Date.parse(r.end);
  // Long enough for a digest, retries and a tight ACS quota to deliver.
  const due = (t: number) => t <= end - 6 * HOUR;
  const mails = r.emails.map((e) => ({ t: Date.parse(e.time), text: `${e.subject}\n${e.text}` }));
  const last = new Map<string, Upgrade>();
  for (const u of ups) last.set(`${u.nodeImage}|${u.target}|${u.cluster.name}`, u);
  for (const u of last.values()) {
    if (u.result !== "Failed" || !due(u.end)) continue;
    if (!mails.some((m) => m.t >= u.end && m.text.includes(u.cluster.name)))
      out.push({
        rule: "failure-not-told",
        detail: `${u.cluster.name}'s upgrade to ${u.target} failed ${iso(u.end)}; no email names it by ${iso(end)}`,
      });
  }
  // The outbox within ACS's quota: any minute and any hour.
  const times = mails.map((m) => m.t).sort((a, b) => a - b);
  for (let i = 0; i < times.length; i++) {
    const perMinute = times.filter((t) => t >= times[i]! && t < times[i]! + MINUTE).length;
    const perHour = times.filter((t) => t >= times[i]! && t < times[i]! + HOUR).length;
    if (perMinute > s.email.perMinute || perHour > s.email.perHour) {
      out.push({
        rule: "email-quota",
        detail: `${perMinute} emails in the minute and ${perHour} in the hour from ${iso(times[i]!)} (quota ${s.email.perMinute}/min, ${s.email.perHour}/h)`,
      });
      break;
    }
  }
}

/** Halts (a ring over its budget) must reach on-call too: an email saying the rollout halted. */
function judgeHalts(s: ScenarioSpec, r: RunRecords, ups: readonly Upgrade[], out: Violation[]): void {
  const end = Date.parse(r.end);
  for (const ring of s.rings) {
    const last = new Map<string, Upgrade>();
    for (const u of ups.filter((x) => x.cluster.ring === ring.name))
      last.set(`${u.nodeImage}|${u.target}|${u.cluster.name}`, u);
    const byTarget = new Map<string, Upgrade[]>();
    for (const u of last.values()) byTarget.set(u.target, [...(byTarget.get(u.target) ?? []), u]);
    for (const [target, list] of byTarget) {
      const failed = list.filter((u) => u.result === "Failed");
      if (failed.length <= ring.failureBudget || list.some((u) => u.end === Infinity)) continue;
      // The halt comes when the ring is over: only judged when every cluster of it is provably done
      // (upgraded or failed for this target, or never eligible: stopped or on an AKS auto-upgrade channel).
      const done = new Set(list.map((u) => u.cluster.name));
      const over = s.clusters
        .filter((c) => c.ring === ring.name)
        .every((c) => done.has(c.name) || c.stopped || (c.upgradeChannel ?? "none") !== "none");
      if (!over) continue;
      const at = Math.max(...list.map((u) => u.end));
      if (at > end - 6 * HOUR) continue;
      const told = r.emails.some(
        (e) =>
          Date.parse(e.time) >= at && /halt/i.test(`${e.subject}\n${e.text}`) && e.text.includes(ring.name),
      );
      if (!told)
        out.push({
          rule: "halt-not-told",
          detail: `ring ${ring.name} spent its failure budget (${failed.length} > ${ring.failureBudget}) on ${target} by ${iso(at)}; no halt email by ${iso(end)}`,
        });
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
  judgeHalts(s, r, ups, out);
  return out;
}
