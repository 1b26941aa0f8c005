import { closeSync, fdatasync, fdatasyncSync } from "node:fs";
import type { HistoryEvent } from "./history.js";

/**
 * What the durable store (store.ts) keeps: the instance record and the JSON-lines records its files hold,
 * how a file's records are applied on replay, and the store's error and options. Split from store.ts so the
 * store itself is the file handling and the group commit.
 */
/** Where a written record must be before the store counts it written (see InstanceStore's constructor). */
export type DurableSync = "disk" | "page-cache";

export type RuntimeStatus =
  "Pending" | "Running" | "Completed" | "ContinuedAsNew" | "Failed" | "Canceled" | "Terminated" | "Suspended";

export interface ParentRef {
  readonly instanceId: string;
  readonly executionId: string;
  readonly taskScheduleId: number;
}

export interface Instance {
  readonly instanceId: string;
  name: string;
  executionId: string;
  input: unknown;
  createdTime: string;
  lastUpdatedTime: string;
  runtimeStatus: RuntimeStatus;
  history: HistoryEvent[];
  /** Messages received and not yet processed by an episode, in arrival order. */
  inbox: HistoryEvent[];
  output: unknown;
  customStatus: unknown;
  parent: ParentRef | undefined;
}

/** An episode's record: how many inbox messages it consumed and what the instance becomes. */
export interface EpisodeCommit {
  consumed: number;
  events: HistoryEvent[];
  status: RuntimeStatus;
  output: unknown;
  customStatus: unknown;
  updated: string;
}

export type Record_ =
  | {
      t: "start";
      instanceId: string;
      name: string;
      executionId: string;
      input: unknown;
      createdTime: string;
      parent?: ParentRef;
    }
  | { t: "msg"; event: HistoryEvent }
  | ({ t: "episode" } & EpisodeCommit)
  | { t: "restart"; executionId: string; input: unknown; inbox: HistoryEvent[]; updated: string };

/**
 * The store could not write (a read-only or full disk, a permission): a transient condition of this host,
 * not of the request, so callers answer 503 with the reason rather than "no such instance".
 */
export class StorageError extends Error {
  override readonly name = "StorageError";
  constructor(action: string, cause: unknown, why = "") {
    super(`durable store: cannot ${action}: ${why}${describeCause(cause)}`, { cause });
  }
}

function describeCause(cause: unknown): string {
  const code = (cause as { code?: unknown } | null)?.code;
  return `${typeof code === "string" ? `${code} ` : ""}${cause instanceof Error ? cause.message : String(cause)}`;
}

/** The file operations of the group commit, replaceable so a test can make a sync fail or hang. */
export interface StoreFs {
  fdatasync(fd: number, callback: (error: NodeJS.ErrnoException | null) => void): void;
  fdatasyncSync(fd: number): void;
  closeSync(fd: number): void;
}

export const NODE_FS: StoreFs = { fdatasync, fdatasyncSync, closeSync };

export interface StoreOptions {
  /** Told once when the store fails (a background sync failed), with the StorageError later writes throw. */
  readonly onFailure?: (error: StorageError) => void;
  readonly fs?: Partial<StoreFs>;
  /**
   * `"page-cache"` leaves the records in the kernel's page cache (they still outlive a kill -9 of the host,
   * which is all a crash test does) instead of carrying them to the disk: tests on the discrete clock wait
   * for every pending fdatasync before simulated time moves, and on a virtual disk those waits were most of
   * an end-to-end run's idle time. The host refuses it in azure mode (durable-sync.ts). Default `"disk"`.
   */
  readonly sync?: DurableSync;
}

export function storing<T>(action: string, write: () => T): T {
  try {
    return write();
  } catch (error) {
    throw new StorageError(action, error);
  }
}

/** Replays an episode record onto the instance (as commitEpisode applied it when it was written). */
export function applyEpisode(instance: Instance, e: EpisodeCommit): void {
  instance.inbox.splice(0, e.consumed);
  for (const ev of instance.history) ev.IsPlayed = true;
  instance.history.push(...e.events);
  instance.runtimeStatus = e.status;
  instance.output = e.output;
  instance.customStatus = e.customStatus;
  instance.lastUpdatedTime = e.updated;
}

/** A restart record: the instance begins a new execution (continue-as-new) with the messages it kept. */
export interface RestartRecord {
  executionId: string;
  input: unknown;
  inbox: HistoryEvent[];
  updated: string;
}

export function applyRestart(instance: Instance, r: RestartRecord): void {
  instance.executionId = r.executionId;
  instance.input = r.input;
  instance.history = [];
  instance.inbox = r.inbox;
  instance.runtimeStatus = "Running";
  instance.output = null;
  instance.lastUpdatedTime = r.updated;
}

/** A new instance as its `start` record describes it: pending, no history yet, `inbox` waiting to be run. */
export function pendingInstance(
  record: {
    instanceId: string;
    name: string;
    executionId: string;
    input: unknown;
    createdTime: string;
    parent?: ParentRef | undefined;
  },
  inbox: HistoryEvent[],
): Instance {
  return {
    instanceId: record.instanceId,
    name: record.name,
    executionId: record.executionId,
    input: record.input,
    createdTime: record.createdTime,
    lastUpdatedTime: record.createdTime,
    runtimeStatus: "Pending",
    history: [],
    inbox,
    output: null,
    customStatus: null,
    parent: record.parent,
  };
}
