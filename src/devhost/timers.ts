import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Cron } from "croner";
import type { Clock, TimerHandle } from "../clock/clock.js";

/**
 * Timer triggers with NCRONTAB semantics: six fields, seconds first, UTC; day-of-month AND day-of-week
 * must both match, as the Functions host's NCrontab does (croner's `domAndDow`). Runs are scheduled on the
 * host's clock, so a virtual clock fires them in simulated time. With the schedule monitor, the last and
 * next run are kept on disk; a start-up after a missed run fires once with `isPastDue: true`.
 */
export interface TimerStatus {
  readonly last: string;
  readonly next: string;
  readonly lastUpdated: string;
}

export interface TimerFire {
  readonly isPastDue: boolean;
  readonly status: TimerStatus;
}

export function compileSchedule(expression: string): Cron {
  // croner's "6-part" mode refuses five- and seven-field patterns (the options config/ncrontab.ts checks with).
  try {
    return new Cron(expression, { paused: true, timezone: "UTC", domAndDow: true, mode: "6-part" });
  } catch (error) {
    const why = (error instanceof Error ? error.message : String(error)).replace(/^CronPattern: /, "");
    throw new Error(
      `Devhost: timer schedule "${expression}" is not valid NCRONTAB (${why}); expected six NCRONTAB fields: second minute hour day month day-of-week`,
    );
  }
}

export function nextOccurrence(cron: Cron, after: number): number | undefined {
  return cron.nextRun(new Date(after))?.getTime();
}

export class TimerSchedule {
  private handle: TimerHandle | undefined;
  private stopped = false;
  private readonly cron: Cron;
  private readonly monitorFile: string;

  constructor(
    private readonly name: string,
    expression: string,
    private readonly clock: Clock,
    stateDir: string,
    private readonly fire: (fire: TimerFire) => Promise<void>,
    /** Where a failure with nobody to throw to is told (a status file that cannot be written). */
    private readonly onError: (message: string) => void = () => {},
  ) {
    this.cron = compileSchedule(expression);
    mkdirSync(stateDir, { recursive: true });
    this.monitorFile = join(stateDir, `${encodeURIComponent(name)}.json`);
  }

  start(runOnStartup: boolean): void {
    const now = this.clock.now();
    const saved = this.readStatus();
    if (saved && Date.parse(saved.next) < now) {
      // A run was due while the host was down: Azure runs it once, marked past due.
      void this.run(true, Date.parse(saved.last)).catch((e: unknown) => this.onError(describe(e)));
    } else if (runOnStartup) {
      void this.run(false, saved ? Date.parse(saved.last) : now).catch((e: unknown) =>
        this.onError(describe(e)),
      );
    }
    this.armNext(now);
  }

  stop(): void {
    this.stopped = true;
    if (this.handle) this.clock.clearTimer(this.handle);
  }

  private armNext(after: number): void {
    if (this.stopped) return;
    const next = nextOccurrence(this.cron, after);
    if (next === undefined) return;
    this.writeStatus({
      last: this.readStatus()?.last ?? new Date(after).toISOString(),
      next: new Date(next).toISOString(),
      lastUpdated: new Date(this.clock.now()).toISOString(),
    });
    this.handle = this.clock.setTimer(next, () => {
      void this.run(false, next)
        .catch((error: unknown) => this.onError(`timer ${this.name}: ${describe(error)}`))
        .finally(() => this.armNext(next));
    });
  }

  private async run(isPastDue: boolean, last: number): Promise<void> {
    const now = this.clock.now();
    const next = nextOccurrence(this.cron, now) ?? now;
    const status = {
      last: new Date(last).toISOString(),
      next: new Date(next).toISOString(),
      lastUpdated: new Date(now).toISOString(),
    };
    try {
      await this.fire({ isPastDue, status });
    } finally {
      this.writeStatus({ ...status, last: new Date(now).toISOString() });
    }
  }

  private readStatus(): TimerStatus | undefined {
    try {
      return JSON.parse(readFileSync(this.monitorFile, "utf8")) as TimerStatus;
    } catch {
      return undefined;
    }
  }

  /**
   * The schedule monitor is best effort, as on Azure: a status that cannot be written (read-only or full
   * disk) is reported and the schedule keeps running; at worst a restart misses one past-due run.
   */
  private writeStatus(status: TimerStatus): void {
    try {
      writeFileSync(this.monitorFile, JSON.stringify(status));
    } catch (error) {
      this.onError(
        `timer ${this.name}: cannot write its schedule status ${this.monitorFile}: ${describe(error)}`,
      );
    }
  }

  toString(): string {
    return this.name;
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The Timer object the v4 library hands to handlers, as the host serializes it (PascalCase; the library camel-cases it). */
export function timerInput(fire: TimerFire): string {
  return JSON.stringify({
    Schedule: { AdjustForDST: true },
    ScheduleStatus: { Last: fire.status.last, Next: fire.status.next, LastUpdated: fire.status.lastUpdated },
    IsPastDue: fire.isPastDue,
  });
}
