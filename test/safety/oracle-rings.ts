import type { RunRecords } from "./execute.js";
import {
  accepted,
  durationMs,
  forTarget,
  iso,
  lastOfEach,
  MINUTE,
  rolloutApprovedBy,
  rolloutOf,
  type Upgrade,
  type Violation,
} from "./oracle-upgrades.js";
import { CLOCK_START, GATE_SEVERITIES, type RingSpec, type ScenarioSpec } from "./scenario.js";

/**
 * The oracle's ring rules (oracle.ts lists them all), per rollout target: approvals, the soak, and halts.
 * A ring halts the rollout when more of its clusters failed for good than its failure budget allows, and
 * when a health gate fails after its soak; after a halt the next ring starts only once a person resumed
 * the rollout (POST …/resume, accepted by the API after the halt came). The gate failures judged are the
 * ones the scenario makes certain: a Sev0/Sev1 alert, watched by the policy's `azureMonitorAlerts` gate,
 * that fired on a cluster the ring upgraded no later than the earliest moment the gate can be read (the
 * ring's last upgrade end plus its soak) and stays fired past the end of the run; or an `httpProbe` gate
 * whose URL the simulator answers with an error.
 */
export interface RingRun {
  readonly ring: RingSpec;
  readonly index: number;
  readonly list: readonly Upgrade[];
  readonly lastEnd: number;
  readonly soakMs: number;
  /** Clusters that failed for good (their last upgrade of the target failed). */
  readonly failed: number;
  readonly overBudget: boolean;
  /** Why a gate of this ring must fail (an alert that stays fired, a probe that fails), if one must. */
  readonly gateFails: string | undefined;
}

/** Each ring's upgrades of one target, in ring order (rings without any left out). */
export function ringRuns(s: ScenarioSpec, mine: readonly Upgrade[], runEnd: number): RingRun[] {
  const out: RingRun[] = [];
  s.rings.forEach((ring, index) => {
    const list = mine.filter((u) => u.cluster.ring === ring.name);
    if (list.length === 0) return;
    const lastEnd = Math.max(...list.map((u) => u.end));
    const soakMs = durationMs(ring.soak);
    const last = lastOfEach(list);
    const failed = last.filter((u) => u.result === "Failed").length;
    // Upgrades of clusters on no AKS auto-upgrade channel: Ringmaster's own, which its lanes report.
    const ours = last.filter(
      (u) =>
        (u.cluster.upgradeChannel ?? "none") === "none" &&
        (u.cluster.nodeOSUpgradeChannel ?? "None") === "None",
    );
    const upgraded = new Set(ours.filter((u) => u.result === "Succeeded").map((u) => u.cluster.name));
    const start = Date.parse(CLOCK_START);
    const gateAlert =
      s.alertGate && index < s.rings.length - 1
        ? (s.alerts ?? []).find(
            (a) =>
              GATE_SEVERITIES.includes(a.severity) &&
              upgraded.has(a.cluster) &&
              start + a.atMinute * MINUTE <= lastEnd + soakMs &&
              start + (a.atMinute + a.minutes) * MINUTE > runEnd,
          )
        : undefined;
    // A probe gate is read after every ring that touched a cluster but the last, whatever it touched.
    const probeFails =
      s.probe !== undefined &&
      s.probe.status !== 200 &&
      index < s.rings.length - 1 &&
      ours.some((u) => u.result === "Succeeded" || u.result === "Failed");
    out.push({
      ring,
      index,
      list,
      lastEnd,
      soakMs,
      failed,
      overBudget: failed > ring.failureBudget,
      gateFails: gateAlert
        ? `a ${gateAlert.severity} alert on ${gateAlert.cluster} fired from minute ${gateAlert.atMinute}, never resolved`
        : probeFails
          ? `its probe answers ${s.probe.status}`
          : undefined,
    });
  });
  return out;
}

