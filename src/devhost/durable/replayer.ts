import { ActionType, type Action, type RetryPolicy } from "./actions.js";
import { EventType, eventTypeName, type HistoryEvent } from "./history.js";

/**
 * Replays an orchestrator's actions against its history the way the Durable extension's out-of-proc shim
 * and DurableTask.Core do (research/local-runtime.md §2.6), to learn two things durable-functions cannot
 * tell us: whether the code still makes the decisions its history recorded (determinism), and which
 * decisions are new and must now be carried out.
 *
 * Model: actions are invoked one after another, each only once the previous one's task has completed in
 * the history; invoking an activity, timer or sub-orchestration takes the next sequence id; the history's
 * scheduling events must find an invoked action with the same id, kind and name. What is invoked but not
 * yet in the history is a new decision. Tasks are completed synchronously while walking the history, so
 * one pass is deterministic and linear in the history length.
 */
export type DecisionKind = "activity" | "timer" | "subOrchestration";

export interface Decision {
  readonly id: number;
  readonly kind: DecisionKind;
  readonly name?: string;
  /** Activity input exactly as the action carried it (strings are pre-encoded JSON). */
  readonly input?: unknown;
  readonly fireAt?: string;
  readonly canceled?: boolean;
  readonly instanceId?: string;
}

export interface ReplayResult {
  readonly decisions: readonly Decision[];
  /** EventRaised payloads nobody waited for; carried into the next generation on continueAsNew. */
  readonly buffered: readonly { name: string; input: string | null }[];
  readonly continueAsNew?: { input: unknown };
  readonly nonDeterminism?: string;
  readonly unsupported?: string;
  /** The id an ExecutionCompleted event takes. */
  readonly nextId: number;
}

class Task {
  done = false;
  failed = false;
  private listeners: (() => void)[] = [];

  finish(failed = false): void {
    if (this.done) return;
    this.done = true;
    this.failed = failed;
    const listeners = this.listeners;
    this.listeners = [];
    for (const l of listeners) l();
  }

  onDone(fn: () => void): void {
    if (this.done) fn();
    else this.listeners.push(fn);
  }
}

const ACTION_NAMES: Record<number, string> = Object.fromEntries(
  Object.entries(ActionType).map(([k, v]) => [v, k]),
);
const KIND_OF_EVENT: Partial<Record<number, DecisionKind>> = {
  [EventType.TaskScheduled]: "activity",
  [EventType.TimerCreated]: "timer",
  [EventType.SubOrchestrationInstanceCreated]: "subOrchestration",
};
const ACTION_OF_KIND: Record<DecisionKind, string> = {
  activity: "CallActivity",
  timer: "CreateTimer",
  subOrchestration: "CallSubOrchestrator",
};

export function replay(
  history: readonly HistoryEvent[],
  actions: readonly Action[],
  executionId: string,
): ReplayResult {
  return new Replay(actions, executionId).run(history);
}

class Replay {
  private counter = 0;
  private now = 0;
  private readonly pending = new Map<number, Decision>();
  private readonly open = new Map<number, Task>();
  private readonly waiters = new Map<string, Task[]>();
  private readonly buffer = new Map<string, (string | null)[]>();
  private cursor = 0;
  private current: Task | undefined;
  private nonDeterminism: string | undefined;
  private unsupported: string | undefined;
  private continueAsNew: { input: unknown } | undefined;

  constructor(
    private readonly actions: readonly Action[],
    private readonly executionId: string,
  ) {}

  run(history: readonly HistoryEvent[]): ReplayResult {
    for (const ev of history) {
      if (this.nonDeterminism || this.unsupported) break;
      this.apply(ev);
    }
    const decisions = [...this.pending.values()].sort((a, b) => a.id - b.id);
    const buffered = [...this.buffer].flatMap(([name, inputs]) => inputs.map((input) => ({ name, input })));
    return {
      decisions,
      buffered,
      nextId: this.counter,
      ...(this.continueAsNew ? { continueAsNew: this.continueAsNew } : {}),
      ...(this.nonDeterminism ? { nonDeterminism: this.nonDeterminism } : {}),
      ...(this.unsupported ? { unsupported: this.unsupported } : {}),
    };
  }

