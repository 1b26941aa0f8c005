import type { Policy } from "../config/policy.js";
import type { DomainEvent } from "../events/domain-event.js";
import { decide } from "./decide.js";
import { execute, type Outcome } from "./execute.js";
import type { DispatchLogger, DurablePort, PoisonRecord } from "./port.js";
import type { VerifyContext } from "./verify.js";

export interface IngestDeps {
  readonly policies: readonly Policy[];
  readonly port: DurablePort;
  readonly log: DispatchLogger;
  /** Which trigger delivered the batch (eventGrid, eventHub, webhook, cli). */
  readonly source: string;
  readonly receivedAt: string;
  /** ARM reads that check each event's claims before anything starts (verify.ts). */
  readonly verify: VerifyContext;
}

export interface IngestReport {
  readonly total: number;
  readonly rejected: number;
  /** Events whose decisions all ran. */
  readonly handled: number;
  /** Events where a decision failed (e.g. the durable backend was unreachable); kept as poison records. */
  readonly failed: number;
  readonly poison: readonly PoisonRecord[];
  readonly outcomes: readonly Outcome[];
}

/**
 * Decides and executes per event. An event whose execution fails becomes a poison record with the error
 * as its reason, and the other events of the batch are unaffected. Callers retry only when *every* event
 * failed (nothing succeeded, so retrying re-delivers nothing that was handled).
 */
export async function ingest(events: readonly DomainEvent[], deps: IngestDeps): Promise<IngestReport> {
  const planned = decide(events, deps.policies);
  const poison: PoisonRecord[] = [];
  const outcomes: Outcome[] = [];
  let failed = 0;
  let rejected = 0;
  const handledStarts = new Set<string>();
  for (const { event, decisions } of planned) {
    if (event.kind === "Rejected") rejected++;
    const result = await execute(decisions, { ...deps, handledStarts });
    outcomes.push(...result.outcomes);
    poison.push(...result.poison);
    // An event whose claims ARM contradicts, or that names an id Azure refuses, is reported as such and
    // not retried (it cannot get truer).
    const refused = result.outcomes.flatMap((o) => (o.result === "refused" ? [o.reason] : []));
    if (refused.length > 0)
      poison.push({
        key: event.key,
        reason: `refused (not retried): ${refused.join("; ")}`,
        at: event.key,
        receivedAt: deps.receivedAt,
        source: deps.source,
        ...("eventType" in event && event.eventType
          ? { eventType: event.eventType }
          : { eventType: event.kind }),
        transient: false,
      });
    const failures = result.outcomes.filter((o) => o.result === "failed");
    if (failures.length > 0) {
      failed++;
      poison.push({
        key: event.key,
        reason: failures.map((f) => (f.result === "failed" ? f.error : "")).join("; "),
        at: event.kind === "Rejected" ? event.at : event.key,
        receivedAt: deps.receivedAt,
        source: deps.source,
        ...("eventType" in event && event.eventType
          ? { eventType: event.eventType }
          : { eventType: event.kind }),
        transient: true,
      });
    }
  }
  return {
    total: events.length,
    rejected,
    handled: events.length - failed - rejected,
    failed,
    poison,
    outcomes,
  };
}

/** True when retrying the batch is right: something failed and nothing was handled. */
export function shouldRetry(report: IngestReport): boolean {
  return report.failed > 0 && report.handled === 0;
}
