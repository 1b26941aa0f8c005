import { closeSync, fdatasync, fstatSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { EventType, historyEvent } from "../../../src/devhost/durable/history.js";
import { InstanceStore, StorageError } from "../../../src/devhost/durable/store.js";

/**
 * The durable store's group commit (issue 11): records are in their files at once (what a kill -9 leaves
 * is what a restart reads), and the fdatasync that follows in the background neither loses nor reorders a
 * record, even for an instance whose file is released (closed) while its batch is in flight. A failed sync
 * fails the store for every later write until it is reopened; no file closes under a sync in flight.
 */
describe("Durable store: group commit", () => {
  const root = mkdtempSync(join(tmpdir(), "rm-group-commit-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const start = (store: InstanceStore, id: string) =>
    store.create(
      { instanceId: id, name: "o", executionId: "e", input: { id }, createdTime: new Date(0).toISOString() },
      historyEvent(EventType.ExecutionStarted, 0, {}),
    );

  it("has every record in its file before any sync ran, as a process killed right then would leave it", () => {
    const store = new InstanceStore(root, "Killed");
    for (let i = 0; i < 50; i++) {
      const instance = start(store, `i-${i}`);
      store.appendMessage(instance, historyEvent(EventType.EventRaised, 1, { Name: "e", Input: `${i}` }));
    }
    // No turn of the event loop has passed: the background commit has not started. Read as a restart would.
    const loaded = new InstanceStore(root, "Killed").load();
    expect(loaded).toHaveLength(50);
    for (const instance of loaded) expect(instance.inbox.map((e) => e.EventType)).toEqual([0, 15]);
    store.unlock();
  });

  it("keeps records in order across batches, and closes a released file only after its sync", async () => {
    const store = new InstanceStore(root, "Batches");
    const instance = start(store, "one");
    for (let round = 0; round < 20; round++) {
      store.appendMessage(
        instance,
        historyEvent(EventType.EventRaised, round, { Name: "e", Input: `${round}` }),
      );
      if (round % 5 === 0) store.release("one"); // reopened by the next write
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    await new Promise<void>((resolve) => setTimeout(resolve, 50));
    const [loaded] = new InstanceStore(root, "Batches").load();
    expect(loaded?.inbox.slice(1).map((e) => e.Input)).toEqual(Array.from({ length: 20 }, (_, i) => `${i}`));
    store.unlock();
  });

  const turns = async (n = 5) => {
    for (let i = 0; i < n; i++) await new Promise<void>((resolve) => setImmediate(resolve));
  };
  const eio = () => Object.assign(new Error("input/output error, fdatasync"), { code: "EIO" });

  it("fails the store at the first failed sync: every later write and create throws it, until reopened", async () => {
    const onFailure = vi.fn();
    let failNext = true;
    const store = new InstanceStore(root, "SyncFails", {
      onFailure,
      fs: {
        fdatasync: (fd, callback) => {
          if (!failNext) return fdatasync(fd, callback);
          failNext = false;
          callback(eio());
        },
      },
    });
    const first = start(store, "first");
    const second = start(store, "second");
    await turns();
    expect(onFailure).toHaveBeenCalledTimes(1);
    expect(String(onFailure.mock.calls[0]?.[0])).toMatch(/input\/output error/);
    expect(store.failure?.message).toMatch(/input\/output error/);
    const event = historyEvent(EventType.EventRaised, 1, { Name: "e", Input: "x" });
    // Not only the next write of whichever instance: every write, of every instance, and every create.
    for (let i = 0; i < 3; i++) {
      for (const instance of [second, first]) {
        let thrown: unknown;
        try {
          store.appendMessage(instance, event);
        } catch (error) {
          thrown = error;
        }
        expect(thrown).toBeInstanceOf(StorageError);
        expect(String(thrown)).toMatch(
          new RegExp(`cannot write instance ${instance.instanceId}: .*EIO input/output error`),
        );
      }
    }
    expect(() => start(store, "third")).toThrow(/cannot create instance third: .*EIO/);
    expect(onFailure).toHaveBeenCalledTimes(1);
    store.unlock();
    // Reopened (a restarted host): healthy again, and nothing refused was written.
    const reopened = new InstanceStore(root, "SyncFails");
    const loaded = reopened.load();
    expect(loaded.map((i) => i.instanceId).sort()).toEqual(["first", "second"]);
    expect(loaded.every((i) => i.inbox.length === 1)).toBe(true);
    reopened.appendMessage(loaded[0]!, event);
    expect(reopened.failure).toBeUndefined();
    reopened.unlock();
  });

  it("closes no file while a batch is still syncing it, even when the store is unlocked mid-batch", async () => {
    const pending: (() => void)[] = [];
    const inFlight = new Set<number>();
    const closedInFlight: number[] = [];
    const closed: number[] = [];
    const store = new InstanceStore(root, "UnlockMidBatch", {
      fs: {
        // The sync runs, but its completion is held back until the test releases it.
        fdatasync: (fd, callback) => {
          inFlight.add(fd);
          fdatasync(fd, (error) =>
            pending.push(() => {
              inFlight.delete(fd);
              callback(error);
            }),
          );
        },
        closeSync: (fd) => {
          if (inFlight.has(fd)) closedInFlight.push(fd);
          closed.push(fd);
          closeSync(fd);
        },
      },
    });
    const instance = start(store, "one");
    await turns();
    expect(inFlight.size).toBeGreaterThan(0);
    store.release("one");
    store.unlock();
    expect(closed).toEqual([]);
    while (pending.length > 0 || inFlight.size > 0) {
      for (const release of pending.splice(0)) release();
      await turns();
    }
    expect(closedInFlight).toEqual([]);
    expect(closed.length).toBeGreaterThanOrEqual(1);
    expect(new InstanceStore(root, "UnlockMidBatch").load()[0]?.instanceId).toBe(instance.instanceId);
  });

  it("syncs the directory after a create, so the renamed file survives a machine crash", async () => {
    const synced: boolean[] = [];
    const store = new InstanceStore(root, "DirSync", {
      fs: {
        fdatasync: (fd, callback) => {
          synced.push(fstatSync(fd).isDirectory());
          fdatasync(fd, callback);
        },
      },
    });
    start(store, "one");
    await turns();
    expect(synced).toContain(true);
    expect(synced).toContain(false);
    store.unlock();
  });
});
