import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LimitsReport } from "../../src/devhost/durable/limits.js";
import { json, startHost, statusUrl, waitForStatus, type HostProcess } from "../helpers/host-process.js";

/**
 * Azure's Durable limits in the local host, through its real doors: the durable HTTP API, the app's own
 * DurableClient, orchestrations and activities. One host per backend profile, picked as the Functions host
 * picks it (the storageProvider.type override setting).
 */
const APP = resolve(import.meta.dirname, "..", "fixtures", "apps", "durable-limits");
const PROVIDER = "AzureFunctionsJobHost__extensions__durableTask__storageProvider__type";
const JSON_TYPE = { "Content-Type": "application/json" };
const DURABLE = "/runtime/webhooks/durabletask";

interface ApiError {
  Message: string;
  ExceptionMessage?: string;
  ExceptionType?: string;
}

function client(host: () => HostProcess) {
  return {
    start: (name: string, id: string, input: unknown) =>
      json<ApiError & { id?: string }>(
        `${host().url}${DURABLE}/orchestrators/${name}${id === "" ? "" : `/${encodeURIComponent(id)}`}`,
        { method: "POST", headers: JSON_TYPE, body: JSON.stringify(input) },
      ),
    raise: (id: string, event: string, data: unknown) =>
      json<ApiError>(`${host().url}${DURABLE}/instances/${encodeURIComponent(id)}/raiseEvent/${event}`, {
        method: "POST",
        headers: JSON_TYPE,
        body: JSON.stringify(data),
      }),
    done: (id: string) => waitForStatus(host().url, id, ["Completed", "Failed"]),
    report: async () =>
      (await json<{ durableLimits: LimitsReport }>(`${host().url}/admin/host/status`)).body.durableLimits,
  };
}

describe("Devhost: Azure's Durable limits, Durable Task Scheduler profile", () => {
  let host: HostProcess;
  const api = client(() => host);
  beforeAll(async () => {
    host = await startHost(APP, { env: { [PROVIDER]: "azureManaged" } });
  });
  afterAll(async () => host.stop());

  it("the local host fails an orchestration whose custom status is 20 KB, with Azure's message", async () => {
    // 10,240 characters of JSON string plus its quotes: 20,484 UTF-16 bytes, 20 KB once floored.
    expect((await api.start("status", "big-status", { chars: 10_240 })).status).toBe(202);
    const s = await api.done("big-status");
    expect(s).toMatchObject({
      runtimeStatus: "Failed",
      output:
        "Orchestrator function 'status' failed: The UTF-16 size of the JSON-serialized payload must not exceed 16 KB. The current payload size is 20 KB.",
      customStatus: null,
    });
  });

  it("keeps a custom status just under the cap, and fails at 17,408 UTF-16 bytes", async () => {
    await api.start("status", "under-cap", { chars: 8701 }); // (8,701 + 2) × 2 = 17,406 bytes
    await api.start("status", "at-cap", { chars: 8702 }); // 17,408 bytes
    expect((await api.done("at-cap")).output).toMatch(/The current payload size is 17 KB\.$/);
    const under = await waitForStatus(host.url, "under-cap", ["Running"]);
    expect((under.customStatus as string).length).toBe(8701);
    expect((await api.raise("under-cap", "Go", null)).status).toBe(202);
    expect((await api.done("under-cap")).runtimeStatus).toBe("Completed");
  });

  it("fails what is over 1 MB at every door: start, event, activity output, output, continueAsNew", async () => {
    const mb = 1_100_000;
    const start = await api.start("waiter", "big-input", "x".repeat(mb));
    expect(start.status).toBe(500);
    expect(start.body.ExceptionMessage).toMatch(
      /^The orchestration input is 1,100,002 bytes; the Durable Task Scheduler accepts at most 1,048,576 bytes/,
    );
    expect((await json(statusUrl(host.url, "big-input"))).status).toBe(404);

    await api.start("waiter", "big-event", null);
    const raised = await api.raise("big-event", "Big", "x".repeat(mb));
    expect([raised.status, raised.body.ExceptionMessage]).toEqual([
      500,
      expect.stringMatching(/external event is 1,100,002 bytes/),
    ]);
    expect((await api.raise("big-event", "Big", "x".repeat(1000))).status).toBe(202);
    expect((await api.done("big-event")).output).toBe(1000);

    await api.start("payloads", "big-activity-output", { activityOutput: mb });
    expect((await api.done("big-activity-output")).output).toMatch(
      /^caught: Activity function 'make' failed: The activity output of 'make' is 1,100,002 bytes/,
    );
    await api.start("payloads", "big-activity-input", { activityInput: mb });
    await api.start("payloads", "big-output", { output: mb });
    await api.start("again", "big-state", mb);
    const failures = await Promise.all(
      ["big-activity-input", "big-output", "big-state"].map(async (id) => (await api.done(id)).output),
    );
    expect(failures).toEqual([
      expect.stringMatching(
        /^Orchestrator function 'payloads' failed: The activity input of 'measure' is 1,100,002 bytes/,
      ),
      expect.stringMatching(
        /^Orchestrator function 'payloads' failed: The orchestration output is 1,100,002 bytes/,
      ),
      expect.stringMatching(
        /^Orchestrator function 'again' failed: The continueAsNew input is 1,100,002 bytes/,
      ),
    ]);
    const status = await api.report();
    expect(status.profile).toBe("durableTaskScheduler");
    expect(status.limits.maxPayloadBytes).toBe(1_048_576);
  });

  it("refuses instance ids as the extension does, at the HTTP API and through the app's DurableClient", async () => {
    const cases: [string, string][] = [
      ["@entity", "instanceId (Parameter 'Orchestration instance ids must not start with @.')"],
      [
        "a\u0001b",
        "instanceId (Parameter 'Orchestration instance ids must not contain /, \\, #, ?, or control characters.')",
      ],
      [
        "a#b",
        "instanceId (Parameter 'Orchestration instance ids must not contain /, \\, #, ?, or control characters.')",
      ],
      ["x".repeat(257), "Instance ID lengths must not exceed 256 characters."],
    ];
    for (const [id, message] of cases)
      expect((await api.start("leaf", id, null)).body).toEqual({
        Message: "One or more of the arguments submitted is incorrect",
        ExceptionMessage: message,
        ExceptionType: "System.ArgumentException",
      });
    const generated = await api.start("leaf", "", null);
    expect([generated.status, generated.body.id]).toEqual([202, expect.stringMatching(/^[0-9a-f]{32}$/)]);

    const viaClient = await json<{ error: string }>(`${host.url}/api/start/leaf`, {
      method: "POST",
      body: JSON.stringify({ instanceId: "@entity", input: null }),
    });
    expect(viaClient.body.error).toContain("unexpected status code: 400");
    expect(viaClient.body.error).toContain("Orchestration instance ids must not start with @.");
    const tooLong = await json<{ error: string }>(`${host.url}/api/start/leaf`, {
      method: "POST",
      body: JSON.stringify({ instanceId: "y".repeat(300), input: null }),
    });
    expect(tooLong.body.error).toContain("Instance ID lengths must not exceed 256 characters.");

    // No instance can carry a refused id, so an event for one finds nobody.
    expect((await api.raise("@entity", "Go", null)).status).toBe(404);
  });

  it("refuses a sub-orchestration id equal to its parent's or starting with @, telling the parent", async () => {
    await api.start("parent", "same", { childId: "same" });
    await api.start("parent", "entity-child", { childId: "@leaf" });
    await api.start("parent", "fine", { childId: "fine-child" });
    expect((await api.done("same")).output).toMatch(
      /^refused: The instance ID of a sub-orchestration must be different than the instance ID of a parent orchestration\./,
    );
    expect((await api.done("entity-child")).output).toMatch(
      /^refused: instanceId \(Parameter 'Orchestration instance ids must not start with @'\)/,
    );
    expect((await api.done("fine")).output).toBe("leaf");
  });

  it("fails an activity that outlives functionTimeout with the host's message", async () => {
    await api.start("slow", "slow", null);
    expect((await waitForStatus(host.url, "slow", ["Completed"], 15_000)).output).toMatch(
      /^caught: Activity function 'hang' failed: Timeout value of 00:00:02 was exceeded by function: Functions\.hang/,
    );
  });
});

