import { closeSync, existsSync, openSync, readFileSync, truncateSync, writeSync } from "node:fs";

/**
 * An append-only record list whose memory stays bounded at any run length: the newest entries stay in
 * memory (they may still change, e.g. a request's status is set when its handler answers), older ones
 * spill to a JSON-lines file — one entry per line, oldest first — or, with no file, are only counted.
 * `all()` reads the file back, so what tests and `/_sim/...` ask for is still the whole history.
 *
 * Entries spill in chunks of `keep`, so the memory holds between `keep` and `2 × keep` entries and a spill
 * is one write. After a restart the file is cut back to the entries the saved state says spilled
 * (`resume`), so entries a crash left both in the file and in the saved state are not counted twice.
 */
export class SpillLog<T> {
  private recentEntries: T[] = [];
  /** Entries no longer in memory: in the file (when there is one), else gone. */
  private spilledCount = 0;
  private fd: number | undefined;
  private resumeLines: number | undefined;

  constructor(
    private readonly file: string | undefined,
    readonly keep: number,
  ) {
    if (!(keep >= 1)) throw new RangeError(`SpillLog: keep must be at least 1, got ${keep}`);
  }

  push(entry: T): void {
    this.recentEntries.push(entry);
    if (this.recentEntries.length >= 2 * this.keep) this.spill(this.recentEntries.length - this.keep);
  }

  /** The entries still in memory (the newest), oldest first. */
  get recent(): readonly T[] {
    return this.recentEntries;
  }

  /** Entries spilled (to the file, or dropped without one). */
  get spilled(): number {
    return this.spilledCount;
  }

  /** Every entry ever pushed (spilled + in memory). */
  get total(): number {
    return this.spilledCount + this.recentEntries.length;
  }

  /**
   * The whole history: the file's entries, then memory's. Reads the file each time: for tests and on-demand
   * endpoints, not for hot paths. Without a file, only what is still in memory.
   */
  all(): T[] {
    if (this.file === undefined || this.spilledCount === 0) return [...this.recentEntries];
    return [...readLines<T>(this.file, this.spilledCount), ...this.recentEntries];
  }

  /** Puts back a saved state: `recent` in memory, and `spilled` entries already in the file. */
  resume(recent: readonly T[], spilled: number): void {
    this.spilledCount = spilled;
    this.resumeLines = spilled;
    for (const entry of recent) this.push(entry);
  }

  /** Closes the file; spilled entries stay in it (the newest stay with the saved state, not in the file). */
  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    // A late entry (an answer arriving after stop) reopens the file to append, never to start it over.
    this.resumeLines = this.spilledCount;
  }

  private spill(count: number): void {
    const out = this.recentEntries.splice(0, count);
    this.spilledCount += out.length;
    if (this.file === undefined) return;
    const fd = this.open(this.file);
    writeSync(fd, out.map((e) => `${JSON.stringify(e)}\n`).join(""));
  }

  /** Opened at the first spill, so a restore (`resume`) has said by then how much of the file to keep. */
  private open(file: string): number {
    if (this.fd !== undefined) return this.fd;
    if (this.resumeLines === undefined || !existsSync(file)) this.fd = openSync(file, "w");
    else {
      cutToLines(file, this.resumeLines);
      this.fd = openSync(file, "a");
    }
    return this.fd;
  }
}

/** The first `limit` complete, parseable lines (a torn last line from a kill -9 is skipped). */
function readLines<T>(file: string, limit: number): T[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
  const out: T[] = [];
  let from = 0;
  while (out.length < limit) {
    const end = text.indexOf("\n", from);
    if (end < 0) break;
    try {
      out.push(JSON.parse(text.slice(from, end)) as T);
    } catch {
      // A line cut short by a crash: not an entry.
    }
    from = end + 1;
  }
  return out;
}

function cutToLines(file: string, lines: number): void {
  const text = readFileSync(file);
  let at = 0;
  for (let n = 0; n < lines; n++) {
    const end = text.indexOf(10, at);
    if (end < 0) return;
    at = end + 1;
  }
  truncateSync(file, at);
}
