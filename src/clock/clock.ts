/**
 * The host's sense of time. Real by default; a virtual clock runs faster than real time so weeks of
 * timers pass in seconds. Timers, durable timers and `currentUtcDateTime` all read the same clock.
 *
 * A virtual clock is fully described by (virtualStart, speed, realStart): any process given the same three
 * numbers agrees on "now", which is how the local host, the simulator and the app's activities stay in step.
 */
export interface Clock {
  now(): number;
  /** Calls `fn` once the clock reaches `at` (epoch ms). */
  setTimer(at: number, fn: () => void): TimerHandle;
  clearTimer(handle: TimerHandle): void;
  /** Simulated milliseconds per real millisecond (1 for real time). */
  readonly speed: number;
  readonly description: string;
}

export interface TimerHandle {
  readonly at: number;
}

/** setTimeout's delay is a signed 32-bit millisecond count; longer waits are re-armed in steps. */
const MAX_DELAY = 2 ** 31 - 1;

class ScaledClock implements Clock {
  readonly #handles = new Map<TimerHandle, NodeJS.Timeout>();

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

/**
 * The clock a process should use, from `RINGMASTER_CLOCK`: unset or `real` for real time, or
 * `virtual;start=<ISO>;speed=<x>;realStart=<epoch ms>` as written by `clockSetting()`.
 */
export function clockFromSetting(value: string | undefined): Clock {
  if (!value || value === "real") return realClock();
  const [kind, ...pairs] = value.split(";");
  const fields = Object.fromEntries(pairs.map((p) => p.split("=", 2) as [string, string]));
  const start = Date.parse(fields.start ?? "");
  const speed = Number(fields.speed);
  const realStart = Number(fields.realStart);
  if (kind !== "virtual" || Number.isNaN(start) || !(speed > 0) || !Number.isFinite(realStart)) {
    throw new RangeError(
      `RINGMASTER_CLOCK: expected "real" or "virtual;start=<ISO>;speed=<x>;realStart=<epoch ms>", got "${value}"`,
    );
  }
  return virtualClock({ virtualStart: start, speed, realStart });
}

export function clockSetting(params: Required<VirtualClockParams>): string {
  return `virtual;start=${new Date(params.virtualStart).toISOString()};speed=${params.speed};realStart=${params.realStart}`;
}