describe("Devhost: Azure's Durable limits, Azure Storage profile", () => {
  let host: HostProcess;
  const api = client(() => host);
  beforeAll(async () => {
    host = await startHost(APP, { env: { [PROVIDER]: "AzureStorage" } });
  });
  afterAll(async () => host.stop());

  it("counts a 50 KB activity output as a large message, not a failure, and reports the maxima", async () => {
    await api.start("payloads", "fifty", { activityOutput: 50_000 });
    expect((await api.done("fifty")).output).toBe(50_000);
    // 35,000 characters: under 45 KB as a message (UTF-8), over 60 KB as a table property (UTF-16).
    await api.start("payloads", "thirty-five", { activityOutput: 35_000 });
    expect((await api.done("thirty-five")).output).toBe(35_000);
    await api.start("status", "status-8k", { chars: 8000 });
    await waitForStatus(host.url, "status-8k", ["Running"]);
    // 1.1 MB is no failure here: Azure Storage moves it through a blob.
    await api.start("again", "state", 1_100_000);
    expect((await api.done("state")).output).toBe(1_100_000);

    const engineHistory = async (id: string) =>
      ((await json<{ historyEvents: unknown[] }>(statusUrl(host.url, id, true))).body.historyEvents ?? [])
        .length;
    const report = await api.report();
    expect(report.profile).toBe("azureStorage");
    expect(report.limits).toEqual({
      customStatusMaxUtf16Bytes: 17_407,
      maxPayloadBytes: null,
      largeMessageBytes: 46_080,
      largeTablePropertyUtf16Bytes: 61_440,
    });
    expect(report.orchestrations.payloads).toEqual({
      largestPayloadBytes: {
        input: JSON.stringify({ activityOutput: 50_000 }).length,
        activityInput: 5,
        activityOutput: 50_002,
        output: 5,
      },
      largestPayload: { kind: "activityOutput", bytes: 50_002 },
      largestCustomStatusUtf16Bytes: 0,
      longestHistoryEvents: await engineHistory("fifty"),
      largeMessages: 1,
      largeTableProperties: 2,
    });
    expect(report.orchestrations.status?.largestCustomStatusUtf16Bytes).toBe(16_004);
    // The continueAsNew state is a table row of the first execution and the message starting the next.
    expect(report.orchestrations.again).toMatchObject({
      largestPayload: { kind: "continueAsNew", bytes: 1_100_002 },
      largestPayloadBytes: { continueAsNew: 1_100_002, input: 1_100_002 },
      largeMessages: 1,
      largeTableProperties: 2,
    });
    await api.raise("status-8k", "Go", null);
    await api.done("status-8k");
  });

  it("still fails a 20 KB custom status: that cap is the extension's, whatever the backend", async () => {
    await api.start("status", "big-status", { chars: 10_240 });
    expect((await api.done("big-status")).output).toMatch(/The current payload size is 20 KB\.$/);
  });
});
