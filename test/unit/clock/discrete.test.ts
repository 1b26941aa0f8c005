import { describe, expect, it } from "vitest";
import { DiscreteClock } from "../../../src/clock/clock.js";
import { mkdtemp, readFile, rename, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

const T0 = Date.parse("2026-11-23T00:00:00Z");
const HOUR = 3_600_000;

describe("DiscreteClock", () => {
  it("jumps to each due instant when idle and fires timers in order of (instant, insertion)", async () => {
    const clock = new DiscreteClock(T0);
    const fired: string[] = [];
    clock.setTimer(T0 + 2 * HOUR, () => fired.push(`b@${clock.now() - T0}`));
    clock.setTimer(T0 + HOUR, () => fired.push(`a1@${clock.now() - T0}`));
    clock.setTimer(T0 + HOUR, () => fired.push(`a2@${clock.now() - T0}`));
    const cleared = clock.setTimer(T0 + HOUR, () => fired.push("cleared"));
    clock.clearTimer(cleared);
    const started = Date.now();
    const done = await clock.at(T0 + 3 * HOUR);
    done.release();
    expect(fired).toEqual([`a1@${HOUR}`, `a2@${HOUR}`, `b@${2 * HOUR}`]);
    expect(clock.now()).toBe(T0 + 3 * HOUR);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it("stands still while work is held and moves once it is released", async () => {
    const clock = new DiscreteClock(T0);
    let fired = false;
    clock.setTimer(T0 + HOUR, () => (fired = true));
    const hold = clock.hold("a request");
    await new Promise((r) => setTimeout(r, 50));
    expect(clock.now()).toBe(T0);
    expect(fired).toBe(false);
    expect(clock.busyReasons).toEqual(["a request"]);
    hold.release();
    (await clock.at(T0 + HOUR)).release();
    expect(fired).toBe(true);
  });

  it("a sleep inside held work is waiting, not busy: no deadlock, and the work is held again after", async () => {
    const clock = new DiscreteClock(T0);
    const seen: number[] = [];
    let otherFiredAt: number | undefined;
    clock.setTimer(T0 + 10_000, () => (otherFiredAt = clock.now()));
    await clock.held("an activity polling an LRO", async () => {
      for (let i = 0; i < 3; i++) {
        await clock.sleep(30_000);
        seen.push(clock.now() - T0);
      }
    });
    expect(seen).toEqual([30_000, 60_000, 90_000]);
    expect(otherFiredAt).toBe(T0 + 10_000);
  });

  it("held work nested in a held request waits with it; detached work does not", async () => {
    const clock = new DiscreteClock(T0);
    let episodeDone = false;
    let detachedStarted!: Promise<void>;
    await clock.held("http request", async () => {
      // The request starts an episode and leaves it running (detached): the episode is busy on its own.
      detachedStarted = clock.held(
        "episode",
        async () => {
          await new Promise((r) => setTimeout(r, 30));
          episodeDone = true;
        },
        { detached: true },
      );
      // The request itself then waits on time: the clock must not jump while the episode still runs.
      await clock.held("function", () => clock.sleep(60_000));
      expect(episodeDone).toBe(true);
    });
    await detachedStarted;
    expect(clock.now()).toBe(T0 + 60_000);
  });

  it("settles before moving: an unheld write-then-rename chain finishes before time moves", async () => {
    const clock = new DiscreteClock(T0);
    const dir = await mkdtemp(join(tmpdir(), "clock-settle-"));
    const file = join(dir, "state.json");
    let contentAtTimer = "";
    clock.setTimer(T0 + HOUR, () => {
      contentAtTimer = "pending";
      void readFile(file, "utf8").then(
        (t) => (contentAtTimer = t),
        () => (contentAtTimer = "missing"),
      );
    });
    await clock.held("a request", () => {
      // Not awaited: an untracked chain, as the durable store's atomic checkpoints (write, then rename).
      void (async () => {
        await writeFile(`${file}.tmp`, "written");
        await new Promise((r) => setImmediate(r));
        await rename(`${file}.tmp`, file);
      })();
    });
    await clock.until("the timer's read", () =>
      contentAtTimer && contentAtTimer !== "pending" ? true : undefined,
    );
    expect(contentAtTimer).toBe("written");
  });

  it("until() sees every instant something happened, and holds time there for the caller", async () => {
    const clock = new DiscreteClock(T0);
    let count = 0;
    for (let i = 1; i <= 5; i++) clock.setTimer(T0 + i * HOUR, () => (count += 1));
    const at = await clock.until("the third timer", () => (count === 3 ? clock.now() : undefined));
    expect(at).toBe(T0 + 3 * HOUR);
    // The caller's next step happens at that same instant.
    expect(clock.now()).toBe(T0 + 3 * HOUR);
    const hold = clock.hold("the test acting");
    await new Promise((r) => setTimeout(r, 20));
    expect(clock.now()).toBe(T0 + 3 * HOUR);
    hold.release();
    await clock.until("all five", () => (count === 5 ? true : undefined));
    expect(clock.now()).toBe(T0 + 5 * HOUR);
  });

  it("until() fails by its wall deadline naming what holds time, when nothing can happen", async () => {
    const clock = new DiscreteClock(T0);
    const hold = clock.hold("a stuck request");
    void hold;
    await expect(clock.until("never", () => undefined, 200)).rejects.toThrow(/a stuck request/);
    hold.release();
  });

  it("a sleep can be aborted, and its wait ends with it", async () => {
    const clock = new DiscreteClock(T0);
    const abort = new AbortController();
    const slept = clock.held("work", () => clock.sleep(HOUR, abort.signal));
    abort.abort();
    await expect(slept).rejects.toThrow(/aborted/);
    expect(clock.busyReasons).toEqual([]);
  });
});
