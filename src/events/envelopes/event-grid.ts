import { z } from "zod";
import { describeIssues, instant, nonEmptyText } from "../field-schemas.js";
import type { EnvelopeResult } from "./envelope-view.js";

/**
 * Event Grid schema envelope, as delivered to webhooks (always inside a JSON array) and to Event Hubs.
 *
 * @example
 * { "topic": "/subscriptions/…/managedClusters/aks1", "subject": "aks1",
 *   "eventType": "Microsoft.ContainerService.NewKubernetesVersionAvailable", "id": "1234…",
 *   "data": { "latestSupportedKubernetesVersion": "1.20.7" }, "dataVersion": "1", "metadataVersion": "1",
 *   "eventTime": "2021-07-01T04:52:57.0000000Z" }
 * @see https://learn.microsoft.com/azure/event-grid/event-schema
 */
export const EventGridEventSchema = z.object({
  id: nonEmptyText("the event id string"),
  eventType: nonEmptyText(
    "an event type string such as Microsoft.ContainerService.NewKubernetesVersionAvailable",
  ),
  eventTime: instant,
  subject: z.string({ error: "expected a string" }).optional(),
  topic: z.string({ error: "expected the source resource's ARM id as a string" }).optional(),
  data: z.unknown().optional(),
  dataVersion: z.string({ error: 'expected a string such as "1"' }).optional(),
  metadataVersion: z.string({ error: 'expected a string such as "1"' }).optional(),
});

/** True when an object looks like an Event Grid schema event rather than another envelope. */
export function looksLikeEventGrid(value: Record<string, unknown>): boolean {
  return "eventType" in value || "eventTime" in value || "dataVersion" in value || "metadataVersion" in value;
}

export function readEventGrid(value: Record<string, unknown>): EnvelopeResult {
  const parsed = EventGridEventSchema.safeParse(value);
  if (!parsed.success) {
    const type = typeof value.eventType === "string" ? value.eventType : undefined;
    return { ok: false, reason: describeIssues(parsed.error.issues), ...(type ? { type } : {}) };
  }
  const e = parsed.data;
  return {
    ok: true,
    view: {
      schema: "EventGrid",
      id: e.id,
      type: e.eventType,
      time: e.eventTime,
      subject: e.subject,
      source: e.topic,
      data: e.data,
    },
  };
}
