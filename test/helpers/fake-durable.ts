import type { InstancePage, InstanceQuery } from "../../src/api/instance-query.js";
import {
  InstanceExistsError,
  isActive,
  type DurablePort,
  type InstanceView,
} from "../../src/contracts/durable-port.js";

/** An in-memory durable backend for dispatch tests: records starts and raised events, can be told to fail. */
export class FakeDurable implements DurablePort {
  readonly instances = new Map<
    string,
    {
      workflow: string;
      input: unknown;
      status: string;
      events: { name: string; data: unknown }[];
      output?: unknown;
      customStatus?: unknown;
      lastUpdatedTime?: string;
    }
  >();
  failOn: ((op: "status" | "start" | "raise", id: string) => boolean) | undefined;

  seed(
    instanceId: string,
    workflow: string,
    status = "Running",
    more: { output?: unknown; customStatus?: unknown; lastUpdatedTime?: string; input?: unknown } = {},
  ): void {
    this.instances.set(instanceId, { workflow, input: null, status, events: [], ...more });
  }

  describe(instanceId: string): Promise<InstanceView | undefined> {
    if (this.failOn?.("status", instanceId))
      return Promise.reject(new Error(`durable backend unavailable (status ${instanceId})`));
    const i = this.instances.get(instanceId);
    if (!i) return Promise.resolve(undefined);
    return Promise.resolve({
      runtimeStatus: i.status,
      input: i.input,
      output: i.output,
      name: i.workflow,
      customStatus: i.customStatus,
      ...(i.lastUpdatedTime ? { lastUpdatedTime: i.lastUpdatedTime } : {}),
    });
  }

  status(instanceId: string): Promise<string | undefined> {
    if (this.failOn?.("status", instanceId))
      return Promise.reject(new Error(`durable backend unavailable (status ${instanceId})`));
    return Promise.resolve(this.instances.get(instanceId)?.status);
  }

  start(workflow: string, instanceId: string, input: unknown): Promise<void> {
    if (this.failOn?.("start", instanceId))
      return Promise.reject(new Error(`durable backend unavailable (start ${instanceId})`));
    // As the backend: a pending or running id is not started again (409); an ended one starts afresh.
    const existing = this.instances.get(instanceId);
    if (existing && isActive(existing.status))
      return Promise.reject(
        new InstanceExistsError(
          instanceId,
          `An orchestration instance with the ID '${instanceId}' already exists and is ${existing.status}.`,
        ),
      );
    this.instances.set(instanceId, { workflow, input, status: "Running", events: [] });
    return Promise.resolve();
  }

  raise(instanceId: string, eventName: string, data: unknown): Promise<boolean> {
    if (this.failOn?.("raise", instanceId))
      return Promise.reject(new Error(`durable backend unavailable (raise ${instanceId})`));
    const instance = this.instances.get(instanceId);
    if (!instance) return Promise.resolve(false);
    instance.events.push({ name: eventName, data });
    return Promise.resolve(true);
  }

  /** The instance query as the durable HTTP API pages it: id order, `top` per page, an opaque token. */
  query(query: InstanceQuery): Promise<InstancePage> {
    const after = query.continuationToken ? Buffer.from(query.continuationToken, "base64url").toString() : "";
    const matches = [...this.instances.entries()]
      .filter(([id]) => id.startsWith(query.instanceIdPrefix) && id > after)
      .sort(([a], [b]) => (a < b ? -1 : 1));
    const page = matches.slice(0, query.top);
    return Promise.resolve({
      instances: page.map(([instanceId, i]) => ({
        instanceId,
        runtimeStatus: i.status,
        ...(query.showInput ? { input: i.input } : {}),
        customStatus: i.customStatus,
      })),
      ...(matches.length > query.top
        ? { continuationToken: Buffer.from(page.at(-1)![0]).toString("base64url") }
        : {}),
    });
  }

  started(): string[] {
    return [...this.instances.entries()].filter(([, i]) => i.input !== null).map(([id]) => id);
  }
}

export const silentLog = { info: () => {}, warn: () => {}, error: () => {} };
