import { describe, expect, it } from "vitest";
import {
  documentedHistory,
  EventType,
  historyEvent,
  OrchestrationStatus,
  type HistoryEvent,
} from "../../../src/devhost/durable/history.js";

/**
 * The engine's records against the shape the Durable extension's HTTP API shows for `showHistory=true`
 * (DurableClient.GetDurableOrchestrationStatusAsync in Azure/azure-functions-durable-extension; the docs'
 * "HTTP API reference" example): names instead of numbers, no orchestrator episodes, scheduling folded
 * into its completion, inputs and sequence links hidden.
 */
const t = (s: number) => Date.parse("2026-11-23T00:00:00Z") + s * 1000;
const iso = (s: number) => new Date(t(s)).toISOString();
const ev = (type: EventType, s: number, fields: Partial<HistoryEvent> = {}) =>
  historyEvent(type, t(s), fields);

const engineHistory: HistoryEvent[] = [
  ev(EventType.OrchestratorStarted, 0),
  ev(EventType.ExecutionStarted, 0, {
    Name: "main",
    Version: "",
    Input: '{"names":["a"]}',
    OrchestrationInstance: { InstanceId: "i", ExecutionId: "e" },
    ParentInstance: null,
  }),
  ev(EventType.TaskScheduled, 0, { EventId: 0, Name: "greet", Version: "", Input: '"a"' }),
  ev(EventType.TimerCreated, 0, { EventId: 1, FireAt: iso(60) }),
  ev(EventType.SubOrchestrationInstanceCreated, 0, {
    EventId: 2,
    Name: "child",
    InstanceId: "i-c",
    Input: "1",
  }),
  ev(EventType.OrchestratorCompleted, 0),
  ev(EventType.OrchestratorStarted, 5),
  ev(EventType.TaskCompleted, 5, { TaskScheduledId: 0, Result: '"Hello a"' }),
  ev(EventType.EventRaised, 5, { Name: "Approve", Input: '{"by":"alice"}' }),
  ev(EventType.SubOrchestrationInstanceCompleted, 5, { TaskScheduledId: 2, Result: '"done"' }),
  ev(EventType.OrchestratorCompleted, 5),
  ev(EventType.OrchestratorStarted, 60),
  ev(EventType.TimerFired, 60, { TimerId: 1, FireAt: iso(60) }),
  ev(EventType.TaskScheduled, 60, { EventId: 3, Name: "flaky", Input: "null" }),
  ev(EventType.OrchestratorCompleted, 60),
  ev(EventType.OrchestratorStarted, 70),
  ev(EventType.TaskFailed, 70, { TaskScheduledId: 3, Reason: "boom", Details: "stack" }),
  ev(EventType.ExecutionCompleted, 70, {
    EventId: 4,
    OrchestrationStatus: OrchestrationStatus.Failed,
    Result: "\"Orchestrator function 'main' failed: boom\"",
  }),
  ev(EventType.OrchestratorCompleted, 70),
];

describe("Function: documentedHistory (Durable HTTP API showHistory)", () => {
  it("names events, folds scheduling into completions and hides engine bookkeeping", () => {
    expect(documentedHistory(engineHistory, true)).toEqual([
      { EventType: "ExecutionStarted", FunctionName: "main", Timestamp: iso(0) },
      { EventType: "TimerCreated", FireAt: iso(60), Timestamp: iso(0) },
      {
        EventType: "TaskCompleted",
        FunctionName: "greet",
        ScheduledTime: iso(0),
        Result: "Hello a",
        Timestamp: iso(5),
      },
      { EventType: "EventRaised", Name: "Approve", Timestamp: iso(5) },
      {
        EventType: "SubOrchestrationInstanceCompleted",
        FunctionName: "child",
        ScheduledTime: iso(0),
        Result: "done",
        Timestamp: iso(5),
      },
      { EventType: "TimerFired", FireAt: iso(60), Timestamp: iso(60) },
      {
        EventType: "TaskFailed",
        FunctionName: "flaky",
        ScheduledTime: iso(60),
        Reason: "boom",
        Details: "stack",
        Timestamp: iso(70),
      },
      {
        EventType: "ExecutionCompleted",
        OrchestrationStatus: "Failed",
        Result: "Orchestrator function 'main' failed: boom",
        Timestamp: iso(70),
      },
    ]);
  });

  it("leaves results out without showHistoryOutput", () => {
    const shown = documentedHistory(engineHistory, false);
    expect(shown.filter((e) => "Result" in e)).toEqual([]);
    expect(shown.map((e) => e.EventType)).not.toContain("OrchestratorStarted");
  });

  it("keeps a task still waiting for its answer as TaskScheduled, as the extension does", () => {
    const waiting = engineHistory.slice(0, 6);
    expect(documentedHistory(waiting, false).map((e) => e.EventType)).toEqual([
      "ExecutionStarted",
      "TaskScheduled",
      "TimerCreated",
      "SubOrchestrationInstanceCreated",
    ]);
    expect(documentedHistory(waiting, false)[1]).toEqual({
      EventType: "TaskScheduled",
      Name: "greet",
      Timestamp: iso(0),
    });
  });
});
