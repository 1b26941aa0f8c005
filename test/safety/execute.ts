import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { startLocalRun } from "../../src/app/local-run.js";
import type { DiscreteClock } from "../../src/clock/clock.js";
import { type Clock, type Hold } from "../../src/clock/clock.js";
import type { EmailRecord, OperationRecord } from "../../src/simulator/records.js";
import { REPO, startStack } from "../helpers/stack.js";
import { fleetYaml, policyYaml } from "./render.js";
import { CLOCK_START, type ScenarioSpec } from "./scenario.js";

/**
 * Runs one scenario against the whole stack on the discrete clock and returns the simulator's records:
 * the simulated Azure and the Functions host in this process (startLocalRun: a boot costs no simulated
 * time and no second process), or — for a scenario that kills the host — the host as a child process
 * (test/helpers/stack.ts), so kill -9 is real. People's actions (approvals, rejections) go through the
 * app's HTTP API at their planned simulated instants (a resume goes to each rollout halted then, with the
 * ring it halted in); what the API answered is recorded with them.
 */
export interface ActionRecord {
  readonly time: string;
  readonly kind: "approve" | "reject" | "resume" | "kill" | "restart";
  readonly ring?: string;
  readonly rollout?: string;
  readonly status?: number;
}

export interface RunRecords {
  readonly operations: readonly OperationRecord[];
  readonly emails: readonly EmailRecord[];
  readonly actions: readonly ActionRecord[];
  /** 429s the simulator answered for the email quota (ACS refused a send). */
  readonly emailRefusals: number;
  readonly end: string;
  /** The app's own view at the end (`GET /api/rollouts`), for reading a reproducer. */
  readonly rollouts: unknown;
}

interface Driver {
  readonly clock: DiscreteClock;
  readonly url: () => string;
  readonly records: () => {
    operations: readonly OperationRecord[];
    emails: readonly EmailRecord[];
    refusals: number;
  };
  kill?(): Promise<void>;
  restart?(): Promise<void>;
  stop(): Promise<void>;
}

const MINUTE = 60_000;

async function startDriver(s: ScenarioSpec, dir: string): Promise<Driver> {
  const fleet = fleetYaml(s);
  const policy = policyYaml(s);
  const counters = (counts: Map<string, number>) => counts.get("throttled:email-quota") ?? 0;
  if (s.actions.some((a) => a.kind === "kill")) {
    const stack = await startStack({ fleetYaml: fleet, policyYaml: policy, speed: 1 });
    return {
      clock: stack.clock as DiscreteClock,
      url: () => stack.host.url,
      records: () => ({
        operations: stack.operations(),
        emails: stack.emails(),
        refusals: counters(stack.sim.world.records.counters),
      }),
      kill: () => stack.kill(),
      restart: () => stack.restart(),
      stop: () => stack.stop(),
    };
  }
  const fleetFile = join(dir, "fleet.yaml");
  const policyFile = join(dir, "policy.yaml");
  writeFileSync(fleetFile, fleet);
  writeFileSync(policyFile, policy);
  const run = await startLocalRun({
    appDir: REPO,
    fleetFile,
    policyFile,
    discrete: true,
    // A scenario is never restarted on its directory: the world need not be saved as it changes.
    resumable: false,
    stateDir: join(dir, "state"),
    verbose: Boolean(process.env.SAFETY_DEBUG),
  });
  return {
    clock: run.clock as DiscreteClock,
    url: () => run.host.baseUrl,
    records: () => ({
      operations: run.sim.world.records.operations,
      emails: run.sim.world.records.emails,
      refusals: counters(run.sim.world.records.counters),
    }),
    stop: () => run.stop(),
  };
}

async function call(
  clock: Clock,
  url: string,
  init?: RequestInit,
): Promise<{ status: number; body: unknown }> {
  return clock.held(`safety ${init?.method ?? "GET"} ${url}`, async () => {
    const res = await fetch(url, init);
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: kept as text
    }
    return { status: res.status, body };
  });
}

/** Rollouts still taking answers, from `GET /api/rollouts`. */
async function activeRollouts(clock: Clock, base: string): Promise<string[]> {
  const r = await call(clock, `${base}/api/rollouts`);
  const list =
    (r.body as { rollouts?: { id: string; runtimeStatus?: string }[] } | undefined)?.rollouts ?? [];
  return list
    .filter((x) => !["Completed", "Failed", "Terminated", "Canceled"].includes(x.runtimeStatus ?? ""))
    .map((x) => x.id);
}

/** Rollouts halted now (a ring over its budget or a failed gate), with the ring they halted in. */
async function haltedRollouts(clock: Clock, base: string): Promise<{ id: string; ring?: string }[]> {
  const r = await call(clock, `${base}/api/rollouts`);
  const list =
    (r.body as { rollouts?: { id: string; state?: string | null; ring?: string | null }[] } | undefined)
      ?.rollouts ?? [];
  return list
    .filter((x) => x.state === "halted")
    .map((x) => ({ id: x.id, ...(x.ring ? { ring: x.ring } : {}) }));
}

