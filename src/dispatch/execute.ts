import type { Policy } from "../config/policy.js";
import { instanceIdProblem } from "../shared/instance-id.js";
import type { Decision } from "./decide.js";
import { InstanceExistsError } from "../contracts/durable-port.js";
import { planGeneration } from "./generations.js";
import { WorkflowName } from "../contracts/workflow-names.js";
import type { DispatchLogger, DurablePort, PoisonRecord } from "./port.js";
import { verifyDecision, type VerifyContext } from "./verify.js";

export type Outcome =
  | { decision: Decision; result: "started" | "exists" | "raised" | "no-owner" | "logged" | "poisoned" }
  | { decision: Decision; result: "refused"; reason: string }
  | { decision: Decision; result: "failed"; error: string };

export interface ExecuteOptions {
  readonly port: DurablePort;
  readonly log: DispatchLogger;
  readonly source: string;
  readonly receivedAt: string;
  readonly policies: readonly Policy[];
  /** ARM, to check what an event claims before anything it names is started. */
  readonly verify: VerifyContext;
  /**
   * Instance ids this batch already started or found: later starts of the same id (the same release from 40
   * clusters) are no-ops and need no ARM reads. Only verified starts enter it.
   */
  readonly handledStarts?: Set<string>;
}

/**
 * Carries out decisions one by one. A failing decision is recorded and the rest still run: one bad event
 * never takes its batch down. Starting an id that exists is a no-op (for rollouts: unless its last
 * generation ended without success and the event is newer, generations.ts) — that is what makes
 * redelivery, duplicates and the same news from 40 clusters start exactly one workflow. Nothing starts
 * before the event's claims are verified against ARM (verify.ts).
 */
