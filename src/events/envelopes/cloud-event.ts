import { z } from "zod";
import { describeIssues, instant, nonEmptyText } from "../field-schemas.js";
import type { EnvelopeResult } from "./envelope-view.js";

/**
 * CloudEvents 1.0 structured-mode event. ARN samples spell the version attribute `specVersion`, which the
 * spec does not allow; both spellings are accepted because both are on the wire.
 *
 * `time` is optional in the CloudEvents spec, but Event Grid always sets it and Ringmaster orders and
 * deduplicates by it, so an event without it is rejected with a reason rather than given a made-up time.
 *
 * @example
 * { "specversion": "1.0", "source": "/subscriptions/…/managedClusters/aks1", "subject": "aks1",
 *   "type": "Microsoft.ContainerService.NodePoolRollingStarted", "time": "2023-03-29T18:00:00.0000000Z",
 *   "id": "1234…", "data": { "nodePoolName": "nodepool1" } }
 * @see https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/spec.md
 */
export const CloudEventSchema = z.object({
  specversion: z.literal("1.0", { error: 'expected "1.0" (CloudEvents 1.0)' }),
  id: nonEmptyText("the event id string"),
  type: nonEmptyText("an event type string"),
  source: nonEmptyText("a source URI-reference such as the resource's ARM id"),
  time: instant,
  subject: z.string({ error: "expected a string" }).optional(),
  datacontenttype: z.string().optional(),
  data: z.unknown().optional(),
  data_base64: z.string().optional(),
});

export function looksLikeCloudEvent(value: Record<string, unknown>): boolean {
  return "specversion" in value || "specVersion" in value;
}

export function readCloudEvent(value: Record<string, unknown>): EnvelopeResult {
  const normalized =
    "specversion" in value || !("specVersion" in value)
      ? value
      : { ...value, specversion: value.specVersion };
  const parsed = CloudEventSchema.safeParse(normalized);
  if (!parsed.success) {
    const type = typeof value.type === "string" ? value.type : undefined;
    return { ok: false, reason: describeIssues(parsed.error.issues), ...(type ? { type } : {}) };
  }
  const e = parsed.data;
  let data: unknown = e.data;
  if (data === undefined && e.data_base64 !== undefined) {
    data = decodeBase64Json(e.data_base64);
  }
  return {
    ok: true,
    view: {
      schema: "CloudEvents",
      id: e.id,
      type: e.type,
      time: e.time,
      subject: e.subject,
      source: e.source,
      data,
    },
  };
}

function decodeBase64Json(encoded: string): unknown {
  const text = Buffer.from(encoded, "base64").toString("utf8");
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