  private apply(ev: HistoryEvent): void {
    switch (ev.EventType) {
      case EventType.OrchestratorStarted:
        this.now = Date.parse(ev.Timestamp);
        return;
      case EventType.ExecutionStarted:
        this.invokeNext();
        return;
      case EventType.TaskScheduled:
      case EventType.TimerCreated:
      case EventType.SubOrchestrationInstanceCreated:
        this.matchScheduled(ev);
        return;
      case EventType.EventSent:
        this.unsupported = "history contains EventSent (entities); the local engine does not run entities";
        return;
      case EventType.TaskCompleted:
      case EventType.SubOrchestrationInstanceCompleted:
        this.open.get(ev.TaskScheduledId ?? -1)?.finish(false);
        this.open.delete(ev.TaskScheduledId ?? -1);
        return;
      case EventType.TaskFailed:
      case EventType.SubOrchestrationInstanceFailed:
        this.open.get(ev.TaskScheduledId ?? -1)?.finish(true);
        this.open.delete(ev.TaskScheduledId ?? -1);
        return;
      case EventType.TimerFired:
        this.open.get(ev.TimerId ?? -1)?.finish(false);
        this.open.delete(ev.TimerId ?? -1);
        return;
      case EventType.EventRaised:
        this.deliver(ev.Name ?? "", ev.Input ?? null);
        return;
      default:
        return;
    }
  }

  private matchScheduled(ev: HistoryEvent): void {
    const kind = KIND_OF_EVENT[ev.EventType]!;
    const expected = this.pending.get(ev.EventId);
    const recorded = `${eventTypeName(ev.EventType)} #${ev.EventId}${ev.Name ? ` '${ev.Name}'` : ""}`;
    if (!expected) {
      this.nonDeterminism = `history has ${recorded} but the replay has not scheduled anything with that sequence number (did the orchestrator code change?)`;
      return;
    }
    const sameName =
      kind === "timer" || (ev.Name ?? "").toLowerCase() === (expected.name ?? "").toLowerCase();
    if (expected.kind !== kind || !sameName) {
      this.nonDeterminism = `history has ${recorded} but the replay produced ${ACTION_OF_KIND[expected.kind]}${expected.name ? ` '${expected.name}'` : ""} at that sequence number`;
      return;
    }
    this.pending.delete(ev.EventId);
  }

  private invokeNext(): void {
    while (this.cursor < this.actions.length && (this.current === undefined || this.current.done)) {
      const action = this.actions[this.cursor++]!;
      const task = this.invoke(action);
      this.current = task;
      if (!task.done) {
        task.onDone(() => this.invokeNext());
        return;
      }
    }
  }

  private invoke(action: Action): Task {
    switch (action.actionType) {
      case ActionType.CallActivity:
        return this.atomic({ kind: "activity", name: action.functionName ?? "", input: action.input });
      case ActionType.CallSubOrchestrator:
        return this.atomic({
          kind: "subOrchestration",
          name: action.functionName ?? "",
          input: action.input,
          instanceId: action.instanceId,
        });
      case ActionType.CallActivityWithRetry:
        return this.withRetry(action, () =>
          this.atomic({ kind: "activity", name: action.functionName ?? "", input: action.input }),
        );
      case ActionType.CallSubOrchestratorWithRetry:
        return this.withRetry(action, () =>
          this.atomic({
            kind: "subOrchestration",
            name: action.functionName ?? "",
            input: action.input,
            instanceId: action.instanceId,
          }),
        );
      case ActionType.CreateTimer: {
        const task = this.atomic({
          kind: "timer",
          fireAt: action.fireAt ?? new Date(this.now).toISOString(),
          canceled: action.isCanceled === true,
        });
        // A cancelled timer still takes its id (and a TimerCreated if new); its task ends at once.
        if (action.isCanceled) task.finish(false);
        return task;
      }
      case ActionType.WaitForExternalEvent:
        return this.waitFor(action.externalEventName ?? "");
      case ActionType.WhenAll:
        return this.whenAll((action.compoundActions ?? []).map((a) => this.invoke(a)));
      case ActionType.WhenAny:
        return this.whenAny((action.compoundActions ?? []).map((a) => this.invoke(a)));
      case ActionType.ContinueAsNew: {
        this.continueAsNew = { input: action.input };
        const t = new Task();
        t.finish();
        return t;
      }
      default: {
        this.unsupported = `${ACTION_NAMES[action.actionType] ?? `action type ${action.actionType}`} is not supported by the local durable engine`;
        return new Task();
      }
    }
  }

