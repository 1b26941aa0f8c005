import type { Invoker } from "../invoker.js";
import { stringData } from "../typed-data.js";
import type { OrchestratorState } from "./actions.js";
import type { OrchestratorOutcome } from "./episode-decision.js";
import type { HistoryEvent } from "./history.js";
import type { Instance } from "./store.js";

/**
 * Runs an orchestrator function once over a history, the way the Durable extension calls an out-of-proc
 * worker: the trigger binding carries the history and the instance, the answer is the orchestrator state.
 */
const OUT_OF_PROC_LABEL = "\n\n$OutOfProcData$:";

export async function callOrchestrator(
  invoker: Invoker,
  binding: string,
  instance: Instance,
  history: HistoryEvent[],
  isReplaying: boolean,
): Promise<OrchestratorOutcome> {
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
  const r = await invoker.invoke({
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
  return outcomeOfError(r.error?.message ?? "unknown error");
}

/** A failed orchestrator still sends its state after a label; the real error message is in that state. */
function outcomeOfError(message: string): OrchestratorOutcome {
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
