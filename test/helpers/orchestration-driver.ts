import type * as df from "durable-functions";
import { utf16Bytes, utf8Bytes } from "../../src/contracts/lanes.js";

/**
 * Runs an orchestrator generator in process, the way Durable Functions would across episodes, and measures
 * what Azure limits: every custom status (UTF-16 bytes), every payload (inputs, outputs, event data,
 * activity inputs and results, continueAsNew state; UTF-8 bytes) and each execution's history length,
 * counted as the extension records it — ExecutionStarted/Completed (or ContinueAsNew), per episode
 * OrchestratorStarted/Completed, per activity TaskScheduled + TaskCompleted, per timer TimerCreated +
 * TimerFired (a cancelled timer still fires into history), per delivered event EventRaised.
 *
 * The scenario answers activities and decides which event arrives next; a `Task.any` without a queued
 * event lets its timer fire (time moves to it). No replay: the workflows are deterministic by construction
 * and their replay is tested elsewhere; this is about sizes and counts.
 */
interface FakeTask {
  kind: "activity" | "timer" | "event" | "any";
  name?: string;
  input?: unknown;
  fireAt?: number;
  tasks?: FakeTask[];
  result?: unknown;
  cancel(): void;
}

export interface Scenario {
  activity(instanceId: string, name: string, input: unknown, now: number): unknown;
  /** The next event for this instance among `names`, if one is queued. */
  nextEvent(
    instanceId: string,
    names: readonly string[],
    now: number,
  ): { name: string; data: unknown } | undefined;
}

export interface Measured {
  maxStatusUtf16: number;
  maxPayloadUtf8: number;
  maxPayloadWhat: string;
  maxHistory: number;
  executions: number;
  output: unknown;
  lastStatus: unknown;
}

export function runOrchestration(
  orchestrator: (ctx: df.OrchestrationContext) => Generator<df.Task, unknown, unknown>,
  instanceId: string,
  input: unknown,
  scenario: Scenario,
  clock: { now: number },
  measured: Measured = {
    maxStatusUtf16: 0,
    maxPayloadUtf8: 0,
    maxPayloadWhat: "",
    maxHistory: 0,
    executions: 0,
    output: undefined,
    lastStatus: undefined,
  },
  maxEpisodes = 100_000,
): Measured {
  const payload = (what: string, value: unknown) => {
    const size = utf8Bytes(value ?? null);
    if (size > measured.maxPayloadUtf8) {
      measured.maxPayloadUtf8 = size;
      measured.maxPayloadWhat = what;
    }
  };
  let current = input;
  for (;;) {
    measured.executions++;
    payload(`${instanceId} input`, current);
    let history = 2; // ExecutionStarted, and ExecutionCompleted or ContinueAsNew
    let continued: { input: unknown } | undefined;
    const task = (t: Omit<FakeTask, "cancel">): FakeTask => ({ ...t, cancel: () => undefined });
    const ctx = {
      df: {
        instanceId,
        isReplaying: false,
        get currentUtcDateTime() {
          return new Date(clock.now);
        },
        getInput: () => current,
        setCustomStatus: (status: unknown) => {
          measured.maxStatusUtf16 = Math.max(measured.maxStatusUtf16, utf16Bytes(status));
          measured.lastStatus = status;
        },
        callActivity: (name: string, input: unknown) => task({ kind: "activity", name, input }),
        callActivityWithRetry: (name: string, _retry: unknown, input: unknown) =>
          task({ kind: "activity", name, input }),
        createTimer: (at: Date) => task({ kind: "timer", fireAt: at.getTime() }),
        waitForExternalEvent: (name: string) => task({ kind: "event", name }),
        Task: { any: (tasks: FakeTask[]) => task({ kind: "any", tasks }) },
        continueAsNew: (next: unknown) => {
          continued = { input: next };
        },
      },
      error: () => undefined,
      log: () => undefined,
    } as unknown as df.OrchestrationContext;

    const gen = orchestrator(ctx);
    let sent: unknown = undefined;
    let episodes = 0;
    for (;;) {
      const step = gen.next(sent);
      if (step.done) {
        if (!continued) {
          payload(`${instanceId} output`, step.value);
          measured.output = step.value;
        }
        break;
      }
      if (++episodes > maxEpisodes) throw new Error(`${instanceId}: more than ${maxEpisodes} episodes`);
      history += 2; // OrchestratorStarted, OrchestratorCompleted
      const yielded = step.value as unknown as FakeTask;
      sent = resolve(yielded);
    }
    measured.maxHistory = Math.max(measured.maxHistory, history);
    if (!continued) return measured;
    payload(`${instanceId} continueAsNew`, continued.input);
    current = continued.input;

    function resolve(t: FakeTask): unknown {
      if (t.kind === "activity") {
        history += 2;
        payload(`${instanceId} activity ${t.name} input`, t.input);
        const result = scenario.activity(instanceId, t.name!, t.input, clock.now);
        payload(`${instanceId} activity ${t.name} result`, result);
        t.result = result;
        return result;
      }
      if (t.kind === "timer") {
        history += 2;
        clock.now = Math.max(clock.now, t.fireAt!);
        return undefined;
      }
      if (t.kind === "event") {
        const e = scenario.nextEvent(instanceId, [t.name!], clock.now);
        if (!e) throw new Error(`${instanceId}: waits for ${t.name} and none will come`);
        history += 1;
        payload(`${instanceId} event ${e.name}`, e.data);
        t.result = e.data;
        return e.data;
      }
      const children = t.tasks!;
      // Each timer is created and fires into history; one cut short by an event still fires later (an episode).
      const timers = children.filter((x) => x.kind === "timer").length;
      history += 2 * timers;
      const events = children.filter((x) => x.kind === "event");
      const e = scenario.nextEvent(
        instanceId,
        events.map((x) => x.name!),
        clock.now,
      );
      if (e) {
        history += 1 + 2 * timers; // the event; each cut-short timer's later episode
        payload(`${instanceId} event ${e.name}`, e.data);
        const winner = events.find((x) => x.name === e.name)!;
        winner.result = e.data;
        return winner;
      }
      const timer = children.find((x) => x.kind === "timer");
      if (!timer)
        throw new Error(`${instanceId}: waits for ${events.map((x) => x.name).join("/")} and none will come`);
      clock.now = Math.max(clock.now, timer.fireAt!);
      return timer;
    }
  }
}
