import type { DurableEngine } from "./engine.js";
import { InstanceExistsError } from "./engine.js";
import { documentedHistory } from "./history.js";
import { PayloadTooLargeError } from "./limits.js";
import { StorageError, type Instance, type RuntimeStatus } from "./store.js";

/**
 * The Durable extension's HTTP API, served under `/runtime/webhooks/durabletask/` (research/local-runtime.md
 * §1.8): what `DurableClient` calls for start, status, raise event, terminate and purge, with the status
 * codes it expects. Also the `durableClient` input binding data that points clients at it.
 *
 * `showHistory=true` answers in the documented shape (history.ts `documentedHistory`). The local host
 * adds one switch of its own, `showEngineHistory=true`, which shows the engine's records as stored
 * (numeric EventType, sequence ids, orchestrator episodes): the golden-history tests check determinism
 * on those, and nothing in Azure reads it.
 */
export interface ApiRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: string;
}

export interface ApiResponse {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly json?: unknown;
}

export const DURABLE_PREFIX = "/runtime/webhooks/durabletask/";

/**
 * The query every link carries. With keys on, Azure's links also carry `code=` with the
 * `durabletask_extension` system key, so a client can follow them; the local host's do the same.
 */
function hubQuery(hubName: string, code: string | undefined): string {
  const q = `taskHub=${encodeURIComponent(hubName)}&connection=Storage`;
  return code === undefined ? q : `${q}&code=${encodeURIComponent(code)}`;
}

/**
 * In Azure the worker's client calls the extension on an internal endpoint that no outside caller reaches
 * and that wants no key. The local host has one server, so its internal endpoint is a path with a secret
 * only the app's own binding data carries (the router maps it back to DURABLE_PREFIX); the public links go
 * to the keyed webhook.
 */
export const RPC_PREFIX = "/runtime/webhooks/durabletask-rpc/";

export function clientBindingData(
  baseUrl: string,
  hubName: string,
  code?: string,
  rpcToken?: string,
): Record<string, unknown> {
  const base = `${baseUrl}/runtime/webhooks/durabletask`;
  const q = hubQuery(hubName, code);
  return {
    taskHubName: hubName,
    creationUrls: {
      createNewInstancePostUri: `${base}/orchestrators/{functionName}[/{instanceId}]?${q}`,
      createAndWaitOnNewInstancePostUri: `${base}/orchestrators/{functionName}[/{instanceId}]?timeout={timeoutInSeconds}&pollingInterval={intervalInSeconds}&${q}`,
    },
    managementUrls: managementUrls(base, "INSTANCEID", hubName, code),
    baseUrl: base,
    requiredQueryStringParameters: q,
    rpcBaseUrl: rpcToken === undefined ? `${base}/` : `${baseUrl}${RPC_PREFIX}${rpcToken}/`,
  };
}

function managementUrls(
  base: string,
  id: string,
  hubName: string,
  code: string | undefined,
): Record<string, string> {
  const q = hubQuery(hubName, code);
  const i = `${base}/instances/${id}`;
  return {
    id,
    statusQueryGetUri: `${i}?${q}`,
    sendEventPostUri: `${i}/raiseEvent/{eventName}?${q}`,
    terminatePostUri: `${i}/terminate?reason={text}&${q}`,
    rewindPostUri: `${i}/rewind?reason={text}&${q}`,
    purgeHistoryDeleteUri: `${i}?${q}`,
    restartPostUri: `${i}/restart?${q}`,
    suspendPostUri: `${i}/suspend?reason={text}&${q}`,
    resumePostUri: `${i}/resume?reason={text}&${q}`,
  };
}

const RUNNING: readonly RuntimeStatus[] = ["Pending", "Running", "ContinuedAsNew", "Suspended"];

