import type { Hold } from "./busy.js";
import { coordinateClock, joinClock, type ClockCoordinator } from "./clock-link.js";
import { DiscreteClock } from "./discrete.js";

/**
 * The host's sense of time. Real by default; a virtual clock runs faster than real time so weeks of
 * timers pass in seconds. Timers, durable timers and `currentUtcDateTime` all read the same clock.
 *
 * Two virtual clocks: the wall-coupled one (`virtual`, for watching a run at `--speed`) is fully described
 * by (virtualStart, speed, realStart), so any process given the same three numbers agrees on "now"; the
 * discrete-event one (`discrete`, discrete.ts) jumps to the next due instant whenever nothing is in flight,
 * across processes through a coordinator (clock-link.ts). Work tells the clock it is in flight with `held`
 * and waits on time with `sleep`; on a wall-coupled clock both are plain.
 */
export interface Clock {
  now(): number;
  /** Calls `fn` once the clock reaches `at` (epoch ms). */
  setTimer(at: number, fn: () => void): TimerHandle;
  clearTimer(handle: TimerHandle): void;
  /** Resolves after `ms` of this clock's time; the held work calling it is waiting meanwhile, not busy. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Work in flight: a discrete clock does not move until it is released. */
  hold(reason: string): Hold;
  /** Runs `fn` as held work (its sleeps mark it waiting); `detached` when the caller does not await it. */
  held<T>(reason: string, fn: () => Promise<T> | T, options?: HeldOptions): Promise<T>;
  /** Runs `fn`, work that waits for this clock's time to pass (an SDK poller), as waiting, not busy. */
  waitingOn<T>(fn: () => Promise<T>): Promise<T>;
  /** Resolves once the clock knows the current time (a participant has heard from its coordinator). */
  ready(): Promise<void>;
  /** Ids of the holds the current work runs under, for an outgoing request to name (none on a wall clock). */
  requestHolds(): string[];
  /**
   * A server answering a request that named `holds` (requestHolds) holds time for them meanwhile: they wait
   * (a sleep in the server's work then lets time move) until the returned end, called before the server's
   * own hold ends so time does not move between the answer and its reader.
   */
  lendWait(holds: readonly string[]): () => void;
  /** Simulated milliseconds per real millisecond (1 for real time, Infinity for a discrete clock). */
  readonly speed: number;
  /** True for a discrete-event clock. */
  readonly discrete: boolean;
  readonly description: string;
}

export interface HeldOptions {
  /** The caller starts the work and does not await it (its own holds do not wait with it). */
  readonly detached?: boolean;
}

export interface TimerHandle {
  readonly at: number;
}

export { outsideHolds, type Hold } from "./busy.js";
export { DiscreteClock } from "./discrete.js";

/** setTimeout's delay is a signed 32-bit millisecond count; longer waits are re-armed in steps. */
const MAX_DELAY = 2 ** 31 - 1;

const NO_HOLD: Hold = { reason: "", release: () => {} };

class ScaledClock implements Clock {
  readonly #handles = new Map<TimerHandle, NodeJS.Timeout>();
  readonly discrete = false;

  constructor(
    private readonly virtualStart: number,
    readonly speed: number,
    private readonly realStart: number,
  ) {}

  get description(): string {
    return this.speed === 1 && this.virtualStart === this.realStart
      ? "real time"
      : `virtual time from ${new Date(this.virtualStart).toISOString()} at ${this.speed}x`;
  }

  now(): number {
    return this.virtualStart + (Date.now() - this.realStart) * this.speed;
  }

