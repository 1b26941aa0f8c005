import type { EmailRecord } from "../../src/simulator/records.js";
import type { ActionRecord, RunRecords } from "./execute.js";
import { judge } from "./oracle.js";
import { ONCALL_EMAIL } from "./render.js";
import type { ClusterSpec, ScenarioSpec } from "./scenario.js";

/**
 * Hand-written scenarios and simulator records for the oracle's own tests (oracle.test.ts): a small
 * two-ring policy and upgrades, emails and people's actions as the simulator and the runner record them.
 */
export const cluster = (name: string, ring: string, extra: Partial<ClusterSpec> = {}): ClusterSpec => ({
  name,
  subscription: 0,
  region: "westeurope",
  version: "1.30.4",
  ring,
  pools: [{ name: "system", mode: "System", count: 2, image: "img" }],
  ...extra,
});

/** A ring with a daily 10:00–16:00 UTC window, a 1-hour soak, budget 0 and cap 1. */
const ring = (name: string): ScenarioSpec["rings"][number] => ({
  name,
  window: { schedule: { daily: { intervalDays: 1 } }, startTime: "10:00", durationHours: 6, timeZone: "UTC" },
  soak: "PT1H",
  failureBudget: 0,
  cap: 1,
});

/** Two rings with a daily 10:00–16:00 UTC window, a 1-hour soak, budget 0, cap 1; r2 needs approval. */
export const base: ScenarioSpec = {
  seed: 0,
  spanHours: 48,
  subscriptions: 1,
  clusters: [cluster("a", "r1"), cluster("b", "r1"), cluster("c", "r2")],
  rings: [ring("r1"), { ...ring("r2"), approval: { timeout: "PT24H", onTimeout: "reject" } }],
  manageWindows: false,
  versions: { patch: "auto", minor: "approval", deny: ["1.30.6"] },
  freezes: [{ name: "hold", timeZone: "UTC", start: "2026-10-20T13:00", end: "2026-10-20T14:00" }],
  kubernetes: [{ version: "1.30.5", regions: ["westeurope"], atMinute: 10 }],
  nodeImages: [],
  endOfSupport: [],
  faults: [],
  actions: [],
  estimates: { controlPlaneMinutes: 10, perNodeMinutes: 10 },
  email: { perMinute: 30, perHour: 100 },
};

let n = 0;
/** One Kubernetes upgrade (control plane, then the pool) as the simulator records it. */
export function upgrade(
  c: string,
  start: string,
  minutes = 30,
  result: "Succeeded" | "Failed" = "Succeeded",
  target = "1.30.5",
) {
  const id = `op-${++n}`;
  const t0 = Date.parse(start);
  const mid = new Date(t0 + 10 * 60_000).toISOString();
  return [
    {
      id,
      cluster: c,
      pool: null,
      kind: "controlPlaneUpgrade" as const,
      target,
      start,
      end: mid,
      result: "Succeeded" as const,
    },
    {
      id,
      cluster: c,
      pool: "system",
      kind: "poolUpgrade" as const,
      target,
      start: mid,
      end: new Date(t0 + minutes * 60_000).toISOString(),
      result,
    },
  ];
}

/** A person's approval of a ring of the 1.30.5 patch rollout, or of `rollout` itself (ring "rollout"). */
export const approval = (
  time: string,
  ring: string,
  rollout = "rollout:safety:kubernetes:1.30.5",
  status = 202,
): ActionRecord => ({ time, kind: "approve", ring, rollout, status });

export const records = (ops: ReturnType<typeof upgrade>[], extra: Partial<RunRecords> = {}): RunRecords => ({
  operations: ops.flat(),
  emails: [],
  actions: [approval("2026-10-19T09:00:00.000Z", "r2")],
  emailRefusals: 0,
  end: "2026-10-21T00:00:00.000Z",
  rollouts: [],
  ...extra,
});
export const rules = (s: ScenarioSpec, r: RunRecords) => [...new Set(judge(s, r).map((v) => v.rule))].sort();

/** An email as the simulator's outbox records it, to on-call unless said otherwise. */
export const email = (time: string, subject: string, text = "", to = ONCALL_EMAIL): EmailRecord => ({
  time,
  from: "ringmaster@safety.example",
  to: [to],
  cc: [],
  subject,
  text,
  html: "",
  operationId: time,
});

/** A person's resume of the 1.30.5 patch rollout, as the runner records it (202: accepted). */
export const resume = (
  time: string,
  status = 202,
  rollout = "rollout:safety:kubernetes:1.30.5",
): ActionRecord => ({
  time,
  kind: "resume",
  ring: "r1",
  rollout,
  status,
});
