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
