import type { Clock } from "../../clock/clock.js";
import { outsideHolds } from "../../clock/clock.js";
import type { Registry, TypedData } from "../core-api.js";
import type { InvocationResult, Invoker } from "../invoker.js";
import type { HostLogger } from "../logger.js";
import type { DurableLimits } from "./limits.js";
import type { InstanceStore } from "./store.js";

/** What the durable engine (engine.ts) is built from, and the errors its client doors answer with. */
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
  /** Routes an activity's output bindings, as the host does for every function. */
  readonly routeOutputs?: (functionName: string, result: InvocationResult) => void;
  /** Azure's Durable limits for the configured backend (limits.ts); default the Azure Storage profile. */
  readonly limits?: DurableLimits;
}

export class InstanceExistsError extends Error {
  override readonly name = "InstanceExistsError";
}

/** An id Azure would refuse: answered 400, permanent (never retried as a storage hiccup would be). */
export class InvalidInstanceIdError extends Error {
  override readonly name = "InvalidInstanceIdError";
}

export type Limit = <T>(fn: () => Promise<T>) => Promise<T>;

/** Work the engine schedules belongs to no caller's holds (a sleeping activity must not mark its starter). */
export const detached =
  (limit: Limit): Limit =>
  (fn) =>
    outsideHolds(() => limit(fn));
