import type { RunRecords } from "./execute.js";
import { answeredHalts, resumesOf, ringRuns, type RingRun } from "./oracle-rings.js";
import { HOUR, iso, lastOfEach, MINUTE, rolloutOf, type Upgrade, type Violation } from "./oracle-upgrades.js";
import { ONCALL_EMAIL } from "./render.js";
import type { ScenarioSpec } from "./scenario.js";

/**
 * The oracle's on-call rules: every cluster that failed for good and every halt (a ring over its failure
 * budget, a health gate that failed) reaches on-call by email — sent to the policy's on-call address —
 * within six hours, long enough for a digest, retries and a tight ACS quota; the outbox stays within ACS's
 * quota in every minute and hour; and at ACS's ordinary quota (30 a minute, 100 an hour) the app's digests
 * keep it from ever being refused.
 */
const GRACE = 6 * HOUR;

interface Mail {
  readonly t: number;
  readonly text: string;
}

const toOnCall = (r: RunRecords): Mail[] =>
  r.emails
    .filter((e) => e.to.includes(ONCALL_EMAIL) || e.cc.includes(ONCALL_EMAIL))
    .map((e) => ({ t: Date.parse(e.time), text: `${e.subject}\n${e.text}` }));

function judgeFailures(r: RunRecords, ups: readonly Upgrade[], mails: readonly Mail[], out: Violation[]) {
  const end = Date.parse(r.end);
  for (const u of lastOfEach(ups)) {
    if (u.result !== "Failed" || u.end > end - GRACE) continue;
    if (!mails.some((m) => m.t >= u.end && m.text.includes(u.cluster.name)))
      out.push({
        rule: "failure-not-told",
        detail: `${u.cluster.name}'s upgrade to ${u.target} failed ${iso(u.end)}; no email to ${ONCALL_EMAIL} names it by ${iso(end)}`,
      });
  }
}

/**
 * Whether the ring is provably over for this target: every one of its clusters upgraded or failed for it,
 * or was never eligible (stopped, or on an AKS auto-upgrade channel), and nothing of it still runs.
 */
function over(s: ScenarioSpec, run: RingRun): boolean {
  if (run.lastEnd === Infinity) return false;
  const done = new Set(run.list.map((u) => u.cluster.name));
  return s.clusters
    .filter((c) => c.ring === run.ring.name)
    .every((c) => done.has(c.name) || c.stopped || (c.upgradeChannel ?? "none") !== "none");
}

function judgeHalts(
  s: ScenarioSpec,
  r: RunRecords,
  ups: readonly Upgrade[],
  mails: readonly Mail[],
  out: Violation[],
) {
  const end = Date.parse(r.end);
  const told = (from: number, ring: string, gates: boolean) =>
    mails.some(
      (m) => m.t >= from && /halt/i.test(m.text) && m.text.includes(ring) && (!gates || /gate/i.test(m.text)),
    );
  for (const t of new Set(ups.map(rolloutOf))) {
    const resumes = resumesOf(r, t);
    for (const run of ringRuns(
      s,
      ups.filter((u) => rolloutOf(u) === t),
      end,
    )) {
      if ((!run.overBudget && !run.gateFails) || !over(s, run)) continue;
      const name = run.ring.name;
      if (run.overBudget && run.lastEnd <= end - GRACE && !told(run.lastEnd, name, false))
        out.push({
          rule: "halt-not-told",
          detail: `ring ${name} spent its failure budget (${run.failed} > ${run.ring.failureBudget}) on ${t} by ${iso(run.lastEnd)}; no halt email to ${ONCALL_EMAIL} by ${iso(end)}`,
        });
      if (!run.gateFails) continue;
      // The gate is read after the soak, which follows the budget's resume when the budget halted first.
      const { budgetResume } = answeredHalts(run, resumes, end);
      if (run.overBudget && budgetResume === undefined) continue;
      const readAt = (budgetResume ?? run.lastEnd) + run.soakMs;
      if (readAt <= end - GRACE && !told(readAt, name, true))
        out.push({
          rule: "gate-halt-not-told",
          detail: `ring ${name}'s gates must have failed on ${t} from ${iso(readAt)} (${run.gateFails}); no halt email naming a gate to ${ONCALL_EMAIL} by ${iso(end)}`,
        });
    }
  }
}

function judgeQuota(s: ScenarioSpec, r: RunRecords, out: Violation[]) {
  const times = r.emails.map((e) => Date.parse(e.time)).sort((a, b) => a - b);
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
  if (s.email.perMinute >= 30 && s.email.perHour >= 100 && r.emailRefusals > 0)
    out.push({
      rule: "email-refused",
      detail: `ACS refused ${r.emailRefusals} send(s) for its quota (${s.email.perMinute}/min, ${s.email.perHour}/h): digests should keep the app within it`,
    });
}

export function judgeOnCall(s: ScenarioSpec, r: RunRecords, ups: readonly Upgrade[], out: Violation[]): void {
  const mails = toOnCall(r);
  judgeFailures(r, ups, mails, out);
  judgeHalts(s, r, ups, mails, out);
  judgeQuota(s, r, out);
}
