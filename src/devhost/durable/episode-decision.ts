import type { OrchestratorState } from "./actions.js";
import { EventType, OrchestrationStatus, historyEvent, type HistoryEvent } from "./history.js";
import { replay, type Decision } from "./replayer.js";
import type { EpisodeCommit, Instance, ParentRef, RuntimeStatus } from "./store.js";

export type { EpisodeCommit } from "./store.js";

/**
 * What one episode of an orchestration does, decided without touching anything: given the instance, its
 * history, the messages in its inbox and (when it had to run) what the orchestrator function answered, it
 * returns the history to append and what must follow once that is stored. The engine (engine.ts) persists
 * the plan and performs it; keeping the two apart lets the decision be read, and tested, on its own.
 */
export const TERMINAL: readonly RuntimeStatus[] = ["Completed", "Failed", "Terminated", "Canceled"];

export function isTerminal(status: RuntimeStatus): boolean {
  return TERMINAL.includes(status);
}

/** What the orchestrator function answered: its state, an error, or both (durable-functions 3 sends both). */
export interface OrchestratorOutcome {
  readonly state?: OrchestratorState;
  readonly error?: string;
}

/** What follows once the commit is stored. */
export type EpisodeFollowUp =
  | { readonly kind: "none" }
  | { readonly kind: "finish"; readonly status: RuntimeStatus; readonly failure?: string }
  | { readonly kind: "continueAsNew"; readonly input: unknown; readonly carried: HistoryEvent[] }
  | { readonly kind: "perform"; readonly decisions: readonly Decision[] };

export interface EpisodePlan {
  readonly commit: EpisodeCommit;
  readonly then: EpisodeFollowUp;
}

/** One episode's frame: the inbox it consumes, its time, and the history the orchestrator replays. */
export interface Episode {
  readonly consumed: number;
  readonly messages: readonly HistoryEvent[];
  readonly now: number;
  readonly updated: string;
  readonly started: HistoryEvent;
  /** OrchestratorStarted and the messages, not yet played. */
  readonly newEvents: HistoryEvent[];
  /** The played past followed by the new events. */
  readonly history: HistoryEvent[];
  readonly isReplaying: boolean;
}

/** Opens an episode over the whole inbox; none when the inbox is empty. Time never runs backwards. */
export function openEpisode(instance: Instance, clockNow: number): Episode | undefined {
  if (instance.inbox.length === 0) return undefined;
  const consumed = instance.inbox.length;
  const messages = instance.inbox.slice(0, consumed);
  const now = Math.max(clockNow, lastTimestamp(instance) + 1);
  const started = historyEvent(EventType.OrchestratorStarted, now);
  const newEvents = [started, ...messages.map((m) => ({ ...m, IsPlayed: false }))];
  const past = instance.history.map((e) => ({ ...e, IsPlayed: true }));
  return {
    consumed,
    messages,
    now,
    updated: new Date(now).toISOString(),
    started,
    newEvents,
    history: [...past, ...newEvents],
    isReplaying: past.length > 0,
  };
}

/**
 * The episodes decided without running the orchestrator: late messages for a finished instance change
 * nothing (a timer or a duplicate result), and a termination ends the instance whatever it was doing.
 */
export function decideWithoutOrchestrator(instance: Instance, episode: Episode): EpisodePlan | undefined {
  const { consumed, messages, now, updated, started } = episode;
  if (isTerminal(instance.runtimeStatus)) {
    return {
      commit: {
        consumed,
        events: [],
        status: instance.runtimeStatus,
        output: instance.output,
        customStatus: instance.customStatus,
        updated: instance.lastUpdatedTime,
      },
      then: { kind: "none" },
    };
  }
  const termination = messages.find((m) => m.EventType === EventType.ExecutionTerminated);
  if (!termination) return undefined;
  const reason = termination.Input ?? "";
  const events = [
    started,
    ...messages,
    historyEvent(EventType.ExecutionCompleted, now, {
      OrchestrationStatus: OrchestrationStatus.Terminated,
      Result: JSON.stringify(reason),
    }),
    historyEvent(EventType.OrchestratorCompleted, now),
  ];
  return {
    commit: {
      consumed,
      events,
      status: "Terminated",
      output: reason,
      customStatus: instance.customStatus,
      updated,
    },
    then: { kind: "finish", status: "Terminated" },
  };
}

/**
 * What the episode decision asks of Azure's limits (durable/limits.ts) before committing: the custom
 * status the worker sent, and the payloads of the new decisions. Either answer fails the orchestration.
 */
export interface EpisodeLimits {
  customStatus(customStatus: unknown): string | undefined;
  decisions(events: readonly HistoryEvent[]): string | undefined;
}

