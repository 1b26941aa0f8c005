import { randomUUID } from "node:crypto";
import pLimit from "p-limit";
import type { Action } from "./actions.js";
import { callActivity } from "./activity-call.js";
import {
  childResult,
  decideEpisode,
  decideWithoutOrchestrator,
  decodeActionInput,
  executionRestarted,
  executionStarted,
  isDuplicateCompletion,
  isTerminal,
  openEpisode,
  unfinishedDecisions,
  type EpisodePlan,
  type OrchestratorOutcome,
} from "./episode-decision.js";
import { EventType, historyEvent, type HistoryEvent } from "./history.js";
import { InstanceTimers } from "./instance-timers.js";
import { callOrchestrator } from "./orchestrator-call.js";
import { clientInstanceIdProblem, DurableLimits, subOrchestrationIdProblem } from "./limits.js";
import type { Decision } from "./replayer.js";
import {
  detached,
  InstanceExistsError,
  InvalidInstanceIdError,
  type EngineOptions,
  type Limit,
} from "./engine-options.js";
import type { Instance, ParentRef, RuntimeStatus } from "./store.js";

/**
 * The local durable engine: it plays the part of the Durable extension and DurableTask.Core for
 * durable-functions 3.x. One episode at a time per instance: inbox → OrchestratorStarted + messages →
 * orchestrator (durable-functions' own replay) → replayer (determinism + new decisions) → commit to the
 * store → only then the side effects (activities, timers, children, parent notification).
 * What an episode does is decided in episode-decision.ts (pure); this class persists and performs it.
 */
export class DurableEngine {
  private readonly running = new Set<string>();
  private readonly dirty = new Set<string>();
  private readonly timers: InstanceTimers;
  private readonly orchestratorLimit: Limit;
  private readonly activityLimit: Limit;
  private readonly inFlight = new Set<Promise<unknown>>();
  private stopped = false;
  readonly limits: DurableLimits;

  constructor(private readonly o: EngineOptions) {
    this.limits = o.limits ?? new DurableLimits();
    this.orchestratorLimit = detached(pLimit(o.maxConcurrentOrchestrators));
    this.activityLimit = detached(pLimit(o.maxConcurrentActivities));
    this.timers = new InstanceTimers(o.clock);
  }

  /** Loads the store and resumes every unfinished instance: activities at least once, timers re-armed. */
  resume(): void {
    for (const instance of this.o.store.load()) this.recover(instance);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.timers.cancelAll();
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
    // A child's id was checked by startChild against the sub-orchestration rules.
    const problem = parent ? undefined : clientInstanceIdProblem(id);
    if (problem) throw new InvalidInstanceIdError(problem);
    this.limits.admit("input", input);
    const existing = this.o.store.get(id);
    if (existing && !isTerminal(existing.runtimeStatus)) {
      throw new InstanceExistsError(
        `An orchestration instance with the ID '${id}' already exists and is ${existing.runtimeStatus}.`,
      );
    }
    this.timers.cancel(id);
    const executionId = randomUUID().replace(/-/g, "");
    const now = this.now;
    const version = this.o.defaultVersion ?? "";
    const ids = { instanceId: id, executionId };
    const started = executionStarted(name, version, ids, input, now, parent);
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
    if (isTerminal(instance.runtimeStatus)) return "gone";
    this.limits.admit("event", input);
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
    if (isTerminal(instance.runtimeStatus)) return "gone";
    this.deliver(instance, historyEvent(EventType.ExecutionTerminated, this.now, { Input: reason }));
    return "accepted";
  }

