import type { TimerHandle } from "./clock.js";

/**
 * The discrete clock's pending timers: a binary heap ordered by (instant, insertion), so timers due at the
 * same instant fire in the order they were set. Cleared timers are dropped when they reach the top.
 */
interface Entry {
  readonly handle: TimerHandle;
  readonly n: number;
  readonly fn: () => void;
}

export class TimerQueue {
  readonly #heap: Entry[] = [];
  readonly #live = new Set<TimerHandle>();
  #n = 0;

  add(at: number, fn: () => void): TimerHandle {
    const handle: TimerHandle = { at };
    this.#live.add(handle);
    this.#heap.push({ handle, n: this.#n++, fn });
    this.#up(this.#heap.length - 1);
    return handle;
  }

  remove(handle: TimerHandle): void {
    this.#live.delete(handle);
  }

  get size(): number {
    return this.#live.size;
  }

  nextDue(): number | undefined {
    this.#dropCleared();
    return this.#heap[0]?.handle.at;
  }

  /** Takes the earliest timer due at or before `now` (its callback), if any. */
  popDue(now: number): (() => void) | undefined {
    this.#dropCleared();
    const top = this.#heap[0];
    if (!top || top.handle.at > now) return undefined;
    this.#pop();
    this.#live.delete(top.handle);
    return top.fn;
  }

  #dropCleared(): void {
    while (this.#heap.length > 0 && !this.#live.has(this.#heap[0]!.handle)) this.#pop();
  }

  #pop(): void {
    const last = this.#heap.pop()!;
    if (this.#heap.length === 0) return;
    this.#heap[0] = last;
    this.#down(0);
  }

  #less(a: Entry, b: Entry): boolean {
    return a.handle.at < b.handle.at || (a.handle.at === b.handle.at && a.n < b.n);
  }

  #up(i: number): void {
    const h = this.#heap;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.#less(h[i]!, h[p]!)) return;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }

  #down(i: number): void {
    const h = this.#heap;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && this.#less(h[l]!, h[m]!)) m = l;
      if (r < h.length && this.#less(h[r]!, h[m]!)) m = r;
      if (m === i) return;
      [h[i], h[m]] = [h[m]!, h[i]!];
      i = m;
    }
  }
}
