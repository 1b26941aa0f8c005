import { randomUUID } from "node:crypto";
import pLimit, { type LimitFunction } from "p-limit";
import type { Clock, TimerHandle } from "../clock.js";
import type { Registry } from "../core-api.js";
import type { Invoker } from "../invoker.js";
import type { HostLogger } from "../logger.js";
import type { TypedData } from "../core-api.js";
import { jsonData, stringData } from "../typed-data.js";
import type { Action, OrchestratorState } from "./actions.js";
import { EventType, OrchestrationStatus, historyEvent, type HistoryEvent } from "./history.js";
import { instanceIdProblem } from "../../shared/instance-id.js";
import { replay, type Decision } from "./replayer.js";
import type { Instance, InstanceStore, ParentRef, RuntimeStatus } from "./store.js";

/**
 * The local durable engine: it plays the part of the Durable extension and DurableTask.Core for
 * durable-functions 3.x. One episode at a time per instance: inbox → OrchestratorStarted + messages →
 * orchestrator (durable-functions' own replay) → replayer (determinism + new decisions) → commit to the
 * store → only then the side effects (activities, timers, children, parent notification).
 */
export interface EngineOptions {
  readonly store: InstanceStore;
  readonly registry: Registry;
  readonly invoker: Invoker;
  readonly clock: Clock;
  readonly logger: HostLogger;
  readonly maxConcurrentActivities: number;
  readonly maxConcurrentOrchestrators: number;
  readonly defaultVersion?: string;
  /** Adds the extra input bindings (such as a durable client) a function declares. */
  readonly withExtraInputs?: (
    functionName: string,
    inputs: Record<string, TypedData>,
  ) => Record<string, TypedData>;
}

export class InstanceExistsError extends Error {
  override readonly name = "InstanceExistsError";
}

/** An id Azure would refuse: answered 400, permanent (never retried as a storage hiccup would be). */
export class InvalidInstanceIdError extends Error {
  override readonly name = "InvalidInstanceIdError";
}

const TERMINAL: readonly RuntimeStatus[] = ["Completed", "Failed", "Terminated", "Canceled"];
const OUT_OF_PROC_LABEL = "\n\n$OutOfProcData$:";

export class DurableEngine {
  private readonly running = new Set<string>();
  private readonly dirty = new Set<string>();
  private readonly timers = new Map<string, Set<TimerHandle>>();
  private readonly orchestratorLimit: LimitFunction;
  private readonly activityLimit: LimitFunction;
  private readonly inFlight = new Set<Promise<unknown>>();
  private stopped = false;

  constructor(private readonly o: EngineOptions) {
    this.orchestratorLimit = pLimit(o.maxConcurrentOrchestrators);
    this.activityLimit = pLimit(o.maxConcurrentActivities);
  }