  setTimer(at: number, fn: () => void): TimerHandle {
    const handle: TimerHandle = { at };
    const arm = () => {
      const realDelay = Math.max(0, (at - this.now()) / this.speed);
      const timeout = setTimeout(
        () => {
          if (!this.#handles.has(handle)) return;
          if (this.now() < at) return arm();
          this.#handles.delete(handle);
          fn();
        },
        Math.min(MAX_DELAY, Math.ceil(realDelay)),
      );
      timeout.unref();
      this.#handles.set(handle, timeout);
    };
    arm();
    return handle;
  }

  clearTimer(handle: TimerHandle): void {
    const timeout = this.#handles.get(handle);
    if (timeout) clearTimeout(timeout);
    this.#handles.delete(handle);
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const aborted = () => Object.assign(new Error("The operation was aborted."), { name: "AbortError" });
      if (signal?.aborted) return reject(aborted());
      const onAbort = () => {
        this.clearTimer(handle);
        reject(aborted());
      };
      const handle = this.setTimer(this.now() + ms, () => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      });
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  hold(): Hold {
    return NO_HOLD;
  }

  async held<T>(_reason: string, fn: () => Promise<T> | T): Promise<T> {
    return fn();
  }

  waitingOn<T>(fn: () => Promise<T>): Promise<T> {
    return fn();
  }

  ready(): Promise<void> {
    return Promise.resolve();
  }

  requestHolds(): string[] {
    return [];
  }

  lendWait(): () => void {
    return () => {};
  }
}

export function realClock(): Clock {
  const t = Date.now();
  return new ScaledClock(t, 1, t);
}

export interface VirtualClockParams {
  readonly virtualStart: number;
  readonly speed: number;
  /** Real epoch ms at which the virtual clock read `virtualStart`; defaults to now. */
  readonly realStart?: number;
}

export function virtualClock(params: VirtualClockParams): Clock {
  if (!(params.speed > 0)) throw new RangeError(`Clock: speed must be positive, got ${params.speed}`);
  return new ScaledClock(params.virtualStart, params.speed, params.realStart ?? Date.now());
}

/** A discrete clock and the setting that lets other processes join it. */
export interface CoordinatedClock {
  readonly clock: DiscreteClock;
  /** `RINGMASTER_CLOCK` for the participants (and for `clockFromSetting` in this process: the same clock). */
  readonly setting: string;
  readonly coordinator: ClockCoordinator;
  stop(): Promise<void>;
}

/** Within one process, one clock per setting: the host and the app's adapters must share it. */
const bySetting = new Map<string, Clock>();

/**
 * A discrete clock starting at `start` that other processes can join (the simulator's process owns it).
 * `clockFromSetting(setting)` in this same process returns this clock, not a participant of itself.
 */
export async function coordinatedClock(start: number, label = "coordinator"): Promise<CoordinatedClock> {
  const clock = new DiscreteClock(start, label);
  const coordinator = await coordinateClock(clock);
  const setting = `discrete;start=${new Date(start).toISOString()};coordinator=${coordinator.address}`;
  bySetting.set(setting, clock);
  return {
    clock,
    setting,
    coordinator,
    async stop() {
      bySetting.delete(setting);
      await coordinator.stop();
    },
  };
}

const SETTING_FORMS =
  '"real", "virtual;start=<ISO>;speed=<x>;realStart=<epoch ms>" or "discrete;start=<ISO>[;coordinator=127.0.0.1:<port>]"';

/**
 * The clock a process should use, from `RINGMASTER_CLOCK`: unset or `real` for real time,
 * `virtual;start=<ISO>;speed=<x>;realStart=<epoch ms>` as written by `clockSetting()`, or
 * `discrete;start=<ISO>;coordinator=127.0.0.1:<port>` (joins that coordinator's timeline). The same
 * value always gives the same clock within a process.
 */
export function clockFromSetting(value: string | undefined): Clock {
  if (!value || value === "real") return realClock();
  const known = bySetting.get(value);
  if (known) return known;
  const clock = parseClockSetting(value);
  bySetting.set(value, clock);
  return clock;
}

function parseClockSetting(value: string): Clock {
  const [kind, ...pairs] = value.split(";");
  const fields = Object.fromEntries(pairs.map((p) => p.split("=", 2) as [string, string]));
  const start = Date.parse(fields.start ?? "");
  const invalid = () => new RangeError(`RINGMASTER_CLOCK: expected ${SETTING_FORMS}, got "${value}"`);
  if (kind === "discrete") {
    const coordinator = fields.coordinator;
    if (Number.isNaN(start) || (coordinator !== undefined && !/^127\.0\.0\.1:\d{1,5}$/.test(coordinator)))
      throw invalid();
    const clock = new DiscreteClock(start, coordinator ? "participant" : "");
    if (coordinator) joinClock(clock, coordinator);
    return clock;
  }
  const speed = Number(fields.speed);
  const realStart = Number(fields.realStart);
  if (kind !== "virtual" || Number.isNaN(start) || !(speed > 0) || !Number.isFinite(realStart))
    throw invalid();
  return virtualClock({ virtualStart: start, speed, realStart });
}

export function clockSetting(params: Required<VirtualClockParams>): string {
  return `virtual;start=${new Date(params.virtualStart).toISOString()};speed=${params.speed};realStart=${params.realStart}`;
}
