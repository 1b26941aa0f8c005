import {
  beginContextWait,
  contextHoldIds,
  HoldToken,
  outsideHolds,
  runHeld,
  waitOnBehalf,
  type BusyListener,
  type Hold,
} from "./busy.js";
import type { Clock, HeldOptions, TimerHandle } from "./clock.js";
import { settle } from "./settle.js";
import { TimerQueue } from "./timer-queue.js";

/**
 * A discrete-event clock: `now()` stands still while any work is in flight and, once everything is idle
 * (and has settled: see settle.ts), jumps to the earliest due timer and fires every timer due then, in
 * order of (instant, insertion). Processes share one timeline through clock-link.ts: the coordinator
 * advances only when it and every participant are idle at the current step; a participant never advances
 * by itself, it reports and follows.
 */

/** What a participant tells its coordinator; `step` acknowledges the last advance it has seen. */
export interface ClockState {
  readonly busy: boolean;
  readonly nextDue: number | undefined;
  readonly step: number;
}

/** The coordinator's view of the other processes on its timeline (clock-link.ts). */
export interface Peers {
  /** Every participant idle, and each has seen advance `step`. */
  idleAt(step: number): boolean;
  nextDue(): number | undefined;
  advanced(now: number, step: number): void;
}

interface Waiter {
  readonly afterStep: number;
  readonly resolve: (hold: Hold) => void;
}

/** A quiet system with nothing due: waiters are let in again this often (real ms), for their wall deadlines. */
const STUCK_RECHECK_MS = 20;

export class DiscreteClock implements Clock, BusyListener {
  readonly speed = Number.POSITIVE_INFINITY;
  readonly discrete = true;
  #now: number;
  #step = 0;
  #busy = 0;
  readonly #timers = new TimerQueue();
  readonly #holds = new Set<HoldToken>();
  #epoch = 0;
  #running = false;
  #fireSoon = false;
  #peers: Peers | undefined;
  #report: ((state: ClockState) => void) | undefined;
  #lastReport = "";
  #waiters: Waiter[] = [];
  #ready: Promise<void> = Promise.resolve();
  #lendRemote: ((holds: readonly string[]) => () => void) | undefined;

  constructor(
    start: number,
    private readonly label = "",
  ) {
    this.#now = start;
  }

  get description(): string {
    return `discrete-event time from ${new Date(this.#now).toISOString()}${this.label ? ` (${this.label})` : ""}`;
  }

  now(): number {
    return this.#now;
  }

  /** How many advances this clock has made or followed. */
  get step(): number {
    return this.#step;
  }