/** Real seconds simulated time may stand still, held by the same work, before the run counts as stuck. */
const STUCK_SECONDS = Number(process.env.SAFETY_STUCK_SECONDS ?? 90);

/**
 * Calls `onStuck` when simulated time has not moved for STUCK_SECONDS of real time while something holds
 * it: work that waits for simulated time while holding it (a deadlock) shows up as a finding with the
 * holders named, instead of a run that never ends.
 */
function watchdog(clock: DiscreteClock, onStuck: (why: string) => void): () => void {
  let last = clock.now();
  let since = Date.now();
  const timer = setInterval(() => {
    const now = clock.now();
    const held = clock.busyReasons;
    if (now !== last || held.length === 0) {
      last = now;
      since = Date.now();
    } else if (Date.now() - since > STUCK_SECONDS * 1000) {
      clearInterval(timer);
      onStuck(
        `simulated time stuck at ${new Date(now).toISOString()} for ${STUCK_SECONDS} s of real time, held by: ${[...new Set(held)].join(", ")}`,
      );
    }
  }, 1000);
  timer.unref();
  return () => clearInterval(timer);
}

export async function executeScenario(
  s: ScenarioSpec,
  dir: string,
  onStuck: (why: string) => void = () => {},
): Promise<RunRecords> {
  mkdirSync(dir, { recursive: true });
  const start = Date.parse(CLOCK_START);
  const end = start + s.spanHours * 60 * MINUTE;
  const d = await startDriver(s, dir);
  const stopWatching = watchdog(d.clock, onStuck);
  const actions: ActionRecord[] = [];
  try {
    const now = () => new Date(d.clock.now()).toISOString();
    const debug = process.env.SAFETY_DEBUG ? (m: string) => console.error(`[${now()}] ${m}`) : () => {};
    if (process.env.SAFETY_DEBUG)
      setInterval(() => debug(`held by: ${d.clock.busyReasons.join(", ") || "nothing"}`), 5000).unref();
    for (const a of s.actions) {
      debug(`next: ${a.kind} ${a.ring ?? ""} at minute ${a.atMinute}`);
      const atMs = Math.min(end, start + a.atMinute * MINUTE);
      const hold: Hold = await d.clock.at(Math.max(atMs, d.clock.now()));
      try {
        if (a.kind === "kill" && d.kill && d.restart) {
          await d.kill();
          actions.push({ time: now(), kind: "kill" });
          hold.release();
          const back = await d.clock.at(Math.min(end, d.clock.now() + (a.downMinutes ?? 30) * MINUTE));
          await d.restart();
          actions.push({ time: now(), kind: "restart" });
          back.release();
          continue;
        }
        if (a.kind === "approve" || a.kind === "reject") {
          for (const id of await activeRollouts(d.clock, d.url())) {
            const r = await call(
              d.clock,
              `${d.url()}/api/rollouts/${encodeURIComponent(id)}/${a.kind}?ring=${encodeURIComponent(a.ring ?? "")}`,
              { method: "POST", headers: { "content-type": "application/json" }, body: "{}" },
            );
            actions.push({ time: now(), kind: a.kind, ring: a.ring!, rollout: id, status: r.status });
          }
        }
        if (a.kind === "resume")
          for (const { id, ring } of await haltedRollouts(d.clock, d.url())) {
            const r = await call(d.clock, `${d.url()}/api/rollouts/${encodeURIComponent(id)}/resume`, {
              method: "POST",
              headers: { "content-type": "application/json" },
              body: "{}",
            });
            actions.push({
              time: now(),
              kind: "resume",
              ...(ring ? { ring } : {}),
              rollout: id,
              status: r.status,
            });
          }
      } finally {
        hold.release();
      }
    }
    debug(`waiting for the end ${new Date(end).toISOString()}`);
    const last = await d.clock.at(Math.max(end, d.clock.now()));
    debug("end");
    const rollouts = (await call(d.clock, `${d.url()}/api/rollouts`)).body;
    const rec = d.records();
    const out = {
      operations: rec.operations.map((o) => ({ ...o })),
      emails: rec.emails.map((e) => ({ ...e, html: "" })),
      actions,
      emailRefusals: rec.refusals,
      end: now(),
      rollouts,
    };
    last.release();
    return out;
  } finally {
    stopWatching();
    await d.stop();
  }
}

/** Wall and CPU milliseconds of `fn`, for the runner's figures. */
export async function measured<T>(
  fn: () => Promise<T>,
): Promise<{ value: T; wallMs: number; cpuMs: number }> {
  const wall0 = performance.now();
  const cpu0 = process.cpuUsage();
  const value = await fn();
  const cpu = process.cpuUsage(cpu0);
  return { value, wallMs: performance.now() - wall0, cpuMs: (cpu.user + cpu.system) / 1000 };
}
