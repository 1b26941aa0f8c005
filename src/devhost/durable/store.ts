import {
  existsSync,
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
import {
  applyEpisode,
  applyRestart,
  NODE_FS,
  pendingInstance,
  StorageError,
  storing,
  type DurableSync,
  type EpisodeCommit,
  type Instance,
  type ParentRef,
  type Record_,
  type RestartRecord,
  type RuntimeStatus,
  type StoreFs,
  type StoreOptions,
} from "./store-records.js";

export {
  StorageError,
  type DurableSync,
  type EpisodeCommit,
  type Instance,
  type ParentRef,
  type RuntimeStatus,
  type StoreFs,
  type StoreOptions,
};

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
 *
 * A failed sync fails the store: what the kernel could not write back is not known to be on the disk (and
 * after a failed fdatasync Linux may drop the dirty pages and report the next sync clean), so every later
 * write and create throws a StorageError naming that first failure, until the store is reopened (the host
 * restarted); the host logs it and `/admin/host/status` reports it (`durableStore`).
 *
 * `create` renames a whole temp file into place. The temp file is not synced before the rename: the fd
 * opened on the renamed file (the same inode) joins the batch, so its data reaches the disk with it, and a
 * machine crash before that leaves at worst an empty or torn first line, which replay reads as no instance
 * (an instance whose creation was never acknowledged as durable). What the rename itself needs is a sync of
 * the directory, or the file can vanish after a machine crash although its data was synced: the batch
 * syncs the directory once whenever files were created or removed since the last one.
 */
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
  /** Whether a file was created or removed since the directory was last synced (renames need it). */
  private dirDirty = false;
  /** The directory's descriptor once opened; null where a directory cannot be opened (Windows). */
  private dirFdValue: number | null | undefined;
  /** The first failed sync: the store is failed from then on (sticky until reopened). */
  private failed: { cause: unknown; error: StorageError } | undefined;
  private lockPath: string;
  private readonly fs: StoreFs;
  private readonly onFailure: ((error: StorageError) => void) | undefined;

  private readonly sync: DurableSync;

  constructor(root: string, hubName: string, options: StoreOptions = {}) {
    this.dir = join(root, hubName);
    mkdirSync(this.dir, { recursive: true });
    this.lockPath = join(this.dir, ".lock");
    this.fs = { ...NODE_FS, ...options.fs };
    this.sync = options.sync ?? "disk";
    this.onFailure = options.onFailure;
  }

  /** Why the store failed (a background sync failed), or undefined while it is healthy. */
  get failure(): StorageError | undefined {
    return this.failed?.error;
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

  /**
   * Shutting down: whatever was written reaches the disk before the files close. A file of the batch in
   * flight is closed only after that batch (closing it under a running fdatasync would sync, or report on,
   * whatever file reuses the descriptor); a sync that fails here fails the store as in the background.
   */
  unlock(): void {
    // Shutting down: whatever was written reaches the disk before the files close (not asked for with
    // "page-cache").
    if (this.sync === "disk")
      for (const fd of new Set([...this.unsynced, ...this.fds.values(), ...this.closeAfterSync])) {
        try {
          this.fs.fdatasyncSync(fd);
        } catch (error) {
          this.fail(error);
        }
      }
    this.unsynced.clear();
    if (this.sync === "disk") this.syncDirectory((fd) => this.fs.fdatasyncSync(fd));
    for (const fd of this.fds.values()) this.closeAfterSync.add(fd);
    this.fds.clear();
    if (typeof this.dirFdValue === "number") this.closeAfterSync.add(this.dirFdValue);
    this.dirFdValue = undefined;
    if (!this.syncing) this.closeDeferred();
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
    this.throwIfFailed(`create instance ${record.instanceId}`);
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
      this.dirDirty = true;
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

  commitEpisode(instance: Instance, episode: EpisodeCommit): void {
    this.write(instance.instanceId, { t: "episode", ...episode });
    applyEpisode(instance, episode);
  }

  restart(instance: Instance, restart: RestartRecord): void {
    this.write(instance.instanceId, { t: "restart", ...restart });
    applyRestart(instance, restart);
  }

  purge(instanceId: string): boolean {
    const existed = this.instances.delete(instanceId);
    this.closeFd(instanceId);
    storing(`purge instance ${instanceId}`, () => rmSync(this.pathOf(instanceId), { force: true }));
    this.dirDirty = true;
    this.syncing ??= this.commitBatches();
    return existed;
  }

  private write(instanceId: string, record: Record_): void {
    this.throwIfFailed(`write instance ${instanceId}`);
    storing(`write instance ${instanceId}`, () => {
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
    if (this.sync === "page-cache") {
      this.unsynced.clear();
      this.dirDirty = false;
    }
    while (this.unsynced.size > 0 || this.dirDirty) {
      const batch = [...this.unsynced];
      this.unsynced = new Set();
      const sync = (fd: number) =>
        new Promise<void>((resolve) =>
          this.fs.fdatasync(fd, (error) => {
            if (error) this.fail(error);
            resolve();
          }),
        );
      const dir: Promise<void>[] = [];
      this.syncDirectory((fd) => dir.push(sync(fd)));
      await Promise.all([...batch.map(sync), ...dir]);
    }
    this.closeDeferred();
    this.syncing = undefined;
  }

  /** Syncs the directory (create's rename, purge's removal) when it changed; where it cannot be opened, not. */
  private syncDirectory(sync: (fd: number) => void): void {
    if (!this.dirDirty) return;
    this.dirDirty = false;
    const fd = this.dirFd();
    if (fd === undefined) return;
    try {
      sync(fd);
    } catch (error) {
      this.fail(error);
    }
  }

  /** The store's directory, opened once (null where a directory cannot be opened, as on Windows). */
  private dirFd(): number | undefined {
    if (this.dirFdValue === undefined) {
      try {
        this.dirFdValue = openSync(this.dir, "r");
      } catch {
        this.dirFdValue = null;
      }
    }
    return this.dirFdValue ?? undefined;
  }

  private closeDeferred(): void {
    for (const fd of this.closeAfterSync) this.fs.closeSync(fd);
    this.closeAfterSync.clear();
  }

  /** The first failed sync fails the store; the host hears of it once. */
  private fail(cause: unknown): void {
    if (this.failed) return;
    const error = new StorageError(
      "sync the journal to disk",
      cause,
      "the store has failed and refuses writes until the host restarts: ",
    );
    this.failed = { cause, error };
    this.onFailure?.(error);
  }

  private throwIfFailed(action: string): void {
    if (this.failed)
      throw new StorageError(
        action,
        this.failed.cause,
        "the store failed when a background fdatasync failed (records since may not be on the disk; restart the host to reopen it): ",
      );
  }

  private closeFd(instanceId: string): void {
    const fd = this.fds.get(instanceId);
    this.fds.delete(instanceId);
    if (fd === undefined) return;
    if (this.syncing) this.closeAfterSync.add(fd);
    else this.fs.closeSync(fd);
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

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
