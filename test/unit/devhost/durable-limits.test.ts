import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { readAppConfig } from "../../../src/devhost/app-config.js";
import { ActionType } from "../../../src/devhost/durable/actions.js";
import { decideEpisode, openEpisode } from "../../../src/devhost/durable/episode-decision.js";
import { EventType, historyEvent } from "../../../src/devhost/durable/history.js";
import {
  backendProfile,
  clientInstanceIdProblem,
  customStatusProblem,
  DurableLimits,
  subOrchestrationIdProblem,
} from "../../../src/devhost/durable/limits.js";
import type { Instance } from "../../../src/devhost/durable/store.js";
import { timeSpan } from "../../../src/devhost/invoker.js";
import { instanceIdProblem } from "../../../src/shared/instance-id.js";

/** Azure's Durable limits as rules: the thresholds and messages, on their own and inside an episode. */
const T = Date.parse("2026-11-23T00:00:00Z");

describe("Durable limits: custom status", () => {
  it("fails exactly when the UTF-16 JSON reaches 17,408 bytes, naming the floored KB", () => {
    // Near the boundary, with characters JSON escapes and characters outside the BMP (two code units).
    const texts = fc
      .tuple(
        fc.string({ unit: "binary", maxLength: 40 }),
        fc.constantFrom("a", "ä", "😀", '"', "\n"),
        fc.integer({ min: 2000, max: 9000 }),
      )
      .map(([head, ch, n]) => head + ch.repeat(n));
    fc.assert(
      fc.property(texts, (text) => {
        const bytes = JSON.stringify(text).length * 2;
        const problem = customStatusProblem(text);
        if (bytes < 17_408) expect(problem).toBeUndefined();
        else
          expect(problem).toBe(
            `The UTF-16 size of the JSON-serialized payload must not exceed 16 KB. The current payload size is ${Math.floor(bytes / 1024)} KB.`,
          );
      }),
      { numRuns: 120 },
    );
    // A character outside the BMP is two UTF-16 code units: four bytes.
    expect(customStatusProblem("😀".repeat(4351))).toBeDefined(); // (8,702 + 2) × 2 = 17,408
    expect(customStatusProblem("😀".repeat(4350) + "a")).toBeUndefined(); // 17,406
    expect(customStatusProblem({ list: ["a".repeat(600_000)] })).toMatch(/size is 1,171 KB\.$/);
    expect(customStatusProblem(null)).toBeUndefined();
  });

  it("fails the episode first and leaves no custom status, as the extension does", () => {
    const instance: Instance = {
      instanceId: "i1",
      name: "o",
      executionId: "e1",
      input: null,
      createdTime: new Date(T).toISOString(),
      lastUpdatedTime: new Date(T).toISOString(),
      runtimeStatus: "Running",
      history: [],
      inbox: [historyEvent(EventType.ExecutionStarted, T, { Name: "o", Input: "null" })],
      output: null,
      customStatus: "before",
      parent: undefined,
    };
    const episode = openEpisode(instance, T + 1)!;
    const plan = decideEpisode(
      instance,
      episode,
      {
        state: {
          isDone: false,
          actions: [[{ actionType: ActionType.CallActivity, functionName: "a", input: null }]],
          customStatus: "x".repeat(10_240),
        },
      },
      new DurableLimits(),
    );
    expect(plan.commit).toMatchObject({
      status: "Failed",
      customStatus: null,
      output:
        "Orchestrator function 'o' failed: The UTF-16 size of the JSON-serialized payload must not exceed 16 KB. The current payload size is 20 KB.",
    });
    expect(plan.commit.events.map((e) => e.EventType)).toEqual([
      EventType.OrchestratorStarted,
      EventType.ExecutionStarted,
      EventType.ExecutionCompleted,
      EventType.OrchestratorCompleted,
    ]);
    expect(plan.then).toMatchObject({ kind: "finish", status: "Failed" });
  });
});

describe("Durable limits: instance ids", () => {
  it("agrees with the app's rule (src/shared/instance-id.ts) on every non-empty id", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: "binary", minLength: 1, maxLength: 300 }),
          fc.constantFrom("@a", "a/b", "a\\b", "a#b", "a?b", "a\u0085b", "x".repeat(256), "x".repeat(257)),
        ),
        (id) => {
          expect(clientInstanceIdProblem(id) === undefined).toBe(instanceIdProblem(id) === undefined);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("words each refusal as the extension does, checking in its order", () => {
    expect(clientInstanceIdProblem(`@${"x".repeat(300)}`)).toBe(
      "instanceId (Parameter 'Orchestration instance ids must not start with @.')",
    );
    expect(clientInstanceIdProblem(`${"x".repeat(300)}?`)).toMatch(
      /must not contain \/, \\, #, \?, or control/,
    );
    expect(subOrchestrationIdProblem("P", { instanceId: "p" })).toMatch(/must be different/);
    expect(subOrchestrationIdProblem("gp", { instanceId: "p", parentInstanceId: "GP" })).toMatch(
      /must be different/,
    );
    expect(subOrchestrationIdProblem("@c", { instanceId: "p" })).toBe(
      "instanceId (Parameter 'Orchestration instance ids must not start with @')",
    );
    expect(subOrchestrationIdProblem("p:0", { instanceId: "p" })).toBeUndefined();
  });
});