/**
 * The episode after the orchestrator ran: the replayer checks determinism and finds the new decisions;
 * the instance fails, completes, continues as new, or keeps running with those decisions to carry out.
 * A custom status over Azure's cap fails it first (the extension rejects it before replaying the actions)
 * and leaves no custom status; a decision carrying a payload the backend refuses fails it too.
 */
export function decideEpisode(
  instance: Instance,
  episode: Episode,
  outcome: OrchestratorOutcome,
  limits?: EpisodeLimits,
): EpisodePlan {
  const actions = (outcome.state?.actions ?? []).flat();
  const result = replay(episode.history, actions, instance.executionId);
  const failed = (reason: string) => `Orchestrator function '${instance.name}' failed: ${reason}`;

  const statusProblem = limits?.customStatus(outcome.state?.customStatus);
  if (statusProblem) return failedPlan(episode, result.nextId, failed(statusProblem), null);
  let failure: string | undefined;
  if (result.nonDeterminism) failure = failed(`NonDeterministicOrchestrationError: ${result.nonDeterminism}`);
  else if (result.unsupported) failure = failed(result.unsupported);
  else if (outcome.error !== undefined) failure = failed(outcome.error);
  const customStatus = outcome.state?.customStatus ?? instance.customStatus ?? null;
  if (failure) return failedPlan(episode, result.nextId, failure, customStatus);

  const { consumed, now, updated } = episode;
  let status: RuntimeStatus;
  let output: unknown = null;
  let then: EpisodeFollowUp;
  const decided: HistoryEvent[] = result.decisions.map((d) => decisionEvent(d, now));
  if (outcome.state?.isDone && result.continueAsNew) {
    status = "ContinuedAsNew";
    then = {
      kind: "continueAsNew",
      input: decodeActionInput(result.continueAsNew.input),
      carried: result.buffered.map((b) =>
        historyEvent(EventType.EventRaised, now, { Name: b.name, Input: b.input }),
      ),
    };
    decided.push(
      historyEvent(EventType.ContinueAsNew, now, {
        EventId: result.nextId,
        Result: encodeInput(result.continueAsNew.input),
      }),
    );
  } else if (outcome.state?.isDone) {
    status = "Completed";
    output = outcome.state.output ?? null;
    then = { kind: "finish", status };
    decided.push(
      historyEvent(EventType.ExecutionCompleted, now, {
        EventId: result.nextId,
        OrchestrationStatus: OrchestrationStatus.Completed,
        Result: JSON.stringify(output),
      }),
    );
  } else {
    status = "Running";
    then = { kind: "perform", decisions: result.decisions };
  }
  const payloadProblem = limits?.decisions(decided);
  if (payloadProblem) return failedPlan(episode, result.nextId, failed(payloadProblem), customStatus);
  const events = [...episode.newEvents, ...decided, historyEvent(EventType.OrchestratorCompleted, now)];
  return { commit: { consumed, events, status, output, customStatus, updated }, then };
}

/** The episode that ends the instance as Failed, with `failure` as its output. */
function failedPlan(episode: Episode, nextId: number, failure: string, customStatus: unknown): EpisodePlan {
  const { consumed, now, updated } = episode;
  const events = [
    ...episode.newEvents,
    historyEvent(EventType.ExecutionCompleted, now, {
      EventId: nextId,
      OrchestrationStatus: OrchestrationStatus.Failed,
      Result: JSON.stringify(failure),
    }),
    historyEvent(EventType.OrchestratorCompleted, now),
  ];
  return {
    commit: { consumed, events, status: "Failed", output: failure, customStatus, updated },
    then: { kind: "finish", status: "Failed", failure },
  };
}

/** The first event of a new instance (a started one, or a child of `parent`). */
export function executionStarted(
  name: string,
  version: string,
  ids: { instanceId: string; executionId: string },
  input: unknown,
  now: number,
  parent?: ParentRef,
): HistoryEvent {
  return historyEvent(EventType.ExecutionStarted, now, {
    Name: name,
    Version: version,
    Input: JSON.stringify(input ?? null),
    OrchestrationInstance: { InstanceId: ids.instanceId, ExecutionId: ids.executionId },
    ParentInstance: parent
      ? {
          Name: "",
          TaskScheduleId: parent.taskScheduleId,
          OrchestrationInstance: { InstanceId: parent.instanceId, ExecutionId: parent.executionId },
        }
      : null,
  });
}

/** The first event of the next generation after continueAsNew: same instance, new execution id. */
export function executionRestarted(
  instance: Instance,
  version: string,
  executionId: string,
  input: unknown,
  now: number,
): HistoryEvent {
  return historyEvent(EventType.ExecutionStarted, now, {
    Name: instance.name,
    Version: version,
    Input: JSON.stringify(input ?? null),
    OrchestrationInstance: { InstanceId: instance.instanceId, ExecutionId: executionId },
    ParentInstance: instance.parent
      ? {
          TaskScheduleId: instance.parent.taskScheduleId,
          OrchestrationInstance: {
            InstanceId: instance.parent.instanceId,
            ExecutionId: instance.parent.executionId,
          },
        }
      : null,
  });
}