export async function execute(
  decisions: readonly Decision[],
  options: ExecuteOptions,
): Promise<{ outcomes: Outcome[]; poison: PoisonRecord[] }> {
  const outcomes: Outcome[] = [];
  const poison: PoisonRecord[] = [];
  const { port, log } = options;
  for (const decision of decisions) {
    if (decision.type === "start" && options.handledStarts?.has(decision.instanceId)) {
      outcomes.push({ decision, result: "exists" });
      continue;
    }
    // An id Azure would refuse (too long, `/`, `?`, …) is a property of the event, not a passing fault:
    // refused for good here, so a webhook never answers 503 and Event Grid never retries it for a day.
    const idProblem =
      decision.type === "start" || decision.type === "raise"
        ? instanceIdProblem(decision.instanceId)
        : undefined;
    if (idProblem) {
      log.warn(`dispatch: refused, ${describe(decision)}: ${idProblem}`);
      outcomes.push({ decision, result: "refused", reason: idProblem });
      continue;
    }
    try {
      switch (decision.type) {
        case "start":
          outcomes.push(await start(decision, options));
          break;
        case "raise": {
          const verdict = await verifyDecision(decision, options.policies, options.verify);
          if (!verdict.ok) {
            log.warn(`dispatch: not verified, ${describe(decision)}: ${verdict.reason}`);
            outcomes.push({ decision, result: "refused", reason: verdict.reason });
            break;
          }
          const delivered = await port.raise(decision.instanceId, decision.eventName, decision.data);
          if (delivered) log.info(`dispatch: ${decision.eventName} -> ${decision.instanceId}`);
          else
            log.info(
              `dispatch: no workflow ${decision.instanceId} to take ${decision.eventName} (${decision.because}); logged only`,
            );
          outcomes.push({ decision, result: delivered ? "raised" : "no-owner" });
          break;
        }
        case "log":
          if (decision.level === "warn") log.warn(`dispatch: ${decision.message} [${decision.eventKey}]`);
          else log.info(`dispatch: ${decision.message} [${decision.eventKey}]`);
          outcomes.push({ decision, result: "logged" });
          break;
        case "poison": {
          const e = decision.event;
          log.warn(`dispatch: rejected ${e.at}: ${e.reason}`);
          poison.push({
            key: e.key,
            reason: e.reason,
            at: e.at,
            receivedAt: options.receivedAt,
            source: options.source,
            ...(e.eventType ? { eventType: e.eventType } : {}),
            transient: false,
          });
          outcomes.push({ decision, result: "poisoned" });
          break;
        }
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      log.error(`dispatch: ${describe(decision)} failed: ${message}`);
      outcomes.push({ decision, result: "failed", error: message });
    }
  }
  return { outcomes, poison };
}

type Start = Extract<Decision, { type: "start" }>;

/**
 * A start: first whether it would start anything (an id that exists is a no-op, and a rollout's next
 * generation is due only after a run that ended without success), so the same news from 40 clusters costs
 * ARM nothing after the first; then the event's claims against ARM; then the start, as verified.
 */
async function start(claimed: Start, options: ExecuteOptions): Promise<Outcome> {
  const { port, log } = options;
  const due = await dueStart(port, claimed);
  if (!due.start) {
    options.handledStarts?.add(claimed.instanceId);
    log.info(`dispatch: ${due.reason}; not started again`);
    return { decision: claimed, result: "exists" };
  }
  const verdict = await verifyDecision(claimed, options.policies, options.verify);
  if (!verdict.ok) {
    log.warn(`dispatch: not verified, ${describe(claimed)}: ${verdict.reason}`);
    return { decision: claimed, result: "refused", reason: verdict.reason };
  }
  options.handledStarts?.add(claimed.instanceId);
  const verified = verdict.decision;
  if (verified.type === "log") {
    log.info(`dispatch: ${verified.message} [${verified.eventKey}]`);
    return { decision: verified, result: "logged" };
  }
  if (verified.type !== "start") return { decision: verified, result: "logged" };
  // Verification may name another instance (a Fleet gate is keyed by Fleet's own name for it).
  const target = verified.instanceId === claimed.instanceId ? due : await dueStart(port, verified);
  if (!target.start) {
    log.info(`dispatch: ${target.reason}; not started again`);
    return { decision: verified, result: "exists" };
  }
  const input =
    verified.workflow === WorkflowName.rollout
      ? { ...verified.input, generation: target.generation }
      : verified.input;
  try {
    await port.start(verified.workflow, target.id, input);
  } catch (error) {
    // Events for the same news arrive together (the same release from many clusters, redeliveries): another
    // delivery started this very id between our check and our start. Same id, same start: done, not a
    // failure, so Event Grid does not redeliver.
    if (!(error instanceof InstanceExistsError)) throw error;
    log.info(`dispatch: ${target.id} was started by a concurrent delivery; not started again`);
    return { decision: { ...verified, instanceId: target.id, input }, result: "exists" };
  }
  log.info(`dispatch: started ${verified.workflow} ${target.id}: ${verified.because}`);
  return { decision: { ...verified, instanceId: target.id, input }, result: "started" };
}

/** Where a start would go, if anywhere: rollouts by generation (generations.ts), everything else once per id. */
async function dueStart(
  port: DurablePort,
  d: Start,
): Promise<{ start: true; id: string; generation: number } | { start: false; reason: string }> {
  if (d.workflow === WorkflowName.rollout) {
    const time = (d.input as { trigger?: { time?: unknown } }).trigger?.time;
    const plan = await planGeneration(port, d.instanceId, {
      by: "event",
      eventTime: typeof time === "string" ? time : "",
    });
    return plan.start ? plan : { start: false, reason: plan.reason };
  }
  const existing = await port.status(d.instanceId);
  return existing === undefined
    ? { start: true, id: d.instanceId, generation: 1 }
    : { start: false, reason: `${d.instanceId} already exists (${existing})` };
}

function describe(decision: Decision): string {
  switch (decision.type) {
    case "start":
      return `start ${decision.workflow} ${decision.instanceId}`;
    case "raise":
      return `raise ${decision.eventName} to ${decision.instanceId}`;
    case "log":
      return "log";
    case "poison":
      return `poison ${decision.event.key}`;
  }
}
