import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DURABLE_SYNC_SETTING, durableSyncFrom } from "../../../src/devhost/durable/durable-sync.js";
import { EventType, historyEvent } from "../../../src/devhost/durable/history.js";
import { InstanceStore } from "../../../src/devhost/durable/store.js";

/**
 * The test suite's durability setting (issue 11): `page-cache` skips the fdatasync a discrete-clock step
 * waits for, keeps what a kill -9 leaves exactly as `disk` does, and cannot be set for a host in azure mode.
 */
describe("Devhost: RINGMASTER_DEVHOST_DURABLE_SYNC", () => {
  it("is disk unless set, and page-cache only when asked for on the simulator", () => {
    expect(durableSyncFrom({})).toBe("disk");
    expect(durableSyncFrom({ [DURABLE_SYNC_SETTING]: "" })).toBe("disk");
    expect(durableSyncFrom({ [DURABLE_SYNC_SETTING]: "page-cache", RINGMASTER_MODE: "simulator" })).toBe(
      "page-cache",
    );
    expect(durableSyncFrom({ [DURABLE_SYNC_SETTING]: "disk", RINGMASTER_MODE: "azure" })).toBe("disk");
  });

  it("refuses page-cache in azure mode, naming the setting and the mode", () => {
    for (const mode of ["azure", " Azure "])
      expect(() => durableSyncFrom({ [DURABLE_SYNC_SETTING]: "page-cache", RINGMASTER_MODE: mode })).toThrow(
        /RINGMASTER_DEVHOST_DURABLE_SYNC=page-cache .*refused in azure mode \(RINGMASTER_MODE=azure\)/,
      );
  });

  it("refuses a value it does not know, listing the ones it does", () => {
    expect(() => durableSyncFrom({ [DURABLE_SYNC_SETTING]: "none" })).toThrow(
      /none is not one of disk, page-cache/,
    );
  });

  describe("a page-cache store", () => {
    const root = mkdtempSync(join(tmpdir(), "rm-page-cache-"));
    afterAll(() => rmSync(root, { recursive: true, force: true }));

    it("leaves every record, in order, for the store a restart opens (as after a kill -9)", async () => {
      const store = new InstanceStore(root, "PageCache", { sync: "page-cache" });
      const instance = store.create(
        { instanceId: "one", name: "o", executionId: "e", input: {}, createdTime: new Date(0).toISOString() },
        historyEvent(EventType.ExecutionStarted, 0, {}),
      );
      for (let round = 0; round < 10; round++) {
        store.appendMessage(
          instance,
          historyEvent(EventType.EventRaised, round, { Name: "e", Input: `${round}` }),
        );
        if (round % 3 === 0) store.release("one");
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      const [loaded] = new InstanceStore(root, "PageCache").load();
      expect(loaded?.inbox.slice(1).map((e) => e.Input)).toEqual(
        Array.from({ length: 10 }, (_, i) => `${i}`),
      );
      store.unlock();
    });
  });
});
