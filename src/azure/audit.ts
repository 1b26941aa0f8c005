import { createHash } from "node:crypto";
import { output } from "@azure/functions";
import { AuditRecordSchema, type AuditRecord, type AuditTransition } from "../contracts/audit.js";

export {
  AUDIT_TRANSITIONS,
  AuditRecordSchema,
  type AuditRecord,
  type AuditTransition,
} from "../contracts/audit.js";

/**
 * The audit trail: one CloudEvent 1.0 per lifecycle transition of a rollout, sent through an Event Hub
 * output binding (the Functions host owns the connection and its identity) when the audit connection is
 * configured, else written as one structured log line each. Workflows describe the transition
 * (src/workflows/audit.ts); the `publishAudit` activity turns it into the event and does the I/O.
 */
export interface AuditCloudEvent {
  readonly specversion: "1.0";
  readonly id: string;
  readonly source: string;
  readonly type: `com.ringmaster.${AuditTransition}`;
  readonly subject?: string;
  readonly time: string;
  readonly datacontenttype: "application/json";
  readonly data: Record<string, unknown>;
}

/** The CloudEvents `source` of a rollout: a URI-reference naming the instance. */
export const auditSource = (rollout: string) => `/ringmaster/rollouts/${encodeURIComponent(rollout)}`;

/**
 * The event for a record. The id is a hash of everything the record says, so a replayed or retried
 * activity sends the same id again and a consumer can drop the duplicate (CloudEvents: source + id unique).
 */
export function auditCloudEvent(record: AuditRecord): AuditCloudEvent {
  const r = AuditRecordSchema.parse(record);
  const source = auditSource(r.rollout);
  const type = `com.ringmaster.${r.transition}` as const;
  const id = createHash("sha256")
    .update(JSON.stringify([source, type, r.cluster ?? null, r.time, r.data]))
    .digest("hex")
    .slice(0, 32);
  return {
    specversion: "1.0",
    id,
    source,
    type,
    ...(r.cluster ? { subject: r.cluster } : {}),
    time: r.time,
    datacontenttype: "application/json",
    data: r.data,
  };
}

/** The connection setting of the audit hub, as infra/app/api.bicep sets it (`__fullyQualifiedNamespace` form). */
export const AUDIT_CONNECTION = "RINGMASTER_AUDIT_EVENTHUB";

/** Whether the Functions host can resolve the connection: a connection string, or the identity form. */
export function auditHubConfigured(env: Readonly<Record<string, string | undefined>>): boolean {
  return Boolean(
    env[AUDIT_CONNECTION]?.trim() ||
    env[`${AUDIT_CONNECTION}__fullyQualifiedNamespace`]?.trim() ||
    env[`${AUDIT_CONNECTION}:fullyQualifiedNamespace`]?.trim(),
  );
}

/** The Event Hub output binding the `publishAudit` activity writes to (its hub name a validated setting). */
export const auditOutput = output.eventHub({
  connection: AUDIT_CONNECTION,
  eventHubName: "%RINGMASTER_AUDIT_EVENTHUB_NAME%",
});
