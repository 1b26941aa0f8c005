import { z } from "zod";

/** The lifecycle transitions the audit trail records, one CloudEvent each (src/azure/audit.ts sends them). */
export const AUDIT_TRANSITIONS = [
  "rollout.started",
  "ring.started",
  "cluster.started",
  "cluster.succeeded",
  "cluster.failed",
  "rollout.halted",
  "approval.approved",
  "approval.rejected",
  "rollout.resumed",
  "rollout.canceled",
  "rollout.completed",
  // The Fleet executor (workflows/fleet-rollout.ts): its update runs and the gates Ringmaster answers.
  "fleet.run.created",
  "fleet.run.started",
  "fleet.run.stopped",
  "fleet.gate.evaluated",
  "fleet.gate.approved",
] as const;
export type AuditTransition = (typeof AUDIT_TRANSITIONS)[number];

/** What a workflow records: the instance is the source, the cluster (if any) the subject, its clock the time. */
export const AuditRecordSchema = z.strictObject({
  transition: z.enum(AUDIT_TRANSITIONS),
  /** The rollout's instance id. */
  rollout: z.string().min(1),
  /** The cluster's ARM id, for cluster transitions. */
  cluster: z.string().min(1).optional(),
  /** The orchestration's `currentUtcDateTime`, ISO. */
  time: z.iso.datetime(),
  data: z.record(z.string(), z.unknown()).default({}),
});
export type AuditRecord = z.input<typeof AuditRecordSchema>;
