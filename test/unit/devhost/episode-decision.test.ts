import { describe, expect, it } from "vitest";
import { ActionType, type Action } from "../../../src/devhost/durable/actions.js";
import {
  decideEpisode,
  decideWithoutOrchestrator,
  openEpisode,
  unfinishedDecisions,
  type Episode,
} from "../../../src/devhost/durable/episode-decision.js";
import {
  EventType,
  OrchestrationStatus,
  historyEvent,
  type HistoryEvent,
} from "../../../src/devhost/durable/history.js";
import type { Instance } from "../../../src/devhost/durable/store.js";

/**
 * The engine's episode decision on its own: no store, no invoker, no clock. Each case gives an instance,
 * its inbox and what the orchestrator answered, and reads the history to append and what must follow.
 */
const T = Date.parse("2026-11-23T00:00:00Z");
const ev = (type: EventType, fields: Partial<HistoryEvent> = {}, t = T) => historyEvent(type, t, fields);
const executionStarted = ev(EventType.ExecutionStarted, { Name: "o", Input: "null" });
const act = (name: string, input: unknown = null): Action => ({
  actionType: ActionType.CallActivity,
  functionName: name,
  input,
});

function instance(fields: Partial<Instance> = {}): Instance {
  return {
    instanceId: "i1",
    name: "o",
    executionId: "e1",
    input: null,
    createdTime: new Date(T).toISOString(),
    lastUpdatedTime: new Date(T).toISOString(),
    runtimeStatus: "Pending",
    history: [],
    inbox: [executionStarted],
    output: null,
    customStatus: null,
    parent: undefined,
    ...fields,
  };
}

function open(i: Instance, now = T + 1000): Episode {
  const episode = openEpisode(i, now);
  if (!episode) throw new Error("expected an episode");
  return episode;
}

const types = (events: readonly HistoryEvent[]) => events.map((e) => e.EventType);

describe("Function: openEpisode", () => {
  it("opens nothing for an empty inbox and never runs time backwards", () => {
    expect(openEpisode(instance({ inbox: [] }), T)).toBeUndefined();
    const past = [ev(EventType.OrchestratorStarted, {}, T + 5000)];
    const episode = open(instance({ history: past }), T);
    expect(episode.now).toBe(T + 5001);
    expect(episode.isReplaying).toBe(true);
    expect(episode.history.map((e) => e.IsPlayed)).toEqual([true, false, false]);
  });
});

describe("Function: decideWithoutOrchestrator", () => {
  it("consumes late messages of a finished instance and changes nothing else", () => {
    const done = instance({
      runtimeStatus: "Completed",
      output: 42,
      inbox: [ev(EventType.TimerFired, { TimerId: 0 })],
    });
    const plan = decideWithoutOrchestrator(done, open(done));
    expect(plan?.commit).toMatchObject({ consumed: 1, events: [], status: "Completed", output: 42 });
    expect(plan?.then).toEqual({ kind: "none" });
  });

  it("ends a terminated instance with the reason as its output, whatever it was doing", () => {
    const running = instance({
      runtimeStatus: "Running",
      inbox: [ev(EventType.ExecutionTerminated, { Input: "stop it" })],
    });
    const plan = decideWithoutOrchestrator(running, open(running))!;
    expect(plan.commit.status).toBe("Terminated");
    expect(plan.commit.output).toBe("stop it");
    expect(types(plan.commit.events)).toEqual([
      EventType.OrchestratorStarted,
      EventType.ExecutionTerminated,
      EventType.ExecutionCompleted,
      EventType.OrchestratorCompleted,
    ]);
    expect(plan.commit.events[2]).toMatchObject({
      OrchestrationStatus: OrchestrationStatus.Terminated,
      Result: '"stop it"',
    });
    expect(plan.then).toEqual({ kind: "finish", status: "Terminated" });
  });

  it("leaves an ordinary episode to the orchestrator", () => {
    const fresh = instance();
    expect(decideWithoutOrchestrator(fresh, open(fresh))).toBeUndefined();
  });
});