describe("Durable limits: backend profiles", () => {
  it("picks the profile from storageProvider.type as the extension names providers", () => {
    expect(backendProfile(undefined)).toBe("azureStorage");
    expect(backendProfile("azureManaged")).toBe("durableTaskScheduler");
    expect(backendProfile("AZURESTORAGE")).toBe("azureStorage");
    expect(backendProfile("mssql")).toBe("other");
    expect(() => new DurableLimits({ storageProviderType: "cosmos" })).toThrow(
      /storageProvider.type "cosmos" is not a Durable provider; use "azureManaged"/,
    );
  });

  it("refuses over 1,048,576 bytes under DTS only, counting UTF-8 bytes", () => {
    const dts = new DurableLimits({ storageProviderType: "azureManaged" });
    const storage = new DurableLimits({ storageProviderType: "AzureStorage" });
    const exactly = "x".repeat(1_048_574); // + 2 quotes
    expect(() => dts.admit("input", exactly)).not.toThrow();
    expect(() => dts.admit("input", `${exactly}x`)).toThrow(/1,048,577 bytes/);
    expect(() => dts.admit("event", "ä".repeat(524_288))).toThrow(/external event is 1,048,578 bytes/);
    expect(() => storage.admit("input", "x".repeat(5_000_000))).not.toThrow();
    const completed = historyEvent(EventType.TaskCompleted, T, {
      TaskScheduledId: 3,
      Result: JSON.stringify(`${exactly}x`),
    });
    expect(dts.activityResult(completed, "a")).toMatchObject({
      EventType: EventType.TaskFailed,
      TaskScheduledId: 3,
      Reason: expect.stringMatching(
        /^Activity function 'a' failed: The activity output of 'a' is 1,048,577 bytes/,
      ),
    });
    expect(storage.activityResult(completed, "a")).toBe(completed);
  });

  it("counts Azure Storage's large messages (> 45 KB UTF-8) and table properties (> 60 KB UTF-16) at the boundaries", () => {
    const storage = new DurableLimits({ storageProviderType: "AzureStorage" });
    const result = (chars: number) =>
      historyEvent(EventType.TaskCompleted, T, { TaskScheduledId: 0, Result: "x".repeat(chars) });
    storage.observe("o", [result(46_080), result(30_720)], null, 2);
    expect(storage.report().orchestrations.o).toMatchObject({ largeMessages: 0, largeTableProperties: 1 });
    storage.observe("o", [result(46_081), result(30_721)], { s: 1 }, 5);
    expect(storage.report().orchestrations.o).toEqual({
      largestPayloadBytes: { activityOutput: 46_081 },
      largestPayload: { kind: "activityOutput", bytes: 46_081 },
      largestCustomStatusUtf16Bytes: 14,
      longestHistoryEvents: 5,
      largeMessages: 1,
      largeTableProperties: 3,
    });
    const dts = new DurableLimits({ storageProviderType: "azureManaged" });
    dts.observe("o", [result(46_081)], null, 1);
    expect(dts.report().orchestrations.o).toMatchObject({ largeMessages: 0, largeTableProperties: 0 });
  });
});

describe("functionTimeout", () => {
  it("defaults to Flex Consumption's 30 minutes, and reads the provider type host.json names", () => {
    const app = mkdtempSync(join(tmpdir(), "rm-timeout-"));
    writeFileSync(join(app, "package.json"), JSON.stringify({ name: "x", main: "index.js" }));
    expect(readAppConfig(app)).toMatchObject({
      functionTimeoutMs: 1_800_000,
      storageProviderType: undefined,
    });
    writeFileSync(
      join(app, "host.json"),
      JSON.stringify({
        functionTimeout: "-1",
        extensions: { durableTask: { storageProvider: { type: "azureManaged" } } },
      }),
    );
    expect(readAppConfig(app)).toMatchObject({
      functionTimeoutMs: undefined,
      storageProviderType: "azureManaged",
    });
    rmSync(app, { recursive: true, force: true });
  });

  it("prints the limit as .NET prints a TimeSpan, as the host's timeout message does", () => {
    expect(timeSpan(2000)).toBe("00:00:02");
    expect(timeSpan(600_000)).toBe("00:10:00");
    expect(timeSpan(26 * 3_600_000 + 61_001)).toBe("1.02:01:01.0010000");
  });
});