  purge(instanceId: string): boolean {
    this.timers.cancel(instanceId);
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
    const inFlight = this.o.clock.hold(`episodes of ${instanceId}`); // queued or running: time waits
    this.track(
      this.orchestratorLimit(async () => {
        try {
          do {
            this.dirty.delete(instanceId);
            await this.episode(instanceId);
          } while (this.dirty.has(instanceId) && !this.stopped);
        } finally {
          this.running.delete(instanceId);
          inFlight.release();
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

  /** One episode: decide (pure), commit the decision to the store, and only then perform it. */
  private async episode(instanceId: string): Promise<void> {
    const instance = this.o.store.get(instanceId);
    if (!instance) return;
    const episode = openEpisode(instance, this.now);
    if (!episode) return;
    const plan =
      decideWithoutOrchestrator(instance, episode) ??
      decideEpisode(
        instance,
        episode,
        await this.runOrchestrator(instance, episode.history, episode.isReplaying),
        this.limits,
      );
    this.o.store.commitEpisode(instance, plan.commit);
    this.limits.observe(instance.name, plan.commit.events, plan.commit.customStatus, instance.history.length);
    this.perform(instance, plan, episode.now);
  }

  private perform(instance: Instance, plan: EpisodePlan, now: number): void {
    const then = plan.then;
    switch (then.kind) {
      case "none":
        return;
      case "finish":
        if (then.failure) this.o.logger.system("error", then.failure);
        this.finish(instance, then.status);
        return;
      case "continueAsNew": {
        this.timers.cancel(instance.instanceId);
        const executionId = randomUUID().replace(/-/g, "");
        const version = this.o.defaultVersion ?? "";
        const restarted = executionRestarted(instance, version, executionId, then.input, now);
        this.o.store.restart(instance, {
          executionId,
          input: then.input,
          // Messages that arrived while the orchestrator ran stay behind the carried events.
          inbox: [restarted, ...then.carried, ...instance.inbox],
          updated: plan.commit.updated,
        });
        this.dirty.add(instance.instanceId);
        return;
      }
      case "perform":
        for (const d of then.decisions) this.effect(instance, d);
    }
  }

  private async runOrchestrator(
    instance: Instance,
    history: HistoryEvent[],
    isReplaying: boolean,
  ): Promise<OrchestratorOutcome> {
    const binding = this.orchestratorBinding(instance.name);
    if (!binding)
      return {
        error: `The function '${instance.name}' doesn't exist, is disabled, or is not an orchestrator function.`,
      };
    return callOrchestrator(this.o.invoker, binding, instance, history, isReplaying);
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
        const call = { instanceId, id, name, input, binding };
        const result = await callActivity(
          this.o.invoker,
          call,
          () => this.now,
          this.o.withExtraInputs,
          this.o.routeOutputs,
        );
        const event = this.limits.activityResult(result, name);
        if (this.stopped) return;
        const instance = this.o.store.get(instanceId);
        // A result for an execution that has since continued-as-new or finished belongs to nobody.
        if (!instance || instance.executionId !== executionId || isTerminal(instance.runtimeStatus)) return;
        this.deliver(instance, event);
      }),
    );
  }

  private armTimer(instanceId: string, id: number, fireAt: string): void {
    this.timers.arm(instanceId, Date.parse(fireAt), () => {
      const instance = this.o.store.get(instanceId);
      if (!instance || isTerminal(instance.runtimeStatus)) return;
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
      if (isTerminal(existing.runtimeStatus)) this.notifyParent(existing);
      return;
    }
    // In Azure a refused child id is dropped silently and the parent waits forever: here the parent is told.
    const parentIds = { instanceId: parent.instanceId, parentInstanceId: parent.parent?.instanceId };
    const idProblem = subOrchestrationIdProblem(childId, parentIds);
    if (idProblem) this.o.logger.system("error", `durable engine: ${parent.instanceId}: ${idProblem}`);
    try {
      if (idProblem) throw new InvalidInstanceIdError(idProblem);
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

  private finish(instance: Instance, status: RuntimeStatus): void {
    this.timers.cancel(instance.instanceId);
    this.o.store.release(instance.instanceId);
    this.o.logger.invocation(`${instance.name} [${instance.instanceId}] ${status.toLowerCase()}`);
    this.notifyParent(instance);
  }

  private notifyParent(child: Instance): void {
    if (!child.parent) return;
    const parent = this.o.store.get(child.parent.instanceId);
    if (!parent || parent.executionId !== child.parent.executionId) return;
    this.deliver(parent, childResult(child, child.parent.taskScheduleId, this.now));
  }

  /** After a restart: redo what the store shows as decided but possibly not done. */
  private recover(instance: Instance): void {
    if (isTerminal(instance.runtimeStatus)) {
      this.notifyParent(instance);
      return;
    }
    for (const d of unfinishedDecisions(instance, this.now)) this.effect(instance, d);
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

export type { Action };
export { InstanceExistsError, InvalidInstanceIdError, type EngineOptions };
