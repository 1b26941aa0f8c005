import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Fleet } from "./fleet-schema.js";
import type { AuditEntry } from "./records.js";
import {
  fleetFingerprint,
  snapshotWorld,
  WorldSnapshotSchema,
  type WorldSnapshot,
} from "./world-snapshot.js";
import type { World } from "./world.js";

/**
 * The simulated world kept in a state directory, so a crash (kill -9) loses at most a moment: a change that
 * matters (an operation step, a release, an email, any write request) is saved at once (after the current
 * turn, so the handler's effect is in it), anything else (reads, deliveries) within SAVE_EVERY_MS, and the clock's simulated instant every
 * CLOCK_EVERY_MS. Every write is a temporary file renamed over the old one, so a reader (or a restart)
 * sees the previous state or the next, never half of one.
 */
export const SAVE_EVERY_MS = 1000;
export const CLOCK_EVERY_MS = 50;
/** Saves that matter are spaced to this many times the last save's duration (see saveSoon). */
export const SAVE_COST_FACTOR = 10;

const WORLD_FILE = "world.json";
const CLOCK_FILE = "clock.json";

/** State changes, emails sent and write requests (a tag PATCH, a window PUT) are saved at once; reads wait. */
function mattersNow(entry: AuditEntry): boolean {
  if (entry.kind === "change" || entry.kind === "email") return true;
  return entry.kind === "request" && !entry.what.startsWith("GET ");
}

export class WorldStateError extends Error {
  override readonly name = "WorldStateError";
}

function writeAtomically(path: string, text: string): void {
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, text);
  renameSync(temp, path);
}

function readJson(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new WorldStateError(`${path}: cannot read the saved simulator state (${(error as Error).message})`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new WorldStateError(`${path}: the saved simulator state is not JSON (${(error as Error).message})`);
  }
}

export interface SavedWorld {
  readonly snapshot: WorldSnapshot;
  /** The simulated instant to resume the clock from: the latest one saved. */
  readonly resumeAt: number;
}

export class WorldStore {
  private world: World | undefined;
  private dirty = false;
  private saveQueued = false;
  private timers: NodeJS.Timeout[] = [];
  private warned = false;
  private lastSaveAt = 0;
  private lastSaveMs = 0;

  /** `warn` hears a failed save once (a full or read-only disk must not stop the simulation). */
  constructor(
    readonly dir: string,
    private readonly warn: (message: string) => void = (m) => console.error(m),
  ) {
    mkdirSync(dir, { recursive: true });
  }

  /** The state a previous run left here, if any; refuses a state made from a different fleet file. */
  load(fleet: Fleet): SavedWorld | undefined {
    const path = join(this.dir, WORLD_FILE);
    const raw = readJson(path);
    if (raw === undefined) return undefined;
    const parsed = WorldSnapshotSchema.safeParse(raw);
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      throw new WorldStateError(
        `${path}: not a saved simulator state (${first?.path.join(".") ?? ""}: ${first?.message ?? "invalid"}); use a new --state directory`,
      );
    }
    if (parsed.data.fleet !== fleetFingerprint(fleet)) {
      throw new WorldStateError(
        `${path}: this state was made from a different fleet file; use the same --fleet, or a new --state directory`,
      );
    }
    const clock = readJson(join(this.dir, CLOCK_FILE)) as { now?: unknown } | undefined;
    const clockNow = typeof clock?.now === "number" && Number.isFinite(clock.now) ? clock.now : 0;
    return { snapshot: parsed.data, resumeAt: Math.max(parsed.data.now, clockNow) };
  }

  /** Starts saving `world` here until `stop()`. */
  attach(world: World): void {
    this.world = world;
    world.records.onLog = (entry) => {
      if (mattersNow(entry)) this.saveSoon();
      else this.dirty = true;
    };
    const every = (ms: number, fn: () => void) => {
      const t = setInterval(fn, ms);
      t.unref();
      this.timers.push(t);
    };
    every(CLOCK_EVERY_MS, () => this.guarded(() => this.saveClock()));
    every(SAVE_EVERY_MS, () => {
      if (this.dirty) this.guarded(() => this.save());
    });
    this.save();
  }

  private guarded(write: () => void): void {
    try {
      write();
    } catch (error) {
      if (this.warned) return;
      this.warned = true;
      this.warn(
        `simulator: cannot save its state in ${this.dir} (${(error as Error).message}); a restart will not resume it`,
      );
    }
  }

  /**
   * Saves after the current turn, so a burst of changes (one operation step) is one write. The snapshot
   * grows with the fleet (5 MB at 1,000 clusters), so saves are spaced to at least SAVE_COST_FACTOR times
   * the last one's duration: saving costs at most about a tenth of the run, and what a kill -9 can lose is
   * that spacing (a few milliseconds for a small fleet, a few hundred at thousands of clusters).
   */
  private saveSoon(): void {
    if (this.saveQueued) return;
    this.saveQueued = true;
    const wait = this.lastSaveAt + this.lastSaveMs * SAVE_COST_FACTOR - performance.now();
    const run = () => {
      this.saveQueued = false;
      this.guarded(() => this.save());
      // An asynchronous handler may still be finishing: the next periodic save picks up what it changes.
      this.dirty = true;
    };
    if (wait > 0) setTimeout(run, wait).unref();
    else setImmediate(run);
  }

  /** The instant last written to CLOCK_FILE: an unchanged clock is not written again. */
  private savedNow: number | undefined;

  private saveClock(): void {
    if (!this.world) return;
    const now = this.world.clock.now();
    // A standing clock (a discrete one between jumps, or a paused run) needs no write: 20 renames a second
    // of an unchanged file were 7.7 s of a 100-second 300-cluster run on a loaded disk.
    if (now === this.savedNow) return;
    writeAtomically(join(this.dir, CLOCK_FILE), JSON.stringify({ now }));
    this.savedNow = now;
  }

  save(): void {
    if (!this.world) return;
    this.dirty = false;
    const started = performance.now();
    writeAtomically(join(this.dir, WORLD_FILE), JSON.stringify(snapshotWorld(this.world)));
    this.saveClock();
    this.lastSaveAt = performance.now();
    this.lastSaveMs = this.lastSaveAt - started;
  }

  /** Final save, then no more writes. */
  stop(): void {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    this.guarded(() => this.save());
    if (this.world) this.world.records.onLog = undefined;
    this.world = undefined;
  }
}
