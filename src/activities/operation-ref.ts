import type { OperationCheck, OperationHandle } from "../azure/aks.js";
import {
  OperationRefSchema,
  OperationStatusSchema,
  type OperationRef,
  type OperationStatus,
} from "../contracts/operation-ref.js";

// Maps the adapter's operation handle and check to the shapes history keeps (contracts/operation-ref.ts)
// and back: only the fields the contract names are copied, and what comes back from history is validated.

/** The reference history keeps for an adapter's handle: only the contract's fields, copied. */
export function operationRef(handle: OperationHandle): OperationRef {
  return OperationRefSchema.parse({
    kind: handle.kind,
    clusterId: handle.clusterId,
    ...(handle.pool !== undefined ? { pool: handle.pool } : {}),
    token: handle.token,
  });
}

/** The adapter's handle for a reference read back from history (validated: history is input too). */
export function operationHandle(ref: unknown): OperationHandle {
  const r = OperationRefSchema.parse(ref);
  return {
    kind: r.kind,
    clusterId: r.clusterId,
    ...(r.pool !== undefined ? { pool: r.pool } : {}),
    token: r.token,
  };
}

/** The status history keeps for an adapter's check: only the contract's fields, copied. */
export function operationStatus(check: OperationCheck): OperationStatus {
  return OperationStatusSchema.parse({
    done: check.done,
    status: check.status,
    ...(check.error ? { error: { code: check.error.code, message: check.error.message } } : {}),
  });
}