  /** What is holding time still (reasons of the busy holds), for error messages. */
  get busyReasons(): string[] {
    return [...this.#holds].filter((h) => h.busy).map((h) => h.reason);
  }

  setTimer(at: number, fn: () => void): TimerHandle {
    const handle = this.#timers.add(at, fn);
    if (at <= this.#now) this.#fireDueSoon();
    else this.#kick();
    return handle;
  }

  clearTimer(handle: TimerHandle): void {
    this.#timers.remove(handle);
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(abortError());
      const endWait = beginContextWait(this);
      const onAbort = () => {
        this.clearTimer(handle);
        endWait();
        reject(abortError());
      };
      const handle = this.setTimer(this.#now + Math.max(0, ms), () => {
        signal?.removeEventListener("abort", onAbort);
        endWait();
        resolve();
      });
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  hold(reason: string): Hold {
    const token = new HoldToken(reason, this);
    this.#holds.add(token);
    const release = token.release.bind(token);
    return {
      reason,
      release: () => {
        release();
        this.#holds.delete(token);
      },
    };
  }

  async held<T>(reason: string, fn: () => Promise<T> | T, options: HeldOptions = {}): Promise<T> {
    const token = new HoldToken(reason, this);
    this.#holds.add(token);
    try {
      return await runHeld(token, options.detached === true, fn);
    } finally {
      token.release();
      this.#holds.delete(token);
    }
  }

  async waitingOn<T>(fn: () => Promise<T>): Promise<T> {
    const endWait = beginContextWait(this);
    try {
      return await fn();
    } finally {
      endWait();
    }
  }

  ready(): Promise<void> {
    return this.#ready;
  }

  requestHolds(): string[] {
    return contextHoldIds(this);
  }

  lendWait(holds: readonly string[]): () => void {
    const { end, foreign } = waitOnBehalf(this, holds);
    // A client in the coordinator's process (Event Grid delivering to a host in a child): it is told.
    const remote = foreign.length > 0 && this.#lendRemote ? this.#lendRemote(foreign) : undefined;
    return () => {
      remote?.();
      end();
    };
  }

  busyChanged(delta: 1 | -1): void {
    this.#busy += delta;
    if (this.#busy === 0) this.#kick();
    else if (delta === 1 && this.#busy === 1)
      this.#sendReport({ busy: true, nextDue: undefined, step: this.#step });
  }

  // ---- the coordinator's side (tests and harnesses drive time from here) ----

  /** Resolves once simulated time reaches `at`, holding the clock there until the hold is released. */
  at(at: number): Promise<Hold> {
    return new Promise((resolve) => {
      this.setTimer(at, () => resolve(this.hold(`at ${new Date(at).toISOString()}`)));
    });
  }

  /**
   * Resolves at the next moment everything is idle, before time moves on (after advance `afterStep` when
   * given), holding the clock until the hold is released.
   */
  whenIdle(afterStep = -1): Promise<Hold> {
    return new Promise((resolve) => {
      this.#waiters.push({ afterStep, resolve });
      this.#kick();
    });
  }

  /**
   * Waits, in simulated time, until `probe` returns a value: it is asked each time everything is idle,
   * before time moves on, so it sees every instant at which something happened. The clock is held while it
   * runs and until the caller's next turn, so what the caller does next happens at that same instant.
   * `timeoutMs` is a wall-clock deadline for a run that never gets there (not a wait).
   */
  async until<T>(
    what: string,
    probe: () => T | undefined | Promise<T | undefined>,
    timeoutMs = 60_000,
  ): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let seen = -1;
    const late = () =>
      new Error(
        `timed out waiting for ${what} (simulated time ${new Date(this.#now).toISOString()}, held by: ${this.busyReasons.join(", ") || "nothing"})`,
      );
    for (;;) {
      const hold = await this.#whenIdleBy(seen, deadline, late);
      seen = this.#step;
      let value: T | undefined;
      try {
        value = await probe();
      } catch (error) {
        hold.release();
        throw error;
      }
      if (value !== undefined) {
        setImmediate(() => hold.release());
        return value;
      }
      hold.release();
      if (Date.now() > deadline) throw late();
    }
  }

  /** `whenIdle`, or the error once the wall deadline passes (time held by something that never ends). */
  #whenIdleBy(afterStep: number, deadline: number, late: () => Error): Promise<Hold> {
    return new Promise<Hold>((resolve, reject) => {
      const timer = setTimeout(
        () => {
          const i = this.#waiters.findIndex((w) => w.resolve === take);
          if (i >= 0) this.#waiters.splice(i, 1);
          reject(late());
        },
        Math.max(0, deadline - Date.now()),
      );
      const take = (hold: Hold) => {
        clearTimeout(timer);
        resolve(hold);
      };
      this.#waiters.push({ afterStep, resolve: take });
      this.#kick();
    });
  }

  // ---- links to other processes (clock-link.ts) ----

  /** Makes this clock the coordinator of `peers`. */
  coordinate(peers: Peers): void {
    this.#peers = peers;
  }

  /**
   * Makes this clock follow a coordinator: it reports its state and never advances by itself; `lendRemote`
   * tells the coordinator its holds wait while a server here answers for them (lendWait).
   */
  follow(
    report: (state: ClockState) => void,
    ready: Promise<void>,
    lendRemote?: (holds: readonly string[]) => () => void,
  ): void {
    this.#report = report;
    this.#ready = ready;
    this.#lendRemote = lendRemote;
    // Nothing is acknowledged before the coordinator has said where time stands.
    this.#step = -1;
    this.#lastReport = "";
    this.#sendReport(this.#state());
  }

  /** A participant's coordinator moved time (or told a newcomer where it stands). */
  followTo(now: number, step: number): void {
    this.#now = Math.max(this.#now, now);
    this.#step = step;
    this.#lastReport = "";
    this.#fireDue();
    if (this.#busy > 0) this.#sendReport(this.#state());
    this.#kick();
  }

  /** Something changed elsewhere (a participant reported or left): look again whether time can move. */
  kick(): void {
    this.#kick();
  }

  // ---- the advance loop ----

  #state(): ClockState {
    return { busy: this.#busy > 0, nextDue: this.#timers.nextDue(), step: this.#step };
  }

  #sendReport(state: ClockState): void {
    if (!this.#report) return;
    const text = JSON.stringify(state);
    if (text === this.#lastReport) return;
    this.#lastReport = text;
    this.#report(state);
  }

  #kick(): void {
    this.#epoch += 1;
    if (this.#running) return;
    this.#running = true;
    outsideHolds(() => setImmediate(() => void this.#run()));
  }

  #fireDueSoon(): void {
    if (this.#fireSoon) return;
    this.#fireSoon = true;
    outsideHolds(() =>
      setImmediate(() => {
        this.#fireSoon = false;
        this.#fireDue();
        this.#kick();
      }),
    );
  }

  #fireDue(): void {
    outsideHolds(() => {
      for (let t = this.#timers.popDue(this.#now); t; t = this.#timers.popDue(this.#now)) t();
    });
  }

  async #run(): Promise<void> {
    try {
      for (;;) {
        if (this.#busy > 0) return;
        const epoch = this.#epoch;
        await settle();
        if (epoch !== this.#epoch) continue;
        if (this.#busy > 0) return;
        if (this.#report) {
          this.#sendReport(this.#state());
          return;
        }
        if (this.#peers && !this.#peers.idleAt(this.#step)) return;
        const next = minDue(this.#timers.nextDue(), this.#peers?.nextDue());
        const waiting = this.#waiters.filter((w) => w.afterStep < this.#step);
        if (waiting.length > 0 || (next === undefined && this.#waiters.length > 0)) {
          if (waiting.length === 0) {
            // Nothing is due and nobody is busy: let the waiters look again a little later (real time).
            await new Promise((r) => setTimeout(r, STUCK_RECHECK_MS));
            if (epoch !== this.#epoch) continue;
          }
          const letIn = waiting.length > 0 ? waiting : this.#waiters;
          this.#waiters = this.#waiters.filter((w) => !letIn.includes(w));
          for (const w of letIn) w.resolve(this.hold("a waiter's look"));
          continue;
        }
        if (next === undefined) return;
        this.#now = Math.max(this.#now, next);
        this.#step += 1;
        this.#peers?.advanced(this.#now, this.#step);
        this.#fireDue();
      }
    } finally {
      this.#running = false;
    }
  }
}

function minDue(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.min(a, b);
}

function abortError(): Error {
  return Object.assign(new Error("The operation was aborted."), { name: "AbortError" });
}
