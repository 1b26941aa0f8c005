import type { InvocationContext } from "@azure/functions";
import { z } from "zod";
import { AuditRecordSchema, auditCloudEvent, auditOutput } from "../azure/audit.js";

/**
 * Publishes audit CloudEvents: to the audit Event Hub through the output binding when the function was
 * registered with it (functions/workflows.ts does so when the connection is configured), else as one
 * structured log line per event, which the Functions host sends to Application Insights as traces.
 */
const PublishAuditInput = z.strictObject({ events: z.array(AuditRecordSchema).max(100) });

export function publishAudit(
  input: z.input<typeof PublishAuditInput>,
  context: InvocationContext,
): Promise<{ published: number; to: "eventhub" | "log" }> {
  const events = PublishAuditInput.parse(input).events.map(auditCloudEvent);
  const bound = context.options.extraOutputs.some((o) => o.name === auditOutput.name);
  if (bound) context.extraOutputs.set(auditOutput, events);
  else for (const e of events) context.log(JSON.stringify({ audit: e }));
  return Promise.resolve({ published: events.length, to: bound ? "eventhub" : "log" });
}
