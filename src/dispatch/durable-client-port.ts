import type { DurableClient } from "durable-functions";
import { InstanceExistsError } from "../contracts/durable-port.js";
import type { InstancePort } from "./port.js";

/**
 * The dispatcher's port over the real durable client. durable-functions 3 reports "no such instance" by
 * throwing with a 404 message; that is an answer here, not a failure. A start of an id that is pending or
 * running comes back as a 409 message too; it becomes `InstanceExistsError`.
 */
export function durableClientPort(client: DurableClient): InstancePort {
  return {
    async describe(instanceId) {
      try {
        const status = await client.getStatus(instanceId, { showInput: true });
        return {
          runtimeStatus: String(status.runtimeStatus),
          input: status.input,
          output: status.output,
          name: status.name,
          customStatus: status.customStatus,
          ...optionalIso("lastUpdatedTime", status.lastUpdatedTime),
          ...optionalIso("createdTime", status.createdTime),
        };
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
      }
    },
    async status(instanceId) {
      try {
        const status = await client.getStatus(instanceId);
        return String(status.runtimeStatus);
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
      }
    },
    async start(workflow, instanceId, input) {
      try {
        await client.startNew(workflow, { instanceId, input });
      } catch (error) {
        if (isAlreadyExists(error))
          throw new InstanceExistsError(instanceId, error instanceof Error ? error.message : String(error));
        throw error;
      }
    },
    async raise(instanceId, eventName, data) {
      try {
        await client.raiseEvent(instanceId, eventName, data);
        return true;
      } catch (error) {
        if (isNotFound(error)) return false;
        throw error;
      }
    },
  };
}

function isNotFound(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error);
  return /\b404\b|No instance with ID/i.test(message);
}

/** durable-functions: "…unexpected status code: 409. Details: {"Message":"…already exists and is Pending."}". */
function isAlreadyExists(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error);
  return /status code: 409\b|already exists and is/i.test(message);
}

/** A backend time as ISO, or nothing when the backend gave none (an invalid date must not throw here). */
export function optionalIso<K extends string>(key: K, value: unknown): Partial<Record<K, string>> {
  const ms = value instanceof Date ? value.getTime() : typeof value === "string" ? Date.parse(value) : NaN;
  return Number.isFinite(ms) ? ({ [key]: new Date(ms).toISOString() } as Record<K, string>) : {};
}
