import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  json,
  SAMPLE_APP,
  startHost,
  statusUrl,
  waitForStatus,
  type HostProcess,
  type Status,
} from "../helpers/host-process.js";

/**
 * Golden histories: what the engine records for each durable pattern. Scheduling decisions must carry
 * exactly these sequence ids and names (that is what determinism rests on); completions are compared as
 * a set, since activities finishing in parallel may land in either order.
 */
const NAMES: Record<number, string> = {
  0: "ExecutionStarted",
  1: "ExecutionCompleted",
  3: "ExecutionTerminated",
  4: "TaskScheduled",
  5: "TaskCompleted",
  6: "TaskFailed",
  7: "SubOrchestrationInstanceCreated",
  8: "SubOrchestrationInstanceCompleted",
  10: "TimerCreated",
  11: "TimerFired",
  15: "EventRaised",
  16: "ContinueAsNew",
};
const DECISIONS = new Set([4, 7, 10, 1, 16]);

function golden(status: Status) {
  const events = status.historyEvents ?? [];
  return {
    decisions: events
      .filter((e) => DECISIONS.has(e.EventType))
      .map((e) => `${NAMES[e.EventType]}#${e.EventId}${e.Name ? ` ${e.Name}` : ""}`),
    completions: events
      .filter((e) => [5, 6, 8, 11].includes(e.EventType))
      .map((e) => `${NAMES[e.EventType]}<${e.TaskScheduledId ?? e.TimerId}`)
      .sort(),
  };
}

