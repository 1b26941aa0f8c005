import { describe, expect, it } from "vitest";
import { ActionType, type Action } from "../../../src/devhost/durable/actions.js";
import { EventType, historyEvent, type HistoryEvent } from "../../../src/devhost/durable/history.js";
import { replay } from "../../../src/devhost/durable/replayer.js";

const T = Date.parse("2026-11-23T00:00:00Z");
const ev = (type: EventType, fields: Partial<HistoryEvent> = {}, t = T) => historyEvent(type, t, fields);
const started = [
  ev(EventType.OrchestratorStarted),
  ev(EventType.ExecutionStarted, { Name: "o", Input: "null" }),
];
const act = (name: string, input: unknown = null): Action => ({
  actionType: ActionType.CallActivity,
  functionName: name,
  input,
});

describe("Function: replay", () => {
  it("schedules the first action of a fresh orchestration with id 0", () => {
    const r = replay(started, [act("a")], "exec");
    expect(r.decisions).toEqual([{ id: 0, kind: "activity", name: "a", input: null }]);
  });

  it("does not schedule the next sequential action until the previous one completed in history", () => {
    const history = [
      ...started,
      ev(EventType.TaskScheduled, { EventId: 0, Name: "a" }),
      ev(EventType.OrchestratorCompleted),
    ];
    expect(replay(history, [act("a"), act("b")], "exec").decisions).toEqual([]);
    const done = [
      ...history,
      ev(EventType.OrchestratorStarted),
      ev(EventType.TaskCompleted, { TaskScheduledId: 0, Result: '"x"' }),
    ];
    expect(replay(done, [act("a"), act("b")], "exec").decisions).toEqual([
      { id: 1, kind: "activity", name: "b", input: null },
    ]);
  });

  it("numbers Task.all children in order and waits for all of them", () => {
    const all: Action = { actionType: ActionType.WhenAll, compoundActions: [act("a"), act("b")] };
    const r = replay(started, [all, act("c")], "exec");
    expect(r.decisions.map((d) => [d.id, d.name])).toEqual([
      [0, "a"],
      [1, "b"],
    ]);
  });

  it("detects a renamed activity and names both sides", () => {
    const history = [...started, ev(EventType.TaskScheduled, { EventId: 0, Name: "greet" })];
    expect(replay(history, [act("flaky")], "exec").nonDeterminism).toBe(
      "history has TaskScheduled #0 'greet' but the replay produced CallActivity 'flaky' at that sequence number",
    );
    expect(replay(history, [], "exec").nonDeterminism).toMatch(
      /history has TaskScheduled #0 'greet' but the replay has not scheduled anything/,
    );
    const timer = [...started, ev(EventType.TimerCreated, { EventId: 0 })];
    expect(replay(timer, [act("a")], "exec").nonDeterminism).toMatch(
      /history has TimerCreated #0 but the replay produced CallActivity 'a'/,
    );
  });

  it("gives a retry its timer and next attempt ids from the history, and fails after the last attempt", () => {
    const retry: Action = {
      actionType: ActionType.CallActivityWithRetry,
      functionName: "f",
      retryOptions: { firstRetryIntervalInMilliseconds: 1000, maxNumberOfAttempts: 2, backoffCoefficient: 2 },
    };
    const failed = [
      ...started,
      ev(EventType.TaskScheduled, { EventId: 0, Name: "f" }),
      ev(EventType.OrchestratorStarted, {}, T + 10),
      ev(EventType.TaskFailed, { TaskScheduledId: 0 }),
    ];
    expect(replay(failed, [retry], "exec").decisions).toEqual([
      { id: 1, kind: "timer", fireAt: new Date(T + 1010).toISOString() },
    ]);
    const fired = [
      ...failed,
      ev(EventType.TimerCreated, { EventId: 1 }),
      ev(EventType.OrchestratorStarted, {}, T + 2000),
      ev(EventType.TimerFired, { TimerId: 1 }),
    ];
    expect(replay(fired, [retry], "exec").decisions).toEqual([
      { id: 2, kind: "activity", name: "f", input: undefined },
    ]);
    const lastFail = [
      ...fired,
      ev(EventType.TaskScheduled, { EventId: 2, Name: "f" }),
      ev(EventType.OrchestratorStarted, {}, T + 3000),
      ev(EventType.TaskFailed, { TaskScheduledId: 2 }),
    ];
    // The dummy timer DTFx schedules after the last attempt fires at once.
    expect(replay(lastFail, [retry], "exec").decisions).toEqual([
      { id: 3, kind: "timer", fireAt: new Date(T + 3000).toISOString() },
    ]);
  });

  it("buffers events raised before anyone waits and serves waiters last-in first-out", () => {
    const raised = [...started, ev(EventType.EventRaised, { Name: "E", Input: "1" })];
    const wait: Action = { actionType: ActionType.WaitForExternalEvent, externalEventName: "E" };
    expect(replay(raised, [wait, act("after")], "exec").decisions).toEqual([
      { id: 0, kind: "activity", name: "after", input: null },
    ]);
    expect(replay(raised, [], "exec").buffered).toEqual([{ name: "E", input: "1" }]);
  });

  it("creates a cancelled timer's id without arming it and lets Task.any finish", () => {
    const any: Action = {
      actionType: ActionType.WhenAny,
      compoundActions: [
        { actionType: ActionType.WaitForExternalEvent, externalEventName: "Go" },
        { actionType: ActionType.CreateTimer, fireAt: "2026-11-24T00:00:00.000Z", isCanceled: true },
      ],
    };
    const r = replay(started, [any, act("next")], "exec");
    expect(r.decisions).toEqual([
      { id: 0, kind: "timer", fireAt: "2026-11-24T00:00:00.000Z", canceled: true },
      { id: 1, kind: "activity", name: "next", input: null },
    ]);
  });

  it("derives sub-orchestration ids from the execution when none is given, and reports unsupported actions", () => {
    const sub: Action = {
      actionType: ActionType.CallSubOrchestrator,
      functionName: "child",
      input: { a: 1 },
    };
    expect(replay(started, [sub], "exec9").decisions).toEqual([
      { id: 0, kind: "subOrchestration", name: "child", input: { a: 1 }, instanceId: "exec9:0" },
    ]);
    expect(replay(started, [{ actionType: ActionType.CallEntity }], "exec").unsupported).toMatch(
      /CallEntity is not supported/,
    );
  });

  it("replays in time linear in the history length", () => {
    const chain = (n: number) => {
      const history: HistoryEvent[] = [...started];
      for (let i = 0; i < n; i++)
        history.push(
          ev(EventType.TaskScheduled, { EventId: i, Name: "a" }),
          ev(EventType.OrchestratorStarted),
          ev(EventType.TaskCompleted, { TaskScheduledId: i, Result: "1" }),
        );
      return { history, actions: Array.from({ length: n + 1 }, () => act("a")) };
    };
    const small = chain(1000);
    const r = replay(small.history, small.actions, "exec");
    expect(r.decisions).toEqual([{ id: 1000, kind: "activity", name: "a", input: null }]);
  });
});
