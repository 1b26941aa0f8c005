/**
 * Durable Task history events in the JSON shape durable-functions 3.x replays (PascalCase fields, numeric
 * EventType). Only what the JS replay or this engine reads is modelled.
 */
export const EventType = {
  ExecutionStarted: 0,
  ExecutionCompleted: 1,
  ExecutionFailed: 2,
  ExecutionTerminated: 3,
  TaskScheduled: 4,
  TaskCompleted: 5,
  TaskFailed: 6,
  SubOrchestrationInstanceCreated: 7,
  SubOrchestrationInstanceCompleted: 8,
  SubOrchestrationInstanceFailed: 9,
  TimerCreated: 10,
  TimerFired: 11,
  OrchestratorStarted: 12,
  OrchestratorCompleted: 13,
  EventSent: 14,
  EventRaised: 15,
  ContinueAsNew: 16,
} as const;
export type EventType = (typeof EventType)[keyof typeof EventType];

export const OrchestrationStatus = {
  Running: 0,
  Completed: 1,
  ContinuedAsNew: 2,
  Failed: 3,
  Canceled: 4,
  Terminated: 5,
  Pending: 6,
} as const;

export interface HistoryEvent {
  EventType: EventType;
  EventId: number;
  IsPlayed: boolean;
  Timestamp: string;
  Name?: string;
  Version?: string;
  Input?: string | null;
  Result?: string | null;
  TaskScheduledId?: number;
  TimerId?: number;
  FireAt?: string;
  InstanceId?: string;
  Reason?: string;
  Details?: string;
  OrchestrationStatus?: number;
  OrchestrationInstance?: { InstanceId: string; ExecutionId: string };
  ParentInstance?: {
    Name?: string;
    TaskScheduleId: number;
    OrchestrationInstance: { InstanceId: string; ExecutionId: string };
  } | null;
}

export function historyEvent(
  type: EventType,
  timestamp: number,
  fields: Partial<HistoryEvent> = {},
): HistoryEvent {
  return {
    EventType: type,
    EventId: -1,
    IsPlayed: false,
    Timestamp: new Date(timestamp).toISOString(),
    ...fields,
  };
}

export const eventTypeName = (type: number) =>
  Object.entries(EventType).find(([, v]) => v === type)?.[0] ?? `EventType ${type}`;

const STATUS_NAMES = [
  "Running",
  "Completed",
  "ContinuedAsNew",
  "Failed",
  "Canceled",
  "Terminated",
  "Pending",
  "Suspended",
] as const;

const INPUT_HIDDEN = new Set<number>([
  EventType.ExecutionStarted,
  EventType.ExecutionTerminated,
  EventType.TaskScheduled,
  EventType.SubOrchestrationInstanceCreated,
  EventType.EventRaised,
]);

/** A JSON-encoded payload as the extension shows it: parsed when it is JSON, else the raw string. */
function parsePayload(value: string | null | undefined): unknown {
  if (value === null || value === undefined) return null;
  const trimmed = value.trim();
  if (trimmed === "") return "";
  try {
    return JSON.parse(trimmed) as unknown;
  } catch {
    return value;
  }
}

/**
 * History as the Durable HTTP API shows it (`showHistory=true`), transformed the way the extension's
 * `DurableClient.GetDurableOrchestrationStatusAsync` does (Azure/azure-functions-durable-extension,
 * docs "HTTP API reference", Get instance status): event types by name; OrchestratorStarted/Completed
 * dropped; a TaskScheduled (or SubOrchestrationInstanceCreated) folded into the completion that answers
 * it as `FunctionName` + `ScheduledTime` (one still waiting for its answer stays, as in the extension);
 * ExecutionStarted's `Name` shown as `FunctionName`; `OrchestrationStatus` by name; `Result`s only with
 * `showHistoryOutput=true`, parsed; inputs, `EventId`, `IsPlayed` and the sequence links left out.
 */
export function documentedHistory(
  history: readonly HistoryEvent[],
  showOutput: boolean,
): Record<string, unknown>[] {
  const scheduled = new Map<string, { index: number; name: string; at: string }>();
  const folded = new Set<number>();
  const out: (Record<string, unknown> | undefined)[] = history.map((event, index) => {
    const { EventType: type, EventId, IsPlayed: _played, ...rest } = event;
    const item: Record<string, unknown> = { EventType: eventTypeName(type), ...rest };
    // Inputs are never shown (the extension removes them from these events; the others have none).
    if (INPUT_HIDDEN.has(type)) delete item.Input;
    if (type === EventType.TaskScheduled || type === EventType.SubOrchestrationInstanceCreated)
      delete item.Version;
    switch (type) {
      case EventType.OrchestratorStarted:
      case EventType.OrchestratorCompleted:
        return undefined;
      case EventType.TaskScheduled:
      case EventType.SubOrchestrationInstanceCreated:
        scheduled.set(`${type}_${EventId}`, { index, name: event.Name ?? "", at: event.Timestamp });
        return item;
      case EventType.TaskCompleted:
      case EventType.TaskFailed:
      case EventType.SubOrchestrationInstanceCompleted:
      case EventType.SubOrchestrationInstanceFailed: {
        const byTask = type === EventType.TaskCompleted || type === EventType.TaskFailed;
        const source = byTask ? EventType.TaskScheduled : EventType.SubOrchestrationInstanceCreated;
        const origin = scheduled.get(`${source}_${event.TaskScheduledId}`);
        if (origin) {
          item.ScheduledTime = origin.at;
          item.FunctionName = origin.name;
          folded.add(origin.index);
        }
        delete item.TaskScheduledId;
        const completed =
          type === EventType.TaskCompleted || type === EventType.SubOrchestrationInstanceCompleted;
        if (completed) {
          if (showOutput) item.Result = parsePayload(event.Result);
          else delete item.Result;
        }
        return item;
      }
      case EventType.ExecutionStarted: {
        const { Name, Version: _v, OrchestrationInstance: _i, ParentInstance: _p, ...started } = item;
        return { ...started, FunctionName: Name };
      }
      case EventType.ExecutionCompleted:
        if (event.OrchestrationStatus !== undefined)
          item.OrchestrationStatus = STATUS_NAMES[event.OrchestrationStatus] ?? event.OrchestrationStatus;
        if (showOutput) item.Result = parsePayload(event.Result);
        else delete item.Result;
        return item;
      case EventType.TimerFired:
        delete item.TimerId;
        return item;
      default:
        return item;
    }
  });
  return out.filter((e, i): e is Record<string, unknown> => e !== undefined && !folded.has(i));
}