export function statusPayload(instance: Instance, query: URLSearchParams): Record<string, unknown> {
  const payload: Record<string, unknown> = {
    name: instance.name,
    instanceId: instance.instanceId,
    runtimeStatus: instance.runtimeStatus,
    input: query.get("showInput") === "false" ? null : (instance.input ?? null),
    customStatus: instance.customStatus ?? null,
    output: instance.output ?? null,
    createdTime: instance.createdTime,
    lastUpdatedTime: instance.lastUpdatedTime,
  };
  // The extension shows no history for an instance that has not started yet (Pending).
  if (query.get("showHistory") === "true" && instance.runtimeStatus !== "Pending") {
    payload.historyEvents =
      query.get("showEngineHistory") === "true"
        ? instance.history
        : documentedHistory(instance.history, query.get("showHistoryOutput") === "true");
  }
  return payload;
}

export function handleDurableApi(
  engine: DurableEngine,
  req: ApiRequest,
  baseUrl: string,
  hubName: string,
  /** The durabletask_extension system key when keys are on: the links answered carry it. */
  code?: string,
): ApiResponse {
  const parts = req.path.slice(DURABLE_PREFIX.length).split("/").filter(Boolean).map(decodeURIComponent);
  const [resource, a, b, c] = parts;
  const base = `${baseUrl}/runtime/webhooks/durabletask`;

  if (resource === "orchestrators" && req.method === "POST" && a) {
    let input: unknown;
    try {
      input = req.body.trim() === "" ? undefined : (JSON.parse(req.body) as unknown);
    } catch {
      return { status: 400, json: { Message: "The request body is not valid JSON." } };
    }
    try {
      const instance = engine.startNew(a, b, input);
      const urls = managementUrls(base, instance.instanceId, hubName, code);
      const payload = Object.fromEntries(
        Object.entries(urls).map(([k, v]) => [
          k,
          v.replaceAll("INSTANCEID", encodeURIComponent(instance.instanceId)),
        ]),
      );
      return {
        status: 202,
        headers: { Location: payload.statusQueryGetUri!, "Retry-After": "10" },
        json: { ...payload, id: instance.instanceId },
      };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      // A storage failure is the host's, not the request's: 503 (retry), never a 4xx or "not found".
      if (error instanceof StorageError)
        return { status: 503, headers: { "Retry-After": "10" }, json: { Message: message } };
      if (error instanceof PayloadTooLargeError) return backendRefused(message);
      if (error instanceof InstanceExistsError) return { status: 409, json: { Message: message } };
      // The extension's client throws ArgumentException (unknown function, bad instance id), answered so.
      return {
        status: 400,
        json: {
          Message: "One or more of the arguments submitted is incorrect",
          ExceptionMessage: message,
          ExceptionType: "System.ArgumentException",
        },
      };
    }
  }

  if (resource === "instances") {
    if (!a) {
      if (req.method === "GET") return listPage(filterInstances(engine.list(), req.query), req);
      if (req.method === "DELETE") {
        const victims = filterInstances(engine.list(), req.query).filter(
          (i) => !RUNNING.includes(i.runtimeStatus),
        );
        for (const v of victims) engine.purge(v.instanceId);
        return victims.length
          ? { status: 200, json: { instancesDeleted: victims.length } }
          : { status: 404, json: { instancesDeleted: 0 } };
      }
    }
    if (a && !b) {
      if (req.method === "GET") {
        const instance = engine.get(a);
        if (!instance) return { status: 404, json: { Message: `No instance with ID '${a}' found.` } };
        const running = RUNNING.includes(instance.runtimeStatus);
        const location = `${base}/instances/${encodeURIComponent(a)}?${req.query.toString()}`;
        return {
          status: running ? 202 : 200,
          ...(running ? { headers: { Location: location, "Retry-After": "5" } } : {}),
          json: statusPayload(instance, req.query),
        };
      }
      if (req.method === "DELETE") {
        return engine.purge(a)
          ? { status: 200, json: { instancesDeleted: 1 } }
          : { status: 404, json: { instancesDeleted: 0 } };
      }
    }
    if (a && b === "raiseEvent" && c && req.method === "POST") {
      const type = req.headers["content-type"] ?? "";
      if (!type.toLowerCase().includes("application/json"))
        return { status: 400, json: { Message: "Only application/json request content is supported" } };
      let data: unknown;
      try {
        data = req.body.trim() === "" ? null : (JSON.parse(req.body) as unknown);
      } catch {
        return { status: 400, json: { Message: "The request body is not valid JSON." } };
      }
      try {
        return answer(engine.raiseEvent(a, c, data), a);
      } catch (error) {
        if (error instanceof PayloadTooLargeError) return backendRefused(error.message);
        throw error;
      }
    }
    if (a && b === "terminate" && req.method === "POST")
      return answer(engine.terminate(a, req.query.get("reason") ?? ""), a);
    if (a && (b === "suspend" || b === "resume" || b === "rewind" || b === "restart")) {
      return { status: 501, json: { Message: `${b} is not supported by the local durable engine` } };
    }
  }
  if (resource === "entities")
    return {
      status: 501,
      json: { Message: "Durable entities are not supported by the local durable engine" },
    };
  return { status: 404, json: { Message: `No durable API route for ${req.method} ${req.path}` } };
}

