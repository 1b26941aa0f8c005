import type { IncomingMessage, ServerResponse } from "node:http";
import type { Registry } from "./core-api.js";
import type { TypedData } from "./core-api.js";
import { adminTriggerData, doorLimit, eventGridEvents, validationCodeOf } from "./doors.js";
import type { DurableEngine } from "./durable/engine.js";
import { DURABLE_PREFIX, handleDurableApi, RPC_PREFIX } from "./durable/http-api.js";
import { StorageError } from "./durable/store.js";
import { text, type FunctionTriggers } from "./function-triggers.js";
import type { HostLogger } from "./logger.js";
import { refuse, send } from "./replies.js";
import { readBodyWithin } from "./request-body.js";
import { httpDoor, sameSecret, SYSTEM_KEY, type Door, type HostKeys } from "./host-keys.js";
import {
  foreignOrigin,
  keyRefusal,
  notJson,
  notLoopback,
  ownOrigins,
  type Refusal,
} from "./request-guard.js";
import { depthMessage, jsonTextTooDeep, parseJsonWithin } from "../shared/json-limits.js";

/**
 * The host's HTTP side: every request passes the guards (origin, admin key, body limit, content type),
 * then goes to the host's own doors (`/admin/*`, the Event Grid webhook, the durable API) or to the HTTP
 * function whose route matches. Every failure is answered, never thrown.
 */
export interface RouterContext {
  readonly baseUrl: string;
  /** False while starting or stopping: requests are answered 503. */
  readonly ready: boolean;
  /** The host's keys (`host start --keys`); without them no door checks a key, as in Core Tools. */
  readonly keys: HostKeys | undefined;
  /** The secret in the app's internal durable endpoint (RPC_PREFIX), which wants no key. */
  readonly rpcToken: string;
  readonly registry: Registry;
  readonly engine: DurableEngine;
  /** Why the durable store failed (a background sync failed), while it is failed: it refuses writes. */
  readonly storeFailure: string | undefined;
  readonly hubName: string;
  readonly triggers: FunctionTriggers;
  readonly logger: HostLogger;
  now(): number;
}

/** Every request ends here: a failure is answered (503 for storage, 400 for a bad URL, else 500), never thrown. */
export async function handleRequest(
  ctx: RouterContext,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  try {
    await route(ctx, req, res);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    ctx.logger.system(
      "error",
      `request ${req.method ?? ""} ${(req.url ?? "").slice(0, 200)} failed: ${error instanceof Error ? (error.stack ?? message) : message}`,
    );
    if (res.headersSent) {
      res.end();
      return;
    }
    if (error instanceof StorageError) send(res, 503, { error: message }, { "Retry-After": "10" });
    else if (error instanceof URIError)
      send(res, 400, { error: `the request path is not valid: ${message}` });
    else send(res, 500, { error: message });
  }
}

/** The door of one of the host's own paths, or undefined for what the HTTP functions serve. */
function ownDoor(lower: string): Door | undefined {
  if (lower.startsWith("/admin/")) return { kind: "admin" };
  if (lower === "/runtime/webhooks/eventgrid") return { kind: "system", name: SYSTEM_KEY.eventGrid };
  if (lower.startsWith(DURABLE_PREFIX)) return { kind: "system", name: SYSTEM_KEY.durableTask };
  if (lower.startsWith("/runtime/webhooks/")) return { kind: "admin" };
  return undefined;
}

/** The app's internal durable call (RPC_PREFIX + token) as the durable API path it stands for, if the token is right. */
function internalDurablePath(ctx: RouterContext, path: string): string | undefined {
  if (!path.toLowerCase().startsWith(RPC_PREFIX)) return undefined;
  const rest = path.slice(RPC_PREFIX.length);
  const slash = rest.indexOf("/");
  const token = slash < 0 ? rest : rest.slice(0, slash);
  return sameSecret(token, ctx.rpcToken)
    ? `${DURABLE_PREFIX}${slash < 0 ? "" : rest.slice(slash + 1)}`
    : undefined;
}