  private atomic(d: Omit<Decision, "id">): Task {
    const id = this.counter++;
    const decision: Decision =
      d.kind === "subOrchestration"
        ? { ...d, id, instanceId: d.instanceId ?? `${this.executionId}:${id}` }
        : { ...d, id };
    this.pending.set(id, decision);
    const task = new Task();
    this.open.set(id, task);
    return task;
  }

  /**
   * A retried call: attempt, and after each failure a retry timer (DTFx's RetryInterceptor). After the last
   * attempt the timer fires at once and the task fails — durable-functions waits for that timer too.
   */
  private withRetry(action: Action, attempt: () => Task): Task {
    const policy: RetryPolicy = action.retryOptions ?? {
      firstRetryIntervalInMilliseconds: 1000,
      maxNumberOfAttempts: 1,
    };
    const outer = new Task();
    const firstAttemptAt = this.now;
    let attempts = 0;
    const next = () => {
      attempts++;
      const t = attempt();
      t.onDone(() => {
        if (!t.failed) return outer.finish(false);
        const timedOut =
          policy.retryTimeoutInMilliseconds !== undefined &&
          this.now - firstAttemptAt >= policy.retryTimeoutInMilliseconds;
        const exhausted = attempts >= policy.maxNumberOfAttempts || timedOut;
        const delay = exhausted ? 0 : retryDelay(policy, attempts);
        const timer = this.atomic({ kind: "timer", fireAt: new Date(this.now + delay).toISOString() });
        timer.onDone(() => (exhausted ? outer.finish(true) : next()));
      });
    };
    next();
    return outer;
  }

  private waitFor(name: string): Task {
    const task = new Task();
    const queued = this.buffer.get(name);
    if (queued && queued.length > 0) {
      queued.shift();
      if (queued.length === 0) this.buffer.delete(name);
      task.finish();
      return task;
    }
    const stack = this.waiters.get(name) ?? [];
    stack.push(task);
    this.waiters.set(name, stack);
    return task;
  }

  /** A raised event completes the most recent waiter (LIFO, as the SDK and the extension do), else waits in a FIFO buffer. */
  private deliver(name: string, input: string | null): void {
    const stack = this.waiters.get(name);
    const waiter = stack?.pop();
    if (waiter) {
      if (stack!.length === 0) this.waiters.delete(name);
      waiter.finish();
      return;
    }
    const queued = this.buffer.get(name) ?? [];
    queued.push(input);
    this.buffer.set(name, queued);
  }

  private whenAll(children: Task[]): Task {
    const task = new Task();
    let remaining = children.filter((c) => !c.done).length;
    if (remaining === 0) task.finish(children.some((c) => c.failed));
    for (const c of children) {
      if (c.done) continue;
      c.onDone(() => {
        remaining--;
        if (remaining === 0) task.finish(children.some((x) => x.failed));
      });
    }
    return task;
  }

  private whenAny(children: Task[]): Task {
    const task = new Task();
    if (children.some((c) => c.done) || children.length === 0) task.finish();
    else for (const c of children) c.onDone(() => task.finish());
    return task;
  }
}

export function retryDelay(policy: RetryPolicy, failedAttempts: number): number {
  const coefficient = policy.backoffCoefficient ?? 1;
  const delay = policy.firstRetryIntervalInMilliseconds * coefficient ** (failedAttempts - 1);
  return Math.min(delay, policy.maxRetryIntervalInMilliseconds ?? Number.POSITIVE_INFINITY);
}