/**
 * What the extension answers when its backend refuses a call: an exception that is not an argument error,
 * hence 500 with its generic message and the exception's own.
 */
function backendRefused(message: string): ApiResponse {
  return {
    status: 500,
    json: { Message: "Something went wrong while processing your request", ExceptionMessage: message },
  };
}

function answer(result: "accepted" | "not-found" | "gone", id: string): ApiResponse {
  if (result === "not-found") return { status: 404, json: { Message: `No instance with ID '${id}' found.` } };
  if (result === "gone")
    return { status: 410, json: { Message: `The instance '${id}' has already completed.` } };
  return { status: 202 };
}

/**
 * The instance query, paged as Azure pages it: `top` limits a page, and when more remain the answer carries
 * an opaque `x-ms-continuation-token` header that the next request sends back as the same header. Pages
 * follow instance-id order; without `top` (or a token) every match comes at once, as before.
 */
const CONTINUATION = "x-ms-continuation-token";
function listPage(matches: Instance[], req: ApiRequest): ApiResponse {
  const topText = req.query.get("top");
  const token = req.headers[CONTINUATION];
  if (!topText && !token) return { status: 200, json: matches.map((i) => statusPayload(i, req.query)) };
  const top = topText ? Number(topText) : 100;
  if (!Number.isInteger(top) || top < 1)
    return { status: 400, json: { Message: `top must be a positive integer, not '${topText}'` } };
  let after = "";
  if (token) {
    const decoded = decodeToken(token);
    if (decoded === undefined)
      return { status: 400, json: { Message: "The continuation token is not valid." } };
    after = decoded;
  }
  const ordered = matches
    .filter((i) => i.instanceId > after)
    .sort((a, b) => (a.instanceId < b.instanceId ? -1 : a.instanceId > b.instanceId ? 1 : 0));
  const page = ordered.slice(0, top);
  const more = ordered.length > top;
  return {
    status: 200,
    ...(more ? { headers: { [CONTINUATION]: encodeToken(page.at(-1)!.instanceId) } } : {}),
    json: page.map((i) => statusPayload(i, req.query)),
  };
}
const encodeToken = (after: string) => Buffer.from(JSON.stringify({ after }), "utf8").toString("base64url");
function decodeToken(token: string): string | undefined {
  try {
    const value = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as { after?: unknown };
    return typeof value.after === "string" ? value.after : undefined;
  } catch {
    return undefined;
  }
}

function filterInstances(instances: Instance[], query: URLSearchParams): Instance[] {
  const from = query.get("createdTimeFrom");
  const to = query.get("createdTimeTo");
  const statuses = (query.get("runtimeStatus") ?? "").split(",").filter(Boolean);
  const prefix = query.get("instanceIdPrefix");
  return instances.filter(
    (i) =>
      (!from || i.createdTime >= new Date(from).toISOString()) &&
      (!to || i.createdTime <= new Date(to).toISOString()) &&
      (statuses.length === 0 || statuses.includes(i.runtimeStatus)) &&
      (!prefix || i.instanceId.startsWith(prefix)),
  );
}