async function route(ctx: RouterContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? "/", ctx.baseUrl || "http://127.0.0.1");
  const internal = internalDurablePath(ctx, url.pathname);
  const path = internal ?? url.pathname;
  const lower = path.toLowerCase();
  const method = (req.method ?? "GET").toUpperCase();
  const own = lower.startsWith("/admin/") || lower.startsWith("/runtime/webhooks/");
  if (url.pathname.toLowerCase().startsWith(RPC_PREFIX) && internal === undefined)
    return send(res, 404, { error: `no function serves ${url.pathname.slice(0, 200)}` });
  const door = internal === undefined ? ownDoor(lower) : undefined;
  const refused: Refusal | undefined =
    foreignOrigin(req, ownOrigins(ctx.baseUrl)) ??
    (lower.startsWith("/admin/") ? notLoopback(req) : undefined) ??
    (door ? keyRefusal(req, url, ctx.keys, door) : undefined);
  if (refused) return refuse(req, res, refused);
  const read = await readBodyWithin(req, doorLimit(lower));
  if (!read.ok) return refuse(req, res, read);
  const body = read.body;
  if (!ctx.ready) return send(res, 503, { error: "host is starting or stopping" });
  const wrongType = own ? notJson(req, body.length) : undefined;
  if (wrongType) return refuse(req, res, wrongType);

  if (lower === "/admin/host/status") {
    // With --expose-gc the figure is live memory only, which is what the benchmark reads.
    (globalThis as { gc?: () => void }).gc?.();
    const { heapUsed, rss } = process.memoryUsage();
    return send(res, 200, {
      state: "Running",
      functions: [...ctx.registry.functions.keys()],
      http: ctx.triggers.httpFunctions.map((f) => ({
        name: f.name,
        methods: f.methods,
        route: f.route.template,
        authLevel: f.authLevel,
      })),
      instances: ctx.engine.list().length,
      memory: { heapUsed, rss },
      // Azure's Durable limits and the largest payloads, custom statuses and histories seen, per
      // orchestration name (durable/limits.ts LimitsReport): what the benchmarks judge a run by.
      durableLimits: ctx.engine.limits.report(),
      // A failed background sync fails the store until the host restarts (durable/store.ts).
      durableStore:
        ctx.storeFailure === undefined ? { state: "ok" } : { state: "failed", error: ctx.storeFailure },
    });
  }
  if (lower.startsWith("/admin/functions/") && method === "POST")
    return await adminInvoke(ctx, decodeURIComponent(path.slice("/admin/functions/".length)), body, res);
  if (lower.startsWith("/admin/eventhubs/") && method === "POST")
    return await adminEventHub(ctx, decodeURIComponent(path.slice("/admin/eventhubs/".length)), body, res);
  if (lower === "/runtime/webhooks/eventgrid") return await eventGrid(ctx, url, req, body, res);
  if (lower.startsWith(DURABLE_PREFIX)) {
    const text = body.toString("utf8");
    if (jsonTextTooDeep(text)) return send(res, 400, { Message: depthMessage("request body") });
    const r = handleDurableApi(
      ctx.engine,
      { method, path, query: url.searchParams, headers: lowerHeaders(req), body: text },
      ctx.baseUrl,
      ctx.hubName,
      ctx.keys?.systemKeys[SYSTEM_KEY.durableTask] ?? ctx.keys?.masterKey,
    );
    return send(res, r.status, r.json, r.headers);
  }
  return await httpFunction(ctx, url, req, body, res);
}

async function httpFunction(
  ctx: RouterContext,
  url: URL,
  req: IncomingMessage,
  body: Buffer,
  res: ServerResponse,
): Promise<void> {
  const method = (req.method ?? "GET").toUpperCase();
  const candidates = ctx.triggers.httpFunctions
    .map((f) => ({ f, params: f.route.match(url.pathname) }))
    .filter((c) => c.params);
  if (candidates.length === 0) return send(res, 404, { error: `no function serves ${url.pathname}` });
  const match = candidates.find((c) => c.f.methods.includes(method));
  if (!match)
    return send(
      res,
      405,
      { error: `${method} is not allowed on ${url.pathname}` },
      { Allow: candidates[0]!.f.methods.join(", ") },
    );
  const locked = keyRefusal(req, url, ctx.keys, httpDoor(match.f.authLevel));
  if (locked) return refuse(req, res, locked);
  const http = {
    method,
    url: url.href,
    headers: Object.fromEntries(
      Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(", ") : (v ?? "")]),
    ),
    query: Object.fromEntries(url.searchParams),
    params: match.params,
    body: { bytes: new Uint8Array(body) },
  };
  const result = await ctx.triggers.invokeAndRoute({
    functionName: match.f.name,
    inputs: ctx.triggers.withExtraInputs(match.f.name, { [match.f.bindingName]: { http } }),
    describe: `${method} ${url.pathname}`,
  });
  if (!result.ok) return send(res, 500, { error: result.error?.message ?? "function failed" });
  const rpc = (result.returnData?.http ?? undefined) as
    | {
        statusCode?: string;
        headers?: Record<string, string>;
        cookies?: { name: string; value: string }[];
        body?: TypedData;
      }
    | undefined;
  if (!rpc) {
    res.writeHead(204).end();
    return;
  }
  const headers: Record<string, string | string[]> = { ...(rpc.headers ?? {}) };
  if (rpc.cookies?.length) headers["set-cookie"] = rpc.cookies.map((c) => `${c.name}=${c.value}`);
  const payload = rpc.body?.bytes
    ? Buffer.from(rpc.body.bytes)
    : rpc.body?.string !== undefined
      ? Buffer.from(rpc.body.string)
      : Buffer.alloc(0);
  res.writeHead(Number(rpc.statusCode ?? 200), headers).end(payload);
}