describe("Function: decideEpisode", () => {
  it("records a new activity with its encoded input and asks for it to be run", () => {
    const fresh = instance();
    const plan = decideEpisode(fresh, open(fresh), {
      state: { isDone: false, actions: [[act("greet", { to: "x" })]] },
    });
    expect(plan.commit.status).toBe("Running");
    expect(types(plan.commit.events)).toEqual([
      EventType.OrchestratorStarted,
      EventType.ExecutionStarted,
      EventType.TaskScheduled,
      EventType.OrchestratorCompleted,
    ]);
    expect(plan.commit.events[2]).toMatchObject({ EventId: 0, Name: "greet", Input: '{"to":"x"}' });
    expect(plan.then).toEqual({
      kind: "perform",
      decisions: [{ id: 0, kind: "activity", name: "greet", input: { to: "x" } }],
    });
  });

  it("completes with the orchestrator's output", () => {
    const fresh = instance();
    const plan = decideEpisode(fresh, open(fresh), {
      state: { isDone: true, actions: [], output: { ok: true }, customStatus: "done" },
    });
    expect(plan.commit).toMatchObject({ status: "Completed", output: { ok: true }, customStatus: "done" });
    expect(plan.commit.events.at(-2)).toMatchObject({
      EventType: EventType.ExecutionCompleted,
      OrchestrationStatus: OrchestrationStatus.Completed,
      Result: '{"ok":true}',
    });
    expect(plan.then).toEqual({ kind: "finish", status: "Completed" });
  });

  it("fails a non-deterministic replay without scheduling anything", () => {
    const scheduled = instance({
      runtimeStatus: "Running",
      history: [
        ev(EventType.OrchestratorStarted),
        { ...executionStarted },
        ev(EventType.TaskScheduled, { EventId: 0, Name: "greet" }),
        ev(EventType.OrchestratorCompleted),
      ],
      inbox: [ev(EventType.TaskCompleted, { TaskScheduledId: 0, Result: "null" }, T + 10)],
    });
    const plan = decideEpisode(scheduled, open(scheduled), {
      state: { isDone: false, actions: [[act("flaky")]] },
    });
    expect(plan.commit.status).toBe("Failed");
    expect(plan.commit.output).toMatch(
      /^Orchestrator function 'o' failed: NonDeterministicOrchestrationError: /,
    );
    expect(types(plan.commit.events)).not.toContain(EventType.TaskScheduled);
    expect(plan.then).toMatchObject({ kind: "finish", status: "Failed", failure: plan.commit.output });
  });

  it("fails with the orchestrator's own error when it threw", () => {
    const fresh = instance();
    const plan = decideEpisode(fresh, open(fresh), { error: "boom" });
    expect(plan.commit.output).toBe("Orchestrator function 'o' failed: boom");
  });

  it("continues as new with the decoded input and carries the events nobody waited for", () => {
    const fresh = instance({
      inbox: [executionStarted, ev(EventType.EventRaised, { Name: "poke", Input: '"hi"' })],
    });
    const plan = decideEpisode(fresh, open(fresh), {
      state: { isDone: true, actions: [[{ actionType: ActionType.ContinueAsNew, input: '{"n":2}' }]] },
    });
    expect(plan.commit.status).toBe("ContinuedAsNew");
    expect(plan.commit.events.at(-2)).toMatchObject({
      EventType: EventType.ContinueAsNew,
      Result: '{"n":2}',
    });
    expect(plan.then).toMatchObject({ kind: "continueAsNew", input: { n: 2 } });
    const carried = plan.then.kind === "continueAsNew" ? plan.then.carried : [];
    expect(carried).toMatchObject([{ EventType: EventType.EventRaised, Name: "poke", Input: '"hi"' }]);
  });
});

describe("Function: unfinishedDecisions", () => {
  it("redoes what history decided and did not complete, in order, with the recorded input", () => {
    const i = instance({
      runtimeStatus: "Running",
      inbox: [],
      history: [
        ev(EventType.OrchestratorStarted),
        { ...executionStarted },
        ev(EventType.TaskScheduled, { EventId: 0, Name: "done", Input: "1" }),
        ev(EventType.TimerCreated, { EventId: 1, FireAt: "2026-11-24T00:00:00.000Z" }),
        ev(EventType.TaskScheduled, { EventId: 2, Name: "pending", Input: '"x"' }),
        ev(EventType.TimerCreated, { EventId: 3, FireAt: "2026-11-25T00:00:00.000Z" }),
        ev(EventType.TaskCompleted, { TaskScheduledId: 0, Result: "null" }),
        ev(EventType.TimerFired, { TimerId: 1 }),
      ],
    });
    expect(unfinishedDecisions(i, T)).toEqual([
      { id: 2, kind: "activity", name: "pending", input: '"x"' },
      { id: 3, kind: "timer", fireAt: "2026-11-25T00:00:00.000Z" },
    ]);
  });
});
