import { generationId } from "../contracts/instance-ids.js";
import { isActive, type DurablePort, type InstanceView } from "./port.js";

/**
 * Rollouts of one (policy, kind, target) run in generations: `rollout:<policy>:<kind>:<target>` first, then
 * `…:g2`, `…:g3` after one ends without success, so a target is never used up. Ids stay derived: the next
 * generation's id follows from what exists, and whether it may start from how the last one ended:
 *
 * - running → nothing new (the API answers 409);
 * - completed → done; an event starts nothing, only an explicit API start runs it again;
 * - canceled, rejected by a person, or terminated → an operator's decision; events never undo it, only an
 *   explicit API start does (a new event for the same target would otherwise resurrect what they stopped);
 * - failed (e.g. preparation) or an approval that timed out → the next genuine event starts the next
 *   generation. "Genuine" means its event time is after the last generation ended: a redelivered event,
 *   or one that was in flight while that generation ran, is news it already acted on, so delivering the same
 *   event twice still starts one rollout.
 */
export const MAX_GENERATIONS = 200;

export interface Generation {
  readonly generation: number;
  readonly id: string;
  readonly view: InstanceView;
}

/** The newest generation that exists, or undefined when none does. */
export async function latestGeneration(port: DurablePort, baseId: string): Promise<Generation | undefined> {
  let latest: Generation | undefined;
  for (let generation = 1; generation <= MAX_GENERATIONS; generation++) {
    const id = generationId(baseId, generation);
    const view = await port.describe(id);
    if (!view) return latest;
    latest = { generation, id, view };
  }
  throw new Error(`${baseId} already ran ${MAX_GENERATIONS} generations; refusing to start another`);
}

export type Ending = "running" | "succeeded" | "operator" | "retriable";

export function endingOf(view: InstanceView): Ending {
  if (isActive(view.runtimeStatus)) return "running";
  if (view.runtimeStatus === "Terminated" || view.runtimeStatus === "Canceled") return "operator";
  if (view.runtimeStatus !== "Completed") return "retriable";
  const outcome = (view.output as { outcome?: unknown } | null | undefined)?.outcome;
  if (outcome === "canceled") return "operator";
  if (outcome === "rejected") {
    const result = (view.customStatus as { approval?: { result?: unknown } } | null | undefined)?.approval
      ?.result;
    return typeof result === "string" && result.startsWith("timed out") ? "retriable" : "operator";
  }
  return "succeeded";
}

export type StartRequest = { by: "event"; eventTime: string } | { by: "api" };

export type StartPlan =
  | { start: true; id: string; generation: number; previous?: string }
  | { start: false; id: string; runtimeStatus: string; running: boolean; reason: string };

export async function planGeneration(
  port: DurablePort,
  baseId: string,
  request: StartRequest,
): Promise<StartPlan> {
  const latest = await latestGeneration(port, baseId);
  if (!latest) return { start: true, id: baseId, generation: 1 };
  const next = {
    start: true as const,
    id: generationId(baseId, latest.generation + 1),
    generation: latest.generation + 1,
    previous: latest.id,
  };
  const ending = endingOf(latest.view);
  const no = (reason: string) => ({
    start: false as const,
    id: latest.id,
    runtimeStatus: latest.view.runtimeStatus,
    running: ending === "running",
    reason,
  });
  if (ending === "running") return no(`${latest.id} is still ${latest.view.runtimeStatus}`);
  if (request.by === "api") return next;
  if (ending === "succeeded") return no(`${latest.id} completed; an event does not run it again`);
  if (ending === "operator")
    return no(
      `${latest.id} was stopped by an operator (${latest.view.runtimeStatus}); only POST /api/rollouts starts it again`,
    );
  const ended = Date.parse(latest.view.lastUpdatedTime ?? "");
  const at = Date.parse(request.eventTime);
  if (!Number.isFinite(ended) || !Number.isFinite(at) || at <= ended)
    return no(`${latest.id} ended after this event (${request.eventTime}); it already acted on it`);
  return next;
}