  /** Loads the store and resumes every unfinished instance: activities at least once, timers re-armed. */
  resume(): void {
    for (const instance of this.o.store.load()) this.recover(instance);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const handles of this.timers.values()) for (const h of handles) this.o.clock.clearTimer(h);
    this.timers.clear();
    await Promise.allSettled([...this.inFlight]);
  }

  /** Resolves once nothing is running (for tests and graceful shutdown). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  get now(): number {
    return this.o.clock.now();
  }

  startNew(name: string, instanceId: string | undefined, input: unknown, parent?: ParentRef): Instance {
    if (!this.orchestratorBinding(name))
      throw new Error(
        `The function '${name}' doesn't exist, is disabled, or is not an orchestrator function.`,
      );
    const id = instanceId || randomUUID().replace(/-/g, "");
    const problem = instanceIdProblem(id);
    if (problem) throw new InvalidInstanceIdError(`${problem}.`);
    const existing = this.o.store.get(id);
    if (existing && !TERMINAL.includes(existing.runtimeStatus)) {
      throw new InstanceExistsError(
        `An orchestration instance with the ID '${id}' already exists and is ${existing.runtimeStatus}.`,
      );
    }
    this.cancelTimers(id);
    const executionId = randomUUID().replace(/-/g, "");
    const now = this.now;
    const started = historyEvent(EventType.ExecutionStarted, now, {
      Name: name,
      Version: this.o.defaultVersion ?? "",
      Input: JSON.stringify(input ?? null),
      OrchestrationInstance: { InstanceId: id, ExecutionId: executionId },
      ParentInstance: parent
        ? {
            Name: "",
            TaskScheduleId: parent.taskScheduleId,
            OrchestrationInstance: { InstanceId: parent.instanceId, ExecutionId: parent.executionId },
          }
        : null,
    });
    const instance = this.o.store.create(
      {
        instanceId: id,
        name,
        executionId,
        input: input ?? null,
        createdTime: new Date(now).toISOString(),
        ...(parent ? { parent } : {}),
      },
      started,
    );
    this.schedule(id);
    return instance;
  }

  /** Delivers an external event; buffered by the orchestration if nobody waits for it yet. */
  raiseEvent(instanceId: string, eventName: string, input: unknown): "accepted" | "not-found" | "gone" {
    const instance = this.o.store.get(instanceId);
    if (!instance) return "not-found";
    if (TERMINAL.includes(instance.runtimeStatus)) return "gone";
    this.deliver(
      instance,
      historyEvent(EventType.EventRaised, this.now, {
        Name: eventName,
        Input: input === undefined ? null : JSON.stringify(input),
      }),
    );
    return "accepted";
  }

  terminate(instanceId: string, reason: string): "accepted" | "not-found" | "gone" {
    const instance = this.o.store.get(instanceId);
    if (!instance) return "not-found";
    if (TERMINAL.includes(instance.runtimeStatus)) return "gone";
    this.deliver(instance, historyEvent(EventType.ExecutionTerminated, this.now, { Input: reason }));
    return "accepted";
  }

  purge(instanceId: string): boolean {
    this.cancelTimers(instanceId);
    return this.o.store.purge(instanceId);
  }

  get(instanceId: string): Instance | undefined {
    return this.o.store.get(instanceId);
  }

  list(): Instance[] {
    return this.o.store.all();
  }

  private deliver(instance: Instance, event: HistoryEvent): void {
    if (isDuplicateCompletion(instance, event)) return;
    this.o.store.appendMessage(instance, event);
    this.schedule(instance.instanceId);
  }

  private schedule(instanceId: string): void {
    if (this.stopped) return;
    if (this.running.has(instanceId)) {
      this.dirty.add(instanceId);
      return;
    }
    this.running.add(instanceId);
    this.track(
      this.orchestratorLimit(async () => {
        try {
          do {
            this.dirty.delete(instanceId);
            await this.episode(instanceId);
          } while (this.dirty.has(instanceId) && !this.stopped);
        } finally {
          this.running.delete(instanceId);
        }
      }),
    );
  }

  private track(p: Promise<unknown>): void {
    const tracked = p.catch((error: unknown) =>
      this.o.logger.system(
        "error",
        `durable engine: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      ),
    );
    this.inFlight.add(tracked);
    void tracked.finally(() => this.inFlight.delete(tracked));
  }

  private async episode(instanceId: string): Promise<void> {
    const instance = this.o.store.get(instanceId);
    if (!instance || instance.inbox.length === 0) return;
    const consumed = instance.inbox.length;
    const messages = instance.inbox.slice(0, consumed);
    const now = Math.max(this.now, lastTimestamp(instance) + 1);
    const updated = new Date(now).toISOString();
    const started = historyEvent(EventType.OrchestratorStarted, now);

    if (TERMINAL.includes(instance.runtimeStatus)) {
      // Late messages for a finished instance (a timer or a duplicate result) change nothing.
      this.o.store.commitEpisode(instance, {
        consumed,
        events: [],
        status: instance.runtimeStatus,
        output: instance.output,
        customStatus: instance.customStatus,
        updated: instance.lastUpdatedTime,
      });
      return;
    }

    const termination = messages.find((m) => m.EventType === EventType.ExecutionTerminated);
    if (termination) {
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
      this.o.store.commitEpisode(instance, {
        consumed,
        events,
        status: "Terminated",
        output: reason,
        customStatus: instance.customStatus,
        updated,
      });
      this.finish(instance, "Terminated", reason);
      return;
    }

    const newEvents = [started, ...messages.map((m) => ({ ...m, IsPlayed: false }))];
    const past = instance.history.map((e) => ({ ...e, IsPlayed: true }));
    const full = [...past, ...newEvents];
    const outcome = await this.runOrchestrator(instance, full, past.length > 0);
    const actions = (outcome.state?.actions ?? []).flat();
    const result = replay(full, actions, instance.executionId);

    let status: RuntimeStatus;
    let output: unknown = null;
    let failure: string | undefined;
    if (result.nonDeterminism)
      failure = `Orchestrator function '${instance.name}' failed: NonDeterministicOrchestrationError: ${result.nonDeterminism}`;
    else if (result.unsupported)
      failure = `Orchestrator function '${instance.name}' failed: ${result.unsupported}`;
    else if (outcome.error !== undefined)
      failure = `Orchestrator function '${instance.name}' failed: ${outcome.error}`;

    const events: HistoryEvent[] = [...newEvents];
    if (failure) {
      status = "Failed";
      output = failure;
      events.push(
        historyEvent(EventType.ExecutionCompleted, now, {
          EventId: result.nextId,
          OrchestrationStatus: OrchestrationStatus.Failed,
          Result: JSON.stringify(failure),
        }),
      );
    } else {
      events.push(...result.decisions.map((d) => decisionEvent(d, now)));
      if (outcome.state?.isDone && result.continueAsNew) {
        status = "ContinuedAsNew";
        events.push(
          historyEvent(EventType.ContinueAsNew, now, {
            EventId: result.nextId,
            Result: encodeInput(result.continueAsNew.input),
          }),
        );
      } else if (outcome.state?.isDone) {
        status = "Completed";
        output = outcome.state.output ?? null;
        events.push(
          historyEvent(EventType.ExecutionCompleted, now, {
            EventId: result.nextId,
            OrchestrationStatus: OrchestrationStatus.Completed,
            Result: JSON.stringify(output),
          }),
        );
      } else {
        status = "Running";
      }
    }
    events.push(historyEvent(EventType.OrchestratorCompleted, now));
    const customStatus = outcome.state?.customStatus ?? instance.customStatus ?? null;
    this.o.store.commitEpisode(instance, { consumed, events, status, output, customStatus, updated });

    if (status === "Failed" || status === "Completed") {
      if (failure) this.o.logger.system("error", failure);
      this.finish(instance, status, output);
      return;
    }
    if (status === "ContinuedAsNew") {
      this.cancelTimers(instance.instanceId);
      const executionId = randomUUID().replace(/-/g, "");
      const input = decodeActionInput(result.continueAsNew!.input);
      const restarted = historyEvent(EventType.ExecutionStarted, now, {
        Name: instance.name,
        Version: this.o.defaultVersion ?? "",
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
      const carried = result.buffered.map((b) =>
        historyEvent(EventType.EventRaised, now, { Name: b.name, Input: b.input }),
      );
      this.o.store.restart(instance, {
        executionId,
        input,
        inbox: [restarted, ...carried, ...instance.inbox],
        updated,
      });
      this.dirty.add(instance.instanceId);
      return;
    }
    for (const d of result.decisions) this.effect(instance, d);
  }

  private async runOrchestrator(
    instance: Instance,
    history: HistoryEvent[],
    isReplaying: boolean,
  ): Promise<{ state?: OrchestratorState; error?: string }> {
    const binding = this.orchestratorBinding(instance.name);
    if (!binding)
      return {
        error: `The function '${instance.name}' doesn't exist, is disabled, or is not an orchestrator function.`,
      };
    const bindingInfo = {
      history,
      input: instance.input,
      instanceId: instance.instanceId,
      isReplaying,
      parentInstanceId: instance.parent?.instanceId ?? null,
      upperSchemaVersion: 1,
      upperSchemaVersionNew: 2,
      longRunningTimerIntervalDuration: "3.00:00:00",
      // Far beyond any real wait, so durable-functions never splits a long timer into chunks.
      maximumShortTimerDuration: "3650.00:00:00",
      defaultHttpAsyncRequestSleepTimeMillseconds: 30000,
    };
    const r = await this.o.invoker.invoke({
      functionName: instance.name,
      inputs: { [binding]: stringData(JSON.stringify(bindingInfo)) },
      describe: `[${instance.instanceId}]`,
      quiet: true,
    });
    if (r.ok) {
      const value = r.returnValue;
      const state = (typeof value === "string" ? JSON.parse(value) : value) as OrchestratorState;
      return { state };
    }
    const message = r.error?.message ?? "unknown error";
    const at = message.indexOf(OUT_OF_PROC_LABEL);
    if (at < 0) return { error: message };
    try {
      const state = JSON.parse(message.slice(at + OUT_OF_PROC_LABEL.length)) as OrchestratorState;
      // durable-functions 3 puts a boolean before the label; the real error message is in the state.
      return { state, error: state.error ?? message.slice(0, at) };
    } catch {
      return { error: message.slice(0, at) };
    }
  }

  private effect(instance: Instance, d: Decision): void {
    if (d.kind === "activity")
      this.runActivity(instance.instanceId, instance.executionId, d.id, d.name ?? "", d.input);
    else if (d.kind === "timer") {
      if (!d.canceled) this.armTimer(instance.instanceId, d.id, d.fireAt ?? new Date(this.now).toISOString());
    } else this.startChild(instance, d);
  }

  private runActivity(
    instanceId: string,
    executionId: string,
    id: number,
    name: string,
    input: unknown,
  ): void {
    this.track(
      this.activityLimit(async () => {
        if (this.stopped) return;
        const binding = this.triggerBinding(name, "activityTrigger");
        let event: HistoryEvent;
        if (!binding) {
          event = historyEvent(EventType.TaskFailed, this.now, {
            TaskScheduledId: id,
            Reason: `Activity function '${name}' failed: the function doesn't exist or is not an activity function`,
            Details: "",
          });
        } else {
          const data = typeof input === "string" ? stringData(input) : jsonData(input);
          const inputs = { [binding]: data };
          const r = await this.o.invoker.invoke({
            functionName: name,
            // Activities may take other input bindings (a durable client, to start or signal instances).
            inputs: this.o.withExtraInputs ? this.o.withExtraInputs(name, inputs) : inputs,
            describe: `[${instanceId} #${id}]`,
          });
          event = r.ok
            ? historyEvent(EventType.TaskCompleted, this.now, {
                TaskScheduledId: id,
                Result: JSON.stringify(r.returnValue ?? null),
              })
            : historyEvent(EventType.TaskFailed, this.now, {
                TaskScheduledId: id,
                Reason: `Activity function '${name}' failed: ${r.error?.message ?? ""}`,
                Details: r.error?.stack ?? "",
              });
        }
        if (this.stopped) return;
        const instance = this.o.store.get(instanceId);
        // A result for an execution that has since continued-as-new or finished belongs to nobody.
        if (!instance || instance.executionId !== executionId || TERMINAL.includes(instance.runtimeStatus))
          return;
        this.deliver(instance, event);
      }),
    );
  }

  private armTimer(instanceId: string, id: number, fireAt: string): void {
    const handles = this.timers.get(instanceId) ?? new Set<TimerHandle>();
    const handle = this.o.clock.setTimer(Date.parse(fireAt), () => {
      handles.delete(handle);
      const instance = this.o.store.get(instanceId);
      if (!instance || TERMINAL.includes(instance.runtimeStatus)) return;
      try {
        this.deliver(
          instance,
          historyEvent(EventType.TimerFired, Math.max(this.now, Date.parse(fireAt)), {
            TimerId: id,
            FireAt: fireAt,
          }),
        );
      } catch (error) {
        // A timer callback has nobody to throw to: say so; the timer is re-armed from history on restart.
        this.o.logger.system(
          "error",
          `durable engine: timer ${id} of ${instanceId} not delivered: ${String(error)}`,
        );
      }
    });
    handles.add(handle);
    this.timers.set(instanceId, handles);
  }

  private cancelTimers(instanceId: string): void {
    for (const h of this.timers.get(instanceId) ?? []) this.o.clock.clearTimer(h);
    this.timers.delete(instanceId);
  }

  private startChild(parent: Instance, d: Decision): void {
    const childId = d.instanceId!;
    const existing = this.o.store.get(childId);
    const ref: ParentRef = {
      instanceId: parent.instanceId,
      executionId: parent.executionId,
      taskScheduleId: d.id,
    };
    if (
      existing &&
      existing.parent?.instanceId === parent.instanceId &&
      existing.parent.taskScheduleId === d.id &&
      existing.parent.executionId === parent.executionId
    ) {
      // Already created before a crash: make sure a finished child has told its parent.
      if (TERMINAL.includes(existing.runtimeStatus)) this.notifyParent(existing);
      return;
    }
    try {
      this.startNew(d.name ?? "", childId, decodeActionInput(d.input, false), ref);
    } catch (error) {
      this.deliver(
        parent,
        historyEvent(EventType.SubOrchestrationInstanceFailed, this.now, {
          TaskScheduledId: d.id,
          Reason: error instanceof Error ? error.message : String(error),
          Details: "",
        }),
      );
    }
  }

  private finish(instance: Instance, status: RuntimeStatus, output: unknown): void {
    this.cancelTimers(instance.instanceId);
    this.o.store.release(instance.instanceId);
    this.o.logger.invocation(`${instance.name} [${instance.instanceId}] ${status.toLowerCase()}`);
    void output;
    this.notifyParent(instance);
  }

  private notifyParent(child: Instance): void {
    if (!child.parent) return;
    const parent = this.o.store.get(child.parent.instanceId);
    if (!parent || parent.executionId !== child.parent.executionId) return;
    const id = child.parent.taskScheduleId;
    const event =
      child.runtimeStatus === "Completed"
        ? historyEvent(EventType.SubOrchestrationInstanceCompleted, this.now, {
            TaskScheduledId: id,
            Result: JSON.stringify(child.output ?? null),
          })
        : historyEvent(EventType.SubOrchestrationInstanceFailed, this.now, {
            TaskScheduledId: id,
            Reason:
              typeof child.output === "string"
                ? child.output
                : `Sub-orchestration '${child.name}' ${child.runtimeStatus.toLowerCase()}`,
            Details: "",
          });
    this.deliver(parent, event);
  }

  /** After a restart: redo what the store shows as decided but possibly not done. */
  private recover(instance: Instance): void {
    if (TERMINAL.includes(instance.runtimeStatus)) {
      this.notifyParent(instance);
      return;
    }
    const seen = [...instance.history, ...instance.inbox];
    const completed = new Set(
      seen.filter((e) => e.TaskScheduledId !== undefined).map((e) => e.TaskScheduledId),
    );
    const fired = new Set(seen.filter((e) => e.EventType === EventType.TimerFired).map((e) => e.TimerId));
    for (const e of instance.history) {
      if (e.EventType === EventType.TaskScheduled && !completed.has(e.EventId)) {
        this.runActivity(
          instance.instanceId,
          instance.executionId,
          e.EventId,
          e.Name ?? "",
          e.Input === undefined || e.Input === null ? null : e.Input,
        );
      } else if (e.EventType === EventType.TimerCreated && !fired.has(e.EventId)) {
        this.armTimer(instance.instanceId, e.EventId, e.FireAt ?? new Date(this.now).toISOString());
      } else if (e.EventType === EventType.SubOrchestrationInstanceCreated && !completed.has(e.EventId)) {
        this.startChild(instance, {
          id: e.EventId,
          kind: "subOrchestration",
          name: e.Name ?? "",
          instanceId: e.InstanceId ?? "",
          input: e.Input === undefined || e.Input === null ? null : JSON.parse(e.Input),
        });
      }
    }
    if (instance.inbox.length > 0) this.schedule(instance.instanceId);
  }

  private orchestratorBinding(name: string): string | undefined {
    return this.triggerBinding(name, "orchestrationTrigger");
  }

  private triggerBinding(name: string, type: string): string | undefined {
    const fn = this.o.registry.functions.get(name);
    if (!fn) return undefined;
    return Object.entries(fn.metadata.bindings).find(
      ([, b]) => b.type.toLowerCase() === type.toLowerCase(),
    )?.[0];
  }
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

function decodeActionInput(input: unknown, preEncoded = true): unknown {
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
function isDuplicateCompletion(instance: Instance, event: HistoryEvent): boolean {
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

export type { Action };