/**
 * `/runtime/webhooks/eventgrid?functionName=`: the validation handshake, then one invocation per event.
 * Whatever the body, the answer is a status: 400 for what is not a JSON object or array of objects (or is
 * nested deeper than Azure's readers go), 413 for more events than Event Grid ever batches.
 */
async function eventGrid(
  ctx: RouterContext,
  url: URL,
  req: IncomingMessage,
  body: Buffer,
  res: ServerResponse,
): Promise<void> {
  const name = url.searchParams.get("functionName") ?? "";
  const found = ctx.triggers.trigger(name);
  if (!found || found[1].type.toLowerCase() !== "eventgridtrigger")
    return send(res, 404, { error: `cannot find function: '${name.slice(0, 200)}'` });
  const kind = (req.headers["aeg-event-type"] as string | undefined)?.toLowerCase();
  if (kind === "unsubscribe") return send(res, 202, undefined);
  if (kind !== "subscriptionvalidation" && kind !== "notification")
    return send(res, 400, {
      error: `aeg-event-type must be SubscriptionValidation, Notification or Unsubscribe (got ${JSON.stringify((kind ?? "none").slice(0, 100))})`,
    });
  const events = eventGridEvents(body.toString("utf8"));
  if (!events.ok) return send(res, events.status, { error: events.error });
  if (kind === "subscriptionvalidation") {
    const code = validationCodeOf(events.events[0]!);
    return code.ok
      ? send(res, 200, { validationResponse: code.code })
      : send(res, 400, { error: code.error });
  }
  const [bindingName] = found;
  const results = await Promise.all(
    events.events.map((event) =>
      ctx.triggers.invokeAndRoute({
        functionName: name,
        inputs: ctx.triggers.withExtraInputs(name, { [bindingName]: { json: JSON.stringify(event) } }),
        describe: `(${text(event.eventType) ?? text(event.type) ?? "event"})`,
      }),
    ),
  );
  const failed = results.find((r) => !r.ok);
  return failed ? send(res, 500, { error: failed.error?.message }) : send(res, 202, undefined);
}

/** `/admin/functions/<name>` with `{ "input": "<string>" }`, as Core Tools takes it. */
async function adminInvoke(
  ctx: RouterContext,
  name: string,
  body: Buffer,
  res: ServerResponse,
): Promise<void> {
  const found = ctx.triggers.trigger(name);
  if (!found) return send(res, 404, { error: `no function named ${JSON.stringify(name.slice(0, 200))}` });
  const [bindingName, binding] = found;
  const data = adminTriggerData(binding.type, body.toString("utf8"), ctx.now());
  if (!data.ok) return send(res, 400, { error: data.error });
  send(res, 202, undefined);
  await ctx.triggers.invokeAndRoute({
    functionName: name,
    inputs: ctx.triggers.withExtraInputs(name, { [bindingName]: data.data }),
    describe: "(admin)",
  });
}

/** `/admin/eventhubs/<hub>`: one message body, or an array of them, appended to the local hub. */
async function adminEventHub(
  ctx: RouterContext,
  hubName: string,
  body: Buffer,
  res: ServerResponse,
): Promise<void> {
  const parsed = parseJsonWithin(body.toString("utf8"), "body");
  if (!parsed.ok || body.length === 0)
    return send(res, 400, {
      error: `${parsed.ok ? "body: empty" : parsed.reason}; expected a JSON message body or an array of message bodies`,
    });
  const bodies = Array.isArray(parsed.value) ? parsed.value : [parsed.value];
  const sequenceNumbers = ctx.triggers.appendToHub(hubName, bodies);
  send(res, 202, { appended: sequenceNumbers.length, sequenceNumbers });
  await ctx.triggers.pump(hubName);
}

function lowerHeaders(req: IncomingMessage): Record<string, string | undefined> {
  return Object.fromEntries(
    Object.entries(req.headers).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v.join(", ") : v]),
  );
}