/** The message a finished child sends its parent: its result, or why it did not complete. */
export function childResult(child: Instance, taskScheduledId: number, now: number): HistoryEvent {
  return child.runtimeStatus === "Completed"
    ? historyEvent(EventType.SubOrchestrationInstanceCompleted, now, {
        TaskScheduledId: taskScheduledId,
        Result: JSON.stringify(child.output ?? null),
      })
    : historyEvent(EventType.SubOrchestrationInstanceFailed, now, {
        TaskScheduledId: taskScheduledId,
        Reason:
          typeof child.output === "string"
            ? child.output
            : `Sub-orchestration '${child.name}' ${child.runtimeStatus.toLowerCase()}`,
        Details: "",
      });
}

/**
 * After a restart: what the history shows as decided but not completed (activities to run at least once
 * more, timers to re-arm, children to make sure of), in history order.
 */
export function unfinishedDecisions(instance: Instance, now: number): Decision[] {
  const seen = [...instance.history, ...instance.inbox];
  const completed = new Set(
    seen.filter((e) => e.TaskScheduledId !== undefined).map((e) => e.TaskScheduledId),
  );
  const fired = new Set(seen.filter((e) => e.EventType === EventType.TimerFired).map((e) => e.TimerId));
  const redo: Decision[] = [];
  for (const e of instance.history) {
    if (e.EventType === EventType.TaskScheduled && !completed.has(e.EventId)) {
      // History keeps the encoded input: the activity runs again with exactly the same one.
      redo.push({
        id: e.EventId,
        kind: "activity",
        name: e.Name ?? "",
        input: e.Input === undefined || e.Input === null ? null : e.Input,
      });
    } else if (e.EventType === EventType.TimerCreated && !fired.has(e.EventId)) {
      redo.push({ id: e.EventId, kind: "timer", fireAt: e.FireAt ?? new Date(now).toISOString() });
    } else if (e.EventType === EventType.SubOrchestrationInstanceCreated && !completed.has(e.EventId)) {
      redo.push({
        id: e.EventId,
        kind: "subOrchestration",
        name: e.Name ?? "",
        instanceId: e.InstanceId ?? "",
        input: e.Input === undefined || e.Input === null ? null : JSON.parse(e.Input),
      });
    }
  }
  return redo;
}

function decisionEvent(d: Decision, now: number): HistoryEvent {
  switch (d.kind) {
    case "activity":
      return historyEvent(EventType.TaskScheduled, now, {
        EventId: d.id,
        Name: d.name ?? "",
        Input: encodeInput(d.input),
      });
    case "timer":
      return historyEvent(EventType.TimerCreated, now, {
        EventId: d.id,
        FireAt: d.fireAt ?? new Date(now).toISOString(),
      });
    case "subOrchestration":
      return historyEvent(EventType.SubOrchestrationInstanceCreated, now, {
        EventId: d.id,
        Name: d.name ?? "",
        InstanceId: d.instanceId ?? "",
        Input: JSON.stringify(d.input ?? null),
      });
  }
}

/**
 * Activity and continueAsNew inputs arrive pre-encoded when they are strings (`"x"` → `"\"x\""`); others are
 * values. History keeps the encoded form so a restart re-runs an activity with exactly the same input.
 */
function encodeInput(input: unknown): string | null {
  if (input === undefined) return null;
  return typeof input === "string" ? input : JSON.stringify(input);
}

export function decodeActionInput(input: unknown, preEncoded = true): unknown {
  if (preEncoded && typeof input === "string") {
    try {
      return JSON.parse(input) as unknown;
    } catch {
      return input;
    }
  }
  return input;
}

function lastTimestamp(instance: Instance): number {
  const last = instance.history[instance.history.length - 1];
  return last ? Date.parse(last.Timestamp) : 0;
}

/** A second result for the same task, or a second fire of the same timer, is dropped: completions happen once. */
export function isDuplicateCompletion(instance: Instance, event: HistoryEvent): boolean {
  const key = completionKey(event);
  if (key === undefined) return false;
  return [...instance.history, ...instance.inbox].some((e) => completionKey(e) === key);
}

function completionKey(e: HistoryEvent): string | undefined {
  switch (e.EventType) {
    case EventType.TaskCompleted:
    case EventType.TaskFailed:
    case EventType.SubOrchestrationInstanceCompleted:
    case EventType.SubOrchestrationInstanceFailed:
      return `task:${e.TaskScheduledId}`;
    case EventType.TimerFired:
      return `timer:${e.TimerId}`;
    default:
      return undefined;
  }
}
