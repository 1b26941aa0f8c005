import { freezeSpan } from "./oracle-windows.js";
import { GATE_SEVERITIES, type ScenarioSpec, type WindowSpec } from "./scenario.js";

/**
 * What a scenario exercises, as feature names counted over a run (the spread the report gives): window
 * kinds and their options, policy features, releases, and each kind of fault and human action.
 */
const DST_EUROPE = Date.parse("2026-10-25T01:00:00Z");
const DST_US = Date.parse("2026-11-01T06:00:00Z");

function windowFeatures(w: WindowSpec, where: string): string[] {
  const kind = Object.keys(w.schedule)[0]!;
  const s = w.schedule as Record<string, Record<string, number>>;
  const interval = s[kind]!.intervalDays ?? s[kind]!.intervalWeeks ?? s[kind]!.intervalMonths ?? 1;
  return [
    `${where} window ${kind}`,
    ...(interval > 1 ? [`${where} window interval>1`] : []),
    ...(w.startDate ? [`${where} window startDate`] : []),
    ...(w.notAllowedDates ? [`${where} window notAllowedDates`] : []),
    `${where} window ${w.timeZone ? "timeZone" : "utcOffset"}`,
  ];
}

export function features(s: ScenarioSpec): string[] {
  const f = new Set<string>();
  for (const c of s.clusters) {
    if (c.autoUpgradeWindow) windowFeatures(c.autoUpgradeWindow, "cluster").forEach((x) => f.add(x));
    if (c.nodeOSWindow) f.add("cluster nodeOS window");
    if (c.upgradeChannel) f.add(`upgradeChannel ${c.upgradeChannel}`);
    if (c.nodeOSUpgradeChannel) f.add(`nodeOSUpgradeChannel ${c.nodeOSUpgradeChannel}`);
    if (c.stopped) f.add("stopped cluster");
    if (c.version.startsWith("1.29")) f.add("cluster a minor behind");
    if (c.assignment) {
      f.add(`maintenance assignment ${c.assignment.includes("weekday") ? "weekday" : "weekend"}`);
      if (c.autoUpgradeWindow) f.add("maintenance assignment under a native window");
      else if (!s.manageWindows) f.add("window from a maintenance assignment");
    }
  }
  const lastRing = s.rings[s.rings.length - 1]?.name;
  for (const a of s.alerts ?? []) {
    const blocks = s.alertGate && GATE_SEVERITIES.includes(a.severity);
    const ring = s.clusters.find((c) => c.name === a.cluster)?.ring;
    if (blocks && a.minutes >= s.spanHours * 60 && ring !== lastRing)
      f.add("health gate fails (alert stays fired)");
    else if (blocks) f.add("alert the gate watches, short");
    else f.add(s.alertGate ? "alert below the gate's severities" : "alert without an alert gate");
  }
  for (const r of s.rings) {
    if (r.window) windowFeatures(r.window, "ring").forEach((x) => f.add(x));
    else f.add("ring without window");
    if (r.approval) f.add(`ring approval onTimeout ${r.approval.onTimeout}`);
    if (r.failureBudget > 0) f.add("failure budget > 0");
  }
  if (s.manageWindows) f.add("manageWindows");
  if (s.subscriptions > 1) f.add("several subscriptions");
  for (const fr of s.freezes) {
    const span = freezeSpan(fr);
    f.add("freeze");
    if ((span.start <= DST_EUROPE && DST_EUROPE < span.end) || (span.start <= DST_US && DST_US < span.end))
      f.add("freeze across a DST change");
  }
  if (s.kubernetes.some((k) => k.version === "1.31.2")) f.add("minor release");
  if (s.kubernetes.length > 1) f.add("two patch releases");
  if (s.nodeImages.length) f.add("node image release");
  if (s.endOfSupport.length) f.add("end of support");
  if (s.versions.deny.length) f.add("denied version");
  f.add(`minor ${s.versions.minor}`);
  if (s.versions.patch === "approval") f.add("patch approval");
  if (s.email.perHour < 100) f.add("tight ACS quota");
  for (const x of s.faults) {
    if (x.status === 429)
      f.add(`429 ${x.retryAfterSeconds !== undefined ? "with" : "without"} Retry-After on ${x.api}`);
    else if (x.status !== undefined) f.add(`5xx on ${x.api}`);
    else if (x.error === "PodDrainFailure") f.add("drain failure");
    else if (x.error === "UpgradeFailed") f.add("control-plane failure");
    else if (x.slowMinutes !== undefined) f.add(`slow ${x.on}`);
    else if (x.event) f.add(`event ${x.event}${x.eventType ? ` ${x.eventType}` : ""}`);
  }
  const byRing = new Map<string, number>();
  if (s.probe) f.add(s.probe.status === 200 ? "probe gate passes" : "probe gate fails");
  const halts = s.rings.length > 1;
  if (halts && s.actions.some((a) => a.kind === "resume")) f.add("resume after halt");
  else if (halts) f.add("resume never");
  for (const a of s.actions) {
    if (a.kind === "kill") f.add("kill -9 of the host");
    else if (a.kind === "resume") continue;
    else f.add(`${a.kind} ${a.ring === "rollout" ? "rollout" : "ring"}`);
    if (a.ring) byRing.set(a.ring, (byRing.get(a.ring) ?? 0) + 1);
    if (a.kind === "approve" && a.atMinute <= 60 && a.ring !== "rollout") f.add("approval early");
  }
  if ([...byRing.values()].some((n) => n > 1)) f.add("approval twice");
  if (s.rings.some((r) => r.approval && !byRing.has(r.name))) f.add("approval never");
  return [...f];
}