/** Accepted resumes of target `t`'s rollout, in time order. */
export const resumesOf = (r: RunRecords, t: string) =>
  r.actions
    .filter((a) => a.kind === "resume" && accepted(a) && forTarget(a, t))
    .map((a) => Date.parse(a.time))
    .sort((a, b) => a - b);

/**
 * The halts ring `prev` owes before `until` and the resumes that answered them: the budget's halt comes
 * once the ring is over (its last upgrade ended), the gate's after the soak that follows (from the resume,
 * when the budget halted it first). `missing` names the first halt no accepted resume answered.
 */
export function answeredHalts(
  prev: RingRun,
  resumes: readonly number[],
  until: number,
): { missing?: "budget" | "gates"; budgetResume?: number } {
  let i = 0;
  let from = prev.lastEnd;
  let budgetResume: number | undefined;
  if (prev.overBudget) {
    while (i < resumes.length && resumes[i]! < from) i++;
    if (i >= resumes.length || resumes[i]! > until) return { missing: "budget" };
    budgetResume = from = resumes[i++]!;
  }
  if (prev.gateFails) {
    while (i < resumes.length && resumes[i]! < from + prev.soakMs) i++;
    if (i >= resumes.length || resumes[i]! > until)
      return { missing: "gates", ...(budgetResume !== undefined ? { budgetResume } : {}) };
  }
  return budgetResume !== undefined ? { budgetResume } : {};
}

export function judgeRings(s: ScenarioSpec, r: RunRecords, ups: readonly Upgrade[], out: Violation[]): void {
  const start = Date.parse(CLOCK_START);
  const runEnd = Date.parse(r.end);
  for (const t of new Set(ups.map(rolloutOf))) {
    const mine = ups.filter((u) => rolloutOf(u) === t);
    const release =
      s.kubernetes.find((k) => `k8s:${k.version}` === t.replace(/:minor$/, "")) ??
      s.nodeImages.find((k) => `image:${k.version}` === t);
    const releasedAt = start + (release?.atMinute ?? 0) * MINUTE;
    // A target the policy sends through approval needs the rollout's own question answered first.
    const firstOfTarget = mine[0]!;
    const { minor } = firstOfTarget;
    const mode = firstOfTarget.nodeImage ? "auto" : minor ? s.versions.minor : s.versions.patch;
    if (mode === "approval" && !rolloutApprovedBy(r, t, firstOfTarget.start))
      out.push({
        rule: "no-approval",
        detail: `${t}: started ${iso(firstOfTarget.start)} (${firstOfTarget.cluster.name}) without the rollout's approval (${minor ? "minor" : "patch"}: approval)`,
      });
    const resumes = resumesOf(r, t);
    let previous: RingRun | undefined;
    for (const run of ringRuns(s, mine, runEnd)) {
      const { ring } = run;
      const first = run.list[0]!.start;
      if (previous) {
        const { missing } = answeredHalts(previous, resumes, first);
        const answered = `resumes accepted: ${resumes.map(iso).join(", ") || "none"}`;
        if (missing === "budget")
          out.push({
            rule: "after-budget",
            detail: `${t}: ring ${ring.name} started ${iso(first)} after ring ${previous.ring.name} spent its failure budget (${previous.failed} > ${previous.ring.failureBudget}, last upgrade ended ${iso(previous.lastEnd)}) with no resume accepted between (${answered})`,
          });
        else if (missing === "gates")
          out.push({
            rule: "after-gates",
            detail: `${t}: ring ${ring.name} started ${iso(first)} although ring ${previous.ring.name}'s gate must have failed (${previous.gateFails}) and no resume was accepted after its soak (${answered})`,
          });
        if (first < previous.lastEnd + previous.soakMs)
          out.push({
            rule: "before-soak",
            detail: `${t}: ring ${ring.name} started ${iso(first)}, before ring ${previous.ring.name}'s last upgrade ended (${previous.lastEnd === Infinity ? "still running" : iso(previous.lastEnd)}) plus its soak (${previous.soakMs / MINUTE} min)`,
          });
      }
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
      previous = run;
    }
  }
}
