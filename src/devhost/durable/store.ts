import {
  closeSync,
  fdatasync,
  existsSync,
  fdatasyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { createHash } from "node:crypto";
import { join } from "node:path";
import type { HistoryEvent } from "./history.js";

/**
 * Append-only, write-ahead storage of orchestration instances: one JSON-lines file per instance under
 * `<dir>/<hub>/`. Every record is written to its file before the engine acts on it, so after a crash of the
 * process (kill -9) the files say exactly what was decided, and recovery redoes only what may not have
 * happened: a written record is in the kernel's page cache, which outlives the process.
 *
 * Carrying the records to the disk (fdatasync) is a group commit in the background: every file written
 * since the last commit is synced once, off the event loop, while the next batch gathers. It used to be one
 * blocking fdatasync per record, the largest cost of a 300-cluster run (11 of 51 s). Only a crash of the
 * machine itself can lose the records of the batch in flight, as it would lose the requests in flight.
 * A failed sync is reported by the next write (StorageError), as a failed write is.
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

type Record_ =
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
  constructor(action: string, cause: unknown) {
    const code = (cause as { code?: unknown } | null)?.code;
    super(
      `durable store: cannot ${action}: ${typeof code === "string" ? `${code} ` : ""}${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
  }
}

function storing<T>(action: string, write: () => T): T {
  try {
    return write();
  } catch (error) {
    throw new StorageError(action, error);
  }
}

/** File names stay far below the 255-byte NAME_MAX of common file systems whatever the (valid) id. */
const MAX_NAME_BYTES = 200;

export class InstanceStore {
  private readonly dir: string;
  private readonly instances = new Map<string, Instance>();
  private readonly fds = new Map<string, number>();
  /** Files written since the group commit in flight began (the next batch). */
  private unsynced = new Set<number>();
  /** The batch being synced, if any; its files are closed only after it (their fd must not be reused). */
  private syncing: Promise<void> | undefined;
  private readonly closeAfterSync = new Set<number>();
  private syncError: Error | undefined;
  private lockPath: string;

  /**
   * `sync: "page-cache"` leaves the records in the kernel's page cache (they still outlive a kill -9 of the
   * host, which is all a crash test does) instead of carrying them to the disk: tests on the discrete
   * clock wait for every pending fdatasync before simulated time moves, and on a virtual disk those waits
   * were most of an end-to-end run's idle time. The host refuses it in azure mode (host.ts).
   */
  constructor(
    root: string,
    hubName: string,
    private readonly sync: DurableSync = "disk",
  ) {
    this.dir = join(root, hubName);
    mkdirSync(this.dir, { recursive: true });
    this.lockPath = join(this.dir, ".lock");
  }

  /** One host process per store: a second one would interleave writes. A lock left by a dead process is taken over. */
  lock(): void {
    if (existsSync(this.lockPath)) {
      const pid = Number(readFileSync(this.lockPath, "utf8"));
      if (pid && pid !== process.pid && isAlive(pid)) {
        throw new Error(
          `Devhost: the durable store ${this.dir} is in use by process ${pid}; stop it or use another --cwd`,
        );
      }
    }
    writeFileSync(this.lockPath, String(process.pid));
  }

  unlock(): void {
    // Shutting down: whatever was written reaches the disk before the files close.
    if (this.sync === "disk")
      for (const fd of new Set([...this.unsynced, ...this.fds.values()])) fdatasyncSync(fd);
    this.unsynced.clear();
    for (const fd of this.closeAfterSync) closeSync(fd);
    this.closeAfterSync.clear();
    for (const fd of this.fds.values()) closeSync(fd);
    this.fds.clear();
    rmSync(this.lockPath, { force: true });
  }

  load(): Instance[] {
    for (const file of readdirSync(this.dir)) {
      if (!file.endsWith(".jsonl")) continue;
      const instance = this.replayFile(join(this.dir, file));
      if (instance) this.instances.set(instance.instanceId, instance);
    }
    return [...this.instances.values()];
  }

  get(instanceId: string): Instance | undefined {
    return this.instances.get(instanceId);
  }

  all(): Instance[] {
    return [...this.instances.values()];
  }

  /** Creates (or recreates, for an id whose previous instance has finished) an instance. */
  create(
    record: {
      instanceId: string;
      name: string;
      executionId: string;
      input: unknown;
      createdTime: string;
      parent?: ParentRef;
    },
    started: HistoryEvent,
  ): Instance {
    this.closeFd(record.instanceId);
    const path = this.pathOf(record.instanceId);
    const tmp = `${path}.tmp`;
    const lines =
      [JSON.stringify({ t: "start", ...record }), JSON.stringify({ t: "msg", event: started })].join("\n") +
      "\n";
    storing(`create instance ${record.instanceId}`, () => {
      // Renamed into place whole, so a reader never sees a file without its start record; the file joins
      // the group commit like any other write.
      writeFileSync(tmp, lines);
      renameSync(tmp, path);
      const fd = openSync(path, "a");
      this.fds.set(record.instanceId, fd);
      this.unsynced.add(fd);
    });
    this.syncing ??= this.commitBatches();
    const instance = pendingInstance(record, [started]);
    this.instances.set(record.instanceId, instance);
    return instance;
  }

  appendMessage(instance: Instance, event: HistoryEvent): void {
    this.write(instance.instanceId, { t: "msg", event });
    instance.inbox.push(event);
  }

  commitEpisode(
    instance: Instance,
    episode: {
      consumed: number;
      events: HistoryEvent[];
      status: RuntimeStatus;
      output: unknown;
      customStatus: unknown;
      updated: string;
    },
  ): void {
    this.write(instance.instanceId, { t: "episode", ...episode });
    applyEpisode(instance, episode);
  }

  restart(
    instance: Instance,
    restart: { executionId: string; input: unknown; inbox: HistoryEvent[]; updated: string },
  ): void {
    this.write(instance.instanceId, { t: "restart", ...restart });
    applyRestart(instance, restart);
  }

  purge(instanceId: string): boolean {
    const existed = this.instances.delete(instanceId);
    this.closeFd(instanceId);
    storing(`purge instance ${instanceId}`, () => rmSync(this.pathOf(instanceId), { force: true }));
    return existed;
  }

  private write(instanceId: string, record: Record_): void {
    storing(`write instance ${instanceId}`, () => {
      if (this.syncError !== undefined) {
        const error = this.syncError;
        this.syncError = undefined;
        throw error;
      }
      let fd = this.fds.get(instanceId);
      if (fd === undefined) {
        fd = openSync(this.pathOf(instanceId), "a");
        this.fds.set(instanceId, fd);
      }
      writeSync(fd, `${JSON.stringify(record)}\n`);
      this.unsynced.add(fd);
    });
    this.syncing ??= this.commitBatches();
  }

  /** The group commit: syncs each batch of written files once, until nothing is left unsynced. */
  private async commitBatches(): Promise<void> {
    // Let the rest of this turn's writes join the first batch.
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (this.sync === "page-cache") this.unsynced.clear();
    while (this.unsynced.size > 0) {
      const batch = [...this.unsynced];
      this.unsynced = new Set();
      await Promise.all(
        batch.map(
          (fd) =>
            new Promise<void>((resolve) =>
              fdatasync(fd, (error) => {
                if (error && this.syncError === undefined) this.syncError = error;
                resolve();
              }),
            ),
        ),
      );
    }
    for (const fd of this.closeAfterSync) closeSync(fd);
    this.closeAfterSync.clear();
    this.syncing = undefined;
  }

  private closeFd(instanceId: string): void {
    const fd = this.fds.get(instanceId);
    this.fds.delete(instanceId);
    if (fd === undefined) return;
    if (this.syncing) this.closeAfterSync.add(fd);
    else closeSync(fd);
  }

  /** Closes the file of a finished instance; it is reopened if anything else is ever written. */
  release(instanceId: string): void {
    this.closeFd(instanceId);
  }

  /**
   * Short ids keep their readable encoded name; a long one (an encoded 256-character id can reach 768
   * bytes) is cut and suffixed with a hash of the whole id. The file's `start` record holds the real id.
   */
  private pathOf(instanceId: string): string {
    const encoded = encodeURIComponent(instanceId);
    if (encoded.length <= MAX_NAME_BYTES) return join(this.dir, `${encoded}.jsonl`);
    const hash = createHash("sha256").update(instanceId).digest("hex").slice(0, 32);
    return join(
      this.dir,
      `${encoded.slice(0, MAX_NAME_BYTES - 40).replace(/%[0-9A-F]?$/i, "")}~${hash}.jsonl`,
    );
  }

  private replayFile(path: string): Instance | undefined {
    let instance: Instance | undefined;
    const lines = readFileSync(path, "utf8").split("\n");
    for (const [i, line] of lines.entries()) {
      if (line.trim() === "") continue;
      let record: Record_;
      try {
        record = JSON.parse(line) as Record_;
      } catch {
        // Only the last line can be torn (the process died mid-write); it was never acted on.
        if (i >= lines.length - 2) break;
        throw new Error(`Devhost: durable store file ${path} is corrupt at line ${i + 1}`);
      }
      if (record.t === "start") {
        instance = pendingInstance(record, []);
      } else if (instance) {
        if (record.t === "msg") instance.inbox.push(record.event);
        else if (record.t === "episode") applyEpisode(instance, record);
        else applyRestart(instance, record);
      }
    }
    return instance;
  }
}

function applyEpisode(
  instance: Instance,
  e: {
    consumed: number;
    events: HistoryEvent[];
    status: RuntimeStatus;
    output: unknown;
    customStatus: unknown;
    updated: string;
  },
): void {
  instance.inbox.splice(0, e.consumed);
  for (const ev of instance.history) ev.IsPlayed = true;
  instance.history.push(...e.events);
  instance.runtimeStatus = e.status;
  instance.output = e.output;
  instance.customStatus = e.customStatus;
  instance.lastUpdatedTime = e.updated;
}

function applyRestart(
  instance: Instance,
  r: { executionId: string; input: unknown; inbox: HistoryEvent[]; updated: string },
): void {
  instance.executionId = r.executionId;
  instance.input = r.input;
  instance.history = [];
  instance.inbox = r.inbox;
  instance.runtimeStatus = "Running";
  instance.output = null;
  instance.lastUpdatedTime = r.updated;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A new instance as its `start` record describes it: pending, no history yet, `inbox` waiting to be run. */
function pendingInstance(
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