describe("Devhost: golden histories through the real DurableClient", () => {
  let host: HostProcess;
  let dir: string;
  const start = (name: string, id: string, input?: unknown) =>
    json<Record<string, string>>(`${host.url}/api/orchestrators/${name}/${id}`, {
      method: "POST",
      ...(input === undefined ? {} : { body: JSON.stringify(input) }),
    });
  const raise = (uri: string, name: string, data: unknown) =>
    fetch(uri.replace("{eventName}", name), {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(data),
    });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "rm-golden-"));
    host = await startHost(SAMPLE_APP, {
      env: { ACTIVITY_LOG: join(dir, "activities.log"), SAMPLE_HUB_NAME: "hub" },
    });
  });
  afterAll(async () => {
    await host.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("activities in sequence", async () => {
    await start("chain", "seq", 2);
    const s = await waitForStatus(host.url, "seq", ["Completed"]);
    expect(s.output).toEqual([10, 20]);
    expect(golden(s)).toEqual({
      decisions: ["TaskScheduled#0 slow", "TaskScheduled#1 slow", "ExecutionCompleted#2"],
      completions: ["TaskCompleted<0", "TaskCompleted<1"],
    });
  });

  it("showHistory answers in the documented shape (Durable Functions HTTP API reference)", async () => {
    await start("chain", "documented", 2);
    await waitForStatus(host.url, "documented", ["Completed"]);
    const url = `${host.url}/runtime/webhooks/durabletask/instances/documented?showHistory=true`;
    const withOutput = (
      await json<{ historyEvents: Record<string, unknown>[] }>(`${url}&showHistoryOutput=true`)
    ).body.historyEvents;
    const iso = expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(withOutput).toEqual([
      { EventType: "ExecutionStarted", FunctionName: "chain", Timestamp: iso },
      { EventType: "TaskCompleted", FunctionName: "slow", Result: 10, ScheduledTime: iso, Timestamp: iso },
      { EventType: "TaskCompleted", FunctionName: "slow", Result: 20, ScheduledTime: iso, Timestamp: iso },
      { EventType: "ExecutionCompleted", OrchestrationStatus: "Completed", Result: [10, 20], Timestamp: iso },
    ]);
    for (const e of withOutput.filter((e) => e.EventType === "TaskCompleted"))
      expect(Date.parse(e.ScheduledTime as string)).toBeLessThanOrEqual(Date.parse(e.Timestamp as string));
    const withoutOutput = (await json<{ historyEvents: Record<string, unknown>[] }>(url)).body.historyEvents;
    expect(withoutOutput.map((e) => Object.keys(e).includes("Result"))).toEqual([false, false, false, false]);
  });

  it("Task.all, a durable timer, an external event through sendEventPostUri and a sub-orchestration", async () => {
    const started = await start("main", "all", { names: ["a", "b", "c"] });
    expect(started.status).toBe(202);
    expect(started.headers.get("location")).toBe(started.body.statusQueryGetUri);
    expect(started.body.sendEventPostUri).toMatch(
      new RegExp(`^${host.url}/runtime/webhooks/durabletask/instances/all/raiseEvent/\\{eventName\\}`),
    );
    await waitForStatus(host.url, "all", ["Running"]).then(async function wait(): Promise<void> {
      const s = (await json<Status>(statusUrl(host.url, "all"))).body;
      if ((s.customStatus as { stage?: string } | null)?.stage !== "waiting")
        return new Promise((r) => setTimeout(r, 50)).then(wait);
    });
    expect((await raise(started.body.sendEventPostUri!, "Approve", { by: "alice" })).status).toBe(202);
    const s = await waitForStatus(host.url, "all", ["Completed"]);
    expect(s.output).toEqual({
      greetings: ["Hello a", "Hello b", "Hello c"],
      approval: { by: "alice" },
      child: "Hello sub-child",
    });
    expect(golden(s)).toEqual({
      decisions: [
        "TaskScheduled#0 greet",
        "TaskScheduled#1 greet",
        "TaskScheduled#2 greet",
        "TimerCreated#3",
        "SubOrchestrationInstanceCreated#4 child",
        "ExecutionCompleted#5",
      ],
      completions: [
        "SubOrchestrationInstanceCompleted<4",
        "TaskCompleted<0",
        "TaskCompleted<1",
        "TaskCompleted<2",
        "TimerFired<3",
      ],
    });
    const child = (await json<Status>(statusUrl(host.url, "all-child", true))).body;
    expect(golden(child).decisions).toEqual(["TaskScheduled#0 greet", "ExecutionCompleted#1"]);
  });

  it("Task.any of an event and a timer, the timer cancelled", async () => {
    await start("race", "any");
    await waitForStatus(host.url, "any", ["Running"]);
    await raise(statusUrl(host.url, "any").replace(/\?.*$/, "") + "/raiseEvent/{eventName}", "Go", null);
    const s = await waitForStatus(host.url, "any", ["Completed"]);
    expect(s.output).toBe("event");
    expect(golden(s)).toEqual({ decisions: ["TimerCreated#0", "ExecutionCompleted#1"], completions: [] });
  });

  it("an external event raised before anyone waits is buffered", async () => {
    await start("waiter", "early");
    await raise(
      `${host.url}/runtime/webhooks/durabletask/instances/early/raiseEvent/{eventName}`,
      "Never",
      42,
    );
    const s = await waitForStatus(host.url, "early", ["Completed"]);
    expect(s.output).toBe(42);
    expect(golden(s).decisions).toEqual(["ExecutionCompleted#0"]);
  });

  it("retries with a timer between attempts", async () => {
    await start("retry", "retry", { file: join(dir, "flaky"), failTimes: 2 });
    const s = await waitForStatus(host.url, "retry", ["Completed"]);
    expect(s.output).toBe("ok after 3");
    expect(golden(s)).toEqual({
      decisions: [
        "TaskScheduled#0 flaky",
        "TimerCreated#1",
        "TaskScheduled#2 flaky",
        "TimerCreated#3",
        "TaskScheduled#4 flaky",
        "ExecutionCompleted#5",
      ],
      completions: ["TaskCompleted<4", "TaskFailed<0", "TaskFailed<2", "TimerFired<1", "TimerFired<3"],
    });
  });

  it("fails the orchestration once retries are spent, with the activity's error", async () => {
    await start("retry", "retry-fail", { file: join(dir, "flaky2"), failTimes: 10 });
    const s = await waitForStatus(host.url, "retry-fail", ["Failed"]);
    expect(String(s.output)).toMatch(/^Orchestrator function 'retry' failed: .*flaky failure 4/s);
    expect(golden(s).decisions.filter((d) => d.startsWith("TaskScheduled"))).toHaveLength(4);
  });

  it("continueAsNew restarts with the new input and keeps only the last generation's history", async () => {
    await start("counter", "can", 1);
    const s = await waitForStatus(host.url, "can", ["Completed"]);
    expect(s.output).toBe(3);
    expect(golden(s).decisions).toEqual(["TaskScheduled#0 greet", "ExecutionCompleted#1"]);
    const log = readFileSync(join(dir, "activities.log"), "utf8");
    expect(["n1", "n2", "n3"].every((n) => log.includes(`"name":"${n}"`))).toBe(true);
  });

  it("terminate ends a waiting instance; raising to it afterwards answers 410; purge removes it", async () => {
    await start("waiter", "term");
    await waitForStatus(host.url, "term", ["Running"]);
    const terminated = await fetch(
      `${host.url}/runtime/webhooks/durabletask/instances/term/terminate?reason=no%20longer%20needed`,
      { method: "POST" },
    );
    expect(terminated.status).toBe(202);
    const s = await waitForStatus(host.url, "term", ["Terminated"]);
    expect(s.output).toBe("no longer needed");
    expect(s.historyEvents!.some((e) => e.EventType === 3)).toBe(true);
    const late = await raise(
      `${host.url}/runtime/webhooks/durabletask/instances/term/raiseEvent/{eventName}`,
      "Never",
      1,
    );
    expect(late.status).toBe(410);
    expect(
      (await fetch(`${host.url}/runtime/webhooks/durabletask/instances/term`, { method: "DELETE" })).status,
    ).toBe(200);
    expect((await fetch(statusUrl(host.url, "term"))).status).toBe(404);
  });

  it("refuses to start an id that is still running, and lists instances", async () => {
    await start("waiter", "busy");
    const again = await start("waiter", "busy");
    expect(again.status).toBe(500);
    const list = await json<{ instanceId: string }[]>(
      `${host.url}/runtime/webhooks/durabletask/instances/?runtimeStatus=Running`,
    );
    expect(list.body.map((i) => i.instanceId)).toContain("busy");
  });
});
