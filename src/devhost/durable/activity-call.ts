import type { TypedData } from "../core-api.js";
import type { InvocationResult, Invoker } from "../invoker.js";
import { jsonData, stringData } from "../typed-data.js";
import { EventType, historyEvent, type HistoryEvent } from "./history.js";

/**
 * Runs one scheduled activity and answers the message its orchestration receives: TaskCompleted with the
 * result, or TaskFailed with the reason (also when no such activity function exists).
 */
export interface ActivityCall {
  readonly instanceId: string;
  readonly id: number;
  readonly name: string;
  /** As the action carried it: strings are pre-encoded JSON. */
  readonly input: unknown;
  /** The activity trigger's binding name, if the function is an activity at all. */
  readonly binding: string | undefined;
}

export async function callActivity(
  invoker: Invoker,
  call: ActivityCall,
  now: () => number,
  withExtraInputs?: (functionName: string, inputs: Record<string, TypedData>) => Record<string, TypedData>,
  /** Where the activity's output bindings go (the host routes them as for any function). */
  routeOutputs?: (functionName: string, result: InvocationResult) => void,
): Promise<HistoryEvent> {
  const { instanceId, id, name, input, binding } = call;
  if (!binding) {
    return historyEvent(EventType.TaskFailed, now(), {
      TaskScheduledId: id,
      Reason: `Activity function '${name}' failed: the function doesn't exist or is not an activity function`,
      Details: "",
    });
  }
  const data = typeof input === "string" ? stringData(input) : jsonData(input);
  const inputs = { [binding]: data };
  const r = await invoker.invoke({
    functionName: name,
    // Activities may take other input bindings (a durable client, to start or signal instances).
    inputs: withExtraInputs ? withExtraInputs(name, inputs) : inputs,
    describe: `[${instanceId} #${id}]`,
  });
  routeOutputs?.(name, r);
  return r.ok
    ? historyEvent(EventType.TaskCompleted, now(), {
        TaskScheduledId: id,
        Result: JSON.stringify(r.returnValue ?? null),
      })
    : historyEvent(EventType.TaskFailed, now(), {
        TaskScheduledId: id,
        Reason: `Activity function '${name}' failed: ${r.error?.message ?? ""}`,
        Details: r.error?.stack ?? "",
      });
}
