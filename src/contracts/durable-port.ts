/**
 * The slice of the Durable Functions client that the dispatcher, the API and the activities that
 * coordinate workflows need. It lives in contracts (not dispatch) so activities can use it without an
 * arrow back into dispatch. Production wraps `df.getClient(ctx)` (dispatch/durable-client-port.ts); unit
 * tests use an in-memory fake, so routing is tested without a host.
 */
export interface DurablePort {
  /** The instance's runtime status, or undefined when no instance has that id. */
  status(instanceId: string): Promise<string | undefined>;
  /** Rejects with `InstanceExistsError` when an instance with that id is pending or running already. */
  start(workflow: string, instanceId: string, input: unknown): Promise<void>;
  /** Delivers an external event; false when no instance has that id (nothing owns it). */
  raise(instanceId: string, eventName: string, data: unknown): Promise<boolean>;
  /** The instance with its input, output and custom status, or undefined when none has that id. */
  describe(instanceId: string): Promise<InstanceView | undefined>;
}

/**
 * The backend's answer (409) to a start of an id that is pending or running: someone else started it
 * first. A typed error, so each caller decides what that means for it (the dispatcher: the same start,
 * done; execute.ts) without reading messages.
 */
export class InstanceExistsError extends Error {
  constructor(
    readonly instanceId: string,
    message: string,
  ) {
    super(message);
    this.name = "InstanceExistsError";
  }
}

/** Runtime statuses of an instance that still takes events (everything else has ended). */
const ACTIVE_STATUSES = new Set(["Running", "Pending", "ContinuedAsNew", "Suspended"]);
export const isActive = (runtimeStatus: string | undefined): boolean =>
  runtimeStatus !== undefined && ACTIVE_STATUSES.has(runtimeStatus);

/** An instance as activities that coordinate workflows see it. */
export interface InstanceView {
  readonly runtimeStatus: string;
  readonly input: unknown;
  readonly output: unknown;
  /** The workflow's name (rollout, clusterUpgrade, …), when the backend reports it. */
  readonly name?: string;
  readonly customStatus?: unknown;
  /** ISO time of the last change: for an ended instance, when it ended. */
  readonly lastUpdatedTime?: string;
  readonly createdTime?: string;
}

/** The durable client as activities use it (the same port the dispatcher uses). */
export type InstancePort = DurablePort;
