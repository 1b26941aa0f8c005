import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Violation } from "./oracle.js";

/**
 * Warm workers: child processes (child.ts) that run scenarios one after another, each scenario with a
 * fresh copy of the app's modules. A worker is retired after `recycleAfter` scenarios (each copy of the
 * modules stays in memory until its process ends), after a scenario that errored (its leftovers are
 * unknown), and replaced when it ends: a scenario that does not finish in `timeoutMs` has its worker
 * killed and is counted as failed (a hang is a finding too), and a worker that dies fails only the
 * scenario it was running.
 */
export const REPO = resolve(import.meta.dirname, "..", "..");
export const CHILD = join(REPO, "dist", "safety", "child.mjs");

export interface Outcome {
  readonly seed: number;
  readonly dir: string;
  readonly violations: readonly Violation[];
  readonly error?: string;
  readonly wallMs: number;
  /** CPU of the scenario's run (execute.ts `measured`: from booting the stack to its stop). */
  readonly cpuMs: number;
  /** CPU of the worker process since its previous answer: the run, loading the app's modules, judging, and,
   * for a worker's first scenario, starting the process (0 when the worker died). */
  readonly processCpuMs: number;
  readonly operations: number;
  readonly emails: number;
}

interface ResultFile {
  ok: boolean;
  error?: string;
  violations?: Violation[];
  cpuMs?: number;
  operations?: number;
  emails?: number;
}

interface Worker {
  readonly child: ChildProcess;
  ran: number;
  /** The process's CPU at its last answer. */
  cpuMs: number;
  /** The end of its stderr since its current scenario began. */
  stderr: string;
}

interface Answer {
  readonly dir: string;
  readonly ok: boolean;
  readonly cpuMs: number;
}

export interface WorkerOptions {
  /** Environment for the workers on top of this process's (the same for every scenario they run). */
  readonly env: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  /** Scenarios a worker runs before it is replaced; 1 is a fresh process per scenario. */
  readonly recycleAfter: number;
}

export class WarmWorkers {
  private readonly idle: Worker[] = [];
  /** Worker processes started so far. */
  started = 0;

  constructor(private readonly options: WorkerOptions) {}

  /** Runs the scenario written in `dir` (pool.ts writeScenario) on an idle worker or a new one. */
  run(seed: number, dir: string): Promise<Outcome> {
    const w = this.idle.pop() ?? this.spawn();
    const started = Date.now();
    const { timeoutMs } = this.options;
    w.stderr = "";
    return new Promise((done) => {
      const timer = setTimeout(() => w.child.kill("SIGKILL"), timeoutMs);
      const settle = () => {
        clearTimeout(timer);
        w.child.off("message", onAnswer);
        w.child.off("exit", onExit);
      };
      const onAnswer = (a: Answer) => {
        if (a.dir !== dir) return;
        settle();
        const processCpuMs = a.cpuMs - w.cpuMs;
        w.cpuMs = a.cpuMs;
        w.ran++;
        if (a.ok && w.ran < this.options.recycleAfter) this.idle.push(w);
        else retire(w);
        done(outcomeOf(seed, dir, Date.now() - started, processCpuMs));
      };
      const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
        settle();
        const killed = signal === "SIGKILL" ? ` after ${timeoutMs / 1000} s` : "";
        const ended = `the scenario's process ended (${signal ?? `exit ${code}`}) without a result${killed}: ${w.stderr.slice(-1500)}`;
        done(outcomeOf(seed, dir, Date.now() - started, 0, ended));
      };
      w.child.on("message", onAnswer);
      w.child.once("exit", onExit);
      w.child.send({ dir });
    });
  }

  /** Lets the idle workers end (busy ones end when their scenario does, or are killed by its timeout). */
  close(): void {
    for (const w of this.idle.splice(0)) retire(w);
  }

  private spawn(): Worker {
    const child = spawn(process.execPath, [CHILD], {
      env: { ...process.env, ...this.options.env },
      stdio: ["ignore", "ignore", "pipe", "ipc"],
    });
    const w: Worker = { child, ran: 0, cpuMs: 0, stderr: "" };
    child.stderr!.on("data", (b: Buffer) => (w.stderr = (w.stderr + b.toString()).slice(-4000)));
    // An idle worker that ends is no longer one.
    child.once("exit", () => {
      const i = this.idle.indexOf(w);
      if (i >= 0) this.idle.splice(i, 1);
    });
    this.started++;
    return w;
  }
}

/** Closing the channel ends a worker (child.ts); one already gone has nothing to close. */
function retire(w: Worker): void {
  if (w.child.connected) w.child.disconnect();
}

/** The scenario's outcome from its result.json, or `ended` when its process left none. */
function outcomeOf(seed: number, dir: string, wallMs: number, processCpuMs: number, ended?: string): Outcome {
  const file = join(dir, "result.json");
  const base = { seed, dir, wallMs, cpuMs: 0, processCpuMs, operations: 0, emails: 0 };
  if (!existsSync(file)) return { ...base, violations: [], error: ended ?? "the scenario left no result" };
  const r = JSON.parse(readFileSync(file, "utf8")) as ResultFile;
  return {
    ...base,
    violations: r.violations ?? [],
    ...(r.ok ? {} : { error: r.error ?? "unknown error" }),
    cpuMs: r.cpuMs ?? 0,
    operations: r.operations ?? 0,
    emails: r.emails ?? 0,
  };
}
