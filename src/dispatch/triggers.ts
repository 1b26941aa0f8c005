import type { HttpRequest, HttpResponseInit, InvocationContext, StorageQueueOutput } from "@azure/functions";
import type { Policy } from "../config/policy.js";
import type { DomainEvent } from "../events/domain-event.js";
import { normalizeBatch, normalizeBody, normalizeText } from "../events/normalize.js";
import { parseJsonWithin } from "../shared/json-limits.js";
import { ingest, shouldRetry, type IngestReport } from "./ingest.js";
import { lazyDurablePort } from "./lazy-durable.js";
import type { DispatchLogger, DurablePort, PoisonRecord } from "./port.js";
import type { VerifyContext } from "./verify.js";
import { answerAbuseProtection, tooLarge, validationCode } from "./webhook.js";
import { safeLogField } from "../shared/safe-text.js";

/**
 * Trigger handlers behind functions/ingress.ts. All three feed the same pipeline (normalize → decide →
 * execute); they differ only in how a trigger reports failure back to Azure.
 */
export interface TriggerDeps {
  readonly policies: () => readonly Policy[];
  readonly poisonOutput: StorageQueueOutput;
  /** Overridable for tests; production takes the durable client bound to the invocation. */
  readonly port?: (context: InvocationContext) => DurablePort;
  /** ARM reads that check what each event claims before anything starts; one per delivery (it caches). */
  readonly verify: () => VerifyContext;
}

const portOf = (deps: TriggerDeps, context: InvocationContext) =>
  deps.port ? deps.port(context) : lazyDurablePort(context);

/**
 * Dispatch lines quote event fields (cluster names, reasons): in Azure they reach the host's log pipeline
 * as they are, so each line is made safe here (CR/LF escaped, secrets masked, cut at 2 KB), as the local
 * host's logger does for everything else.
 */
function loggerOf(context: InvocationContext): DispatchLogger {
  return {
    info: (m) => context.info(safeLogField(m)),
    warn: (m) => context.warn(safeLogField(m)),
    error: (m) => context.error(safeLogField(m)),
  };
}

function keepPoison(
  context: InvocationContext,
  output: StorageQueueOutput,
  records: readonly PoisonRecord[],
): void {
  if (records.length > 0) context.extraOutputs.set(output, records);
}

/** Poison records for what normalizing refused: known before dispatch starts, so kept before it can throw. */
function rejectedRecords(events: readonly DomainEvent[], source: string, receivedAt: string): PoisonRecord[] {
  return events.flatMap((e) =>
    e.kind === "Rejected"
      ? [
          {
            key: e.key,
            reason: e.reason,
            at: e.at,
            receivedAt,
            source,
            ...(e.eventType ? { eventType: e.eventType } : {}),
            transient: false,
          },
        ]
      : [],
  );
}

