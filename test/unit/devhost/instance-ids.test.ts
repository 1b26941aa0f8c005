import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { EventType, historyEvent } from "../../../src/devhost/durable/history.js";
import { InstanceStore } from "../../../src/devhost/durable/store.js";
import { instanceIdProblem, MAX_INSTANCE_ID_LENGTH } from "../../../src/shared/instance-id.js";

const validId = fc
  .string({ unit: "grapheme", minLength: 1, maxLength: MAX_INSTANCE_ID_LENGTH })
  .filter((s) => s.length <= MAX_INSTANCE_ID_LENGTH && instanceIdProblem(s) === undefined);

describe("Durable instance ids", () => {
  const root = mkdtempSync(join(tmpdir(), "rm-ids-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("refuses what Azure refuses, naming the rule", () => {
    expect(instanceIdProblem("x".repeat(257))).toMatch(/at most 256/);
    expect(instanceIdProblem("@counter@k")).toMatch(/'@'/);
    for (const c of ["/", "\\", "#", "?", "\n", "\u0000", "\u007f"])
      expect(instanceIdProblem(`a${c}b`)).toMatch(/must not contain/);
    expect(instanceIdProblem("rollout:contoso:kubernetes:1.30.5")).toBeUndefined();
  });

  it("stores every valid id under a file name the file system takes, and loads it back", () => {
    const store = new InstanceStore(root, "Hub");
    const ids = new Set<string>();
    fc.assert(
      fc.property(validId, (id) => {
        store.create(
          {
            instanceId: id,
            name: "o",
            executionId: "e",
            input: null,
            createdTime: new Date(0).toISOString(),
          },
          historyEvent(EventType.ExecutionStarted, 0, {}),
        );
        ids.add(id);
      }),
      { numRuns: 200 },
    );
    store.create(
      {
        instanceId: "ä".repeat(256),
        name: "o",
        executionId: "e",
        input: null,
        createdTime: "1970-01-01T00:00:00.000Z",
      },
      historyEvent(EventType.ExecutionStarted, 0, {}),
    );
    ids.add("ä".repeat(256));
    store.unlock();
    for (const file of readdirSync(join(root, "Hub")))
      expect(Buffer.byteLength(file)).toBeLessThanOrEqual(255);
    const loaded = new InstanceStore(root, "Hub").load().map((i) => i.instanceId);
    expect(new Set(loaded)).toEqual(ids);
  });
});
