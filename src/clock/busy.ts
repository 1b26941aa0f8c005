import { AsyncLocalStorage } from "node:async_hooks";

/**
 * Busy accounting for the discrete-event clock: work in flight holds the clock (time does not move), and
 * work that waits on the clock's time (a sleep, a poll interval) is "waiting", not busy, until the wait
 * ends. Each piece of held work runs with its hold in an async context, so a sleep deep inside it (an
 * activity's LRO poll, a throttling retry) finds the holds it belongs to without being told.
 */
export interface Hold {
  readonly reason: string;
  /** Ends the hold; calling it again does nothing. */
  release(): void;
}

/** What a clock needs to know about its holds: when the number of busy ones changes. */
export interface BusyListener {
  busyChanged(delta: 1 | -1): void;
}

/** This process's live holds by id, so a request's server can find the client's holds it answers for. */
const live = new Map<string, HoldToken>();
let lastId = 0;

export class HoldToken implements Hold {
  #released = false;
  #waits = 0;
  /** Unique across the processes of one timeline (pid first), as an HTTP request names it. */
  readonly id = `${process.pid}.${++lastId}`;

  constructor(
    readonly reason: string,
    readonly owner: BusyListener,
  ) {
    owner.busyChanged(1);
    live.set(this.id, this);
  }

  get busy(): boolean {
    return !this.#released && this.#waits === 0;
  }

  release(): void {
    if (this.#released) return;
    const wasBusy = this.busy;
    this.#released = true;
    live.delete(this.id);
    if (wasBusy) this.owner.busyChanged(-1);
  }

  /** Marks the token waiting on time until the returned function is called. */
  beginWait(): () => void {
    if (this.#released) return () => {};
    const wasBusy = this.busy;
    this.#waits += 1;
    if (wasBusy) this.owner.busyChanged(-1);
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.#waits -= 1;
      if (this.busy) this.owner.busyChanged(1);
    };
  }
}

/**
 * The holds the current async context belongs to, innermost last. Work that awaits other held work (an
 * HTTP request awaiting its function) nests; work started and left to run (an orchestration episode
 * started by a request) is detached and carries only its own hold.
 */
const context = new AsyncLocalStorage<readonly HoldToken[]>();

export function runHeld<T>(token: HoldToken, detached: boolean, fn: () => T): T {
  const chain = detached ? [token] : [...(context.getStore() ?? []), token];
  return context.run(chain, fn);
}

/** Marks every hold of the current context as waiting (on `owner`'s time); returns the end of the wait. */
export function beginContextWait(owner: BusyListener): () => void {
  const ends = (context.getStore() ?? []).filter((t) => t.owner === owner).map((t) => t.beginWait());
  return () => {
    for (const end of ends) end();
  };
}

/** Ids of the current context's holds on `owner`: what an outgoing request names as waiting for its answer. */
export function contextHoldIds(owner: BusyListener): string[] {
  return (context.getStore() ?? []).filter((t) => t.owner === owner).map((t) => t.id);
}

/**
 * Marks this process's holds named by `ids` (on `owner`) waiting, for a server that now holds time on their
 * behalf; returns the end of the wait and the ids that are not this process's.
 */
export function waitOnBehalf(
  owner: BusyListener,
  ids: readonly string[],
): { end: () => void; foreign: string[] } {
  const ends: (() => void)[] = [];
  const foreign: string[] = [];
  for (const id of ids) {
    const token = live.get(id);
    if (token?.owner === owner) ends.push(token.beginWait());
    else foreign.push(id);
  }
  return {
    end: () => {
      for (const end of ends) end();
    },
    foreign,
  };
}

/** Runs `fn` outside every hold (timer callbacks belong to nobody's work). */
export function outsideHolds<T>(fn: () => T): T {
  return context.exit(fn);
}