/** One record per event and place: dispatch reports the same rejections again. */
function merged(...lists: (readonly PoisonRecord[])[]): PoisonRecord[] {
  const seen = new Set<string>();
  return lists.flat().filter((p) => {
    const id = `${p.key}\u0000${p.at}\u0000${p.transient}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

function summary(report: IngestReport): string {
  return `${report.total} event(s): ${report.handled} handled, ${report.rejected} rejected, ${report.failed} failed`;
}

/** Event Grid trigger: one event per invocation. Throwing makes Event Grid redeliver just this event. */
export function eventGridHandler(deps: TriggerDeps) {
  return async (event: unknown, context: InvocationContext): Promise<void> => {
    const receivedAt = new Date().toISOString();
    const events = normalizeBody(event, { receivedAt });
    const report = await ingest(events, {
      policies: deps.policies(),
      port: portOf(deps, context),
      log: loggerOf(context),
      source: "eventGrid",
      receivedAt,
      verify: deps.verify(),
    });
    keepPoison(
      context,
      deps.poisonOutput,
      report.poison.filter((p) => !p.transient),
    );
    if (report.failed > 0)
      throw new Error(`Ingress: dispatch failed, Event Grid will redeliver (${summary(report)})`);
  };
}

/**
 * Event Hub trigger, cardinality many. Each message is processed on its own; what fails is kept as a
 * poison record and the rest of the batch stands. Only a batch in which nothing could be handled is
 * thrown back for the function's retry policy, and once retries are spent it is kept as poison too.
 */
export function eventHubHandler(deps: TriggerDeps) {
  return async (messages: unknown, context: InvocationContext): Promise<void> => {
    const receivedAt = new Date().toISOString();
    const bodies = Array.isArray(messages) ? messages : [messages];
    const events = normalizeBatch(bodies, { receivedAt });
    // Written first: whatever dispatch does next, a refused message is never lost with its batch.
    const refused = rejectedRecords(events, "eventHub", receivedAt);
    keepPoison(context, deps.poisonOutput, refused);
    const report = await ingest(events, {
      policies: deps.policies(),
      port: portOf(deps, context),
      log: loggerOf(context),
      source: "eventHub",
      receivedAt,
      verify: deps.verify(),
    });
    const retry = context.retryContext;
    const retriesLeft = retry ? retry.retryCount < retry.maxRetryCount : true;
    if (shouldRetry(report) && retriesLeft) {
      keepPoison(
        context,
        deps.poisonOutput,
        merged(
          report.poison.filter((p) => !p.transient),
          refused,
        ),
      );
      throw new Error(`Ingress: nothing in the batch could be dispatched; retrying (${summary(report)})`);
    }
    keepPoison(context, deps.poisonOutput, merged(report.poison, refused));
    context.info(`Ingress: ${summary(report)}`);
  };
}

/**
 * HTTP webhook for Event Grid and CloudEvents subscriptions that target a URL: answers both handshakes,
 * then ingests. 400 when every event was rejected (Event Grid dead-letters instead of retrying a
 * payload that can never succeed); 503 when nothing could be dispatched (Event Grid retries).
 */
export function webhookHandler(deps: TriggerDeps) {
  return async (request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> => {
    if (request.method === "OPTIONS") {
      return answerAbuseProtection(
        request.headers.get("webhook-request-origin"),
        request.headers.get("webhook-request-rate"),
      );
    }
    // Refused on what the sender announces, before the body is read; then on what actually arrived.
    const announced = tooLarge(Number(request.headers.get("content-length") ?? 0) || 0);
    if (announced) return announced;
    const text = await request.text();
    const oversize = tooLarge(Buffer.byteLength(text));
    if (oversize) return oversize;

    if ((request.headers.get("aeg-event-type") ?? "").toLowerCase() === "subscriptionvalidation") {
      const code = validationCode(parsedOrUndefined(text));
      if (!code)
        return {
          status: 400,
          jsonBody: { error: "data.validationCode: missing in the SubscriptionValidation event" },
        };
      context.info("Ingress: Event Grid subscription validated");
      return { status: 200, jsonBody: { validationResponse: code } };
    }

    const receivedAt = new Date().toISOString();
    const events = normalizeText(text, { receivedAt });
    const report = await ingest(events, {
      policies: deps.policies(),
      port: portOf(deps, context),
      log: loggerOf(context),
      source: "webhook",
      receivedAt,
      verify: deps.verify(),
    });
    const body = {
      received: report.total,
      handled: report.handled,
      rejected: report.poison.filter((p) => !p.transient).map((p) => ({ at: p.at, reason: p.reason })),
      failed: report.failed,
    };
    if (shouldRetry(report)) {
      keepPoison(
        context,
        deps.poisonOutput,
        report.poison.filter((p) => !p.transient),
      );
      return { status: 503, headers: { "Retry-After": "10" }, jsonBody: body };
    }
    keepPoison(context, deps.poisonOutput, report.poison);
    if (report.total > 0 && report.rejected === report.total) return { status: 400, jsonBody: body };
    return { status: 200, jsonBody: body };
  };
}

function parsedOrUndefined(text: string): unknown {
  const parsed = parseJsonWithin(text, "body");
  return parsed.ok ? parsed.value : undefined;
}
