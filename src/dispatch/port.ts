// The durable client port is a contract shared with activities and the API; dispatch re-exports it so its
// own modules keep one import for everything the dispatcher is given.
export {
  isActive,
  type DurablePort,
  type InstancePort,
  type InstanceView,
} from "../contracts/durable-port.js";

export interface DispatchLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** What is kept for an event that could not be processed, so an operator can replay or fix it. */
export interface PoisonRecord {
  readonly key: string;
  readonly reason: string;
  readonly at: string;
  readonly receivedAt: string;
  readonly source: string;
  readonly eventType?: string;
  readonly transient: boolean;
}
