import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { EventType, historyEvent } from "../../../src/devhost/durable/history.js";
import { InstanceStore } from "../../../src/devhost/durable/store.js";

/**
 * The durable store's group commit (issue 11): records are in their files at once (what a kill -9 leaves
 * is what a restart reads), and the fdatasync that follows in the background neither loses nor reorders a
 * record, even for an instance whose file is released (closed) while its batch is in flight.
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
});
