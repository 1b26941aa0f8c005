import type { Policy } from "../config/policy.js";
import type { Decision } from "./decide.js";
import { planGeneration } from "./generations.js";
import { WorkflowName } from "./instance-ids.js";
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
 * never takes its batch down. Starting an id that exists in any state is a no-op — that is what makes
 * redelivery, duplicates and the same news from 40 clusters start exactly one workflow.
 */
export async function execute(
  decisions: readonly Decision[],
  options: ExecuteOptions,
): Promise<{ outcomes: Outcome[]; poison: PoisonRecord[] }> {
  const outcomes: Outcome[] = [];
  const poison: PoisonRecord[] = [];
  const { port, log } = options;
  for (const claimed of decisions) {
    let decision = claimed;
    if (claimed.type === "start" && options.handledStarts?.has(claimed.instanceId)) {
      outcomes.push({ decision, result: "exists" });
      continue;
    }
    try {
      const verdict = await verifyDecision(claimed, options.policies, options.verify);
      if (!verdict.ok) {
        log.warn(`dispatch: not verified, ${describe(claimed)}: ${verdict.reason}`);
        outcomes.push({ decision, result: "refused", reason: verdict.reason });
        continue;
      }
      decision = verdict.decision;
      if (claimed.type === "start") options.handledStarts?.add(claimed.instanceId);
      switch (decision.type) {
        case "start": {
          if (decision.workflow === WorkflowName.rollout) {
            const trigger = (decision.input as { trigger?: { time?: unknown } }).trigger;
            const plan = await planGeneration(port, decision.instanceId, {
              by: "event",
              eventTime: typeof trigger?.time === "string" ? trigger.time : "",
            });
            if (!plan.start) {
              log.info(`dispatch: ${plan.reason}; not started again`);
              outcomes.push({ decision, result: "exists" });
              break;
            }
            const input = { ...decision.input, generation: plan.generation };
            await port.start(decision.workflow, plan.id, input);
            decision = { ...decision, instanceId: plan.id, input };
            log.info(`dispatch: started ${decision.workflow} ${plan.id}: ${decision.because}`);
            outcomes.push({ decision, result: "started" });
            break;
          }
          const existing = await port.status(decision.instanceId);
          if (existing !== undefined) {
            log.info(`dispatch: ${decision.instanceId} already exists (${existing}); not started again`);
            outcomes.push({ decision, result: "exists" });
            break;
          }
          await port.start(decision.workflow, decision.instanceId, decision.input);
          log.info(`dispatch: started ${decision.workflow} ${decision.instanceId}: ${decision.because}`);
          outcomes.push({ decision, result: "started" });
          break;
        }
        case "raise": {
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
