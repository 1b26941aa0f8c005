import { appendFileSync, mkdirSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { glob } from "tinyglobby";
import {
  checkDurableFunctionsMajor,
  readAppConfig,
  resolveSettingRefs,
  type AppConfig,
} from "./app-config.js";
import { realClock, type Clock } from "./clock.js";
import { installCoreApi, Registry, type BindingInfo, type RetryOptions, type TypedData } from "./core-api.js";
import { DurableEngine } from "./durable/engine.js";
import { clientBindingData, DURABLE_PREFIX, handleDurableApi } from "./durable/http-api.js";
import { InstanceStore, StorageError } from "./durable/store.js";
import { adminTriggerData, doorLimit, eventGridEvents, validationCodeOf } from "./doors.js";
import { LocalHub, LocalHubTrigger, RealHubTrigger } from "./eventhubs.js";
import { Invoker, type InvocationResult } from "./invoker.js";
import { consoleLogger, type HostLogger } from "./logger.js";
import { installProcessGuard } from "./process-guard.js";
import { refuse, send } from "./replies.js";
import { readBodyWithin } from "./request-body.js";
import { adminRefusal, foreignOrigin, notJson, ownOrigins } from "./request-guard.js";
import { invokeWithRetry } from "./retry.js";
import { compileRoute, type CompiledRoute } from "./routes.js";
import { TimerSchedule, timerInput } from "./timers.js";
import { stringData } from "./typed-data.js";
import { depthMessage, jsonTextTooDeep, parseJsonWithin } from "../shared/json-limits.js";

/**
 * A local Azure Functions host for Node v4 apps: it loads the app's compiled entry files (package.json
 * `main`), captures their registrations through the `@azure/functions-core` seam, and runs them — HTTP,
 * timers, Event Grid, Event Hubs and Durable Functions — on one machine, on 127.0.0.1 only. It knows
 * nothing about the app it hosts.
 */
export interface HostOptions {
  readonly appDir: string;
  /** 0 picks a free port; default local.settings.json `Host.LocalHttpPort`, else 7071. */
  readonly port?: number;
  readonly clock?: Clock;
  /** Where durable state, checkpoints and outputs live; default `<appDir>/.ringmaster`. */
  readonly stateDir?: string;
  readonly logger?: HostLogger;
  /** Log failures only. */
  readonly quiet?: boolean;
  /** Extra environment for the app, applied before local.settings.json (which never overrides real variables). */
  readonly env?: Readonly<Record<string, string>>;
  /**
   * The host's master key. Locally the Functions host checks no keys; given one, `/admin/*` requires it
   * (`x-functions-key` header or `?code=`), as Azure requires the master key for admin calls.
   */
  readonly masterKey?: string;
}

interface HttpFunction {
  readonly name: string;
  readonly route: CompiledRoute;
  readonly methods: readonly string[];
  readonly bindingName: string;
}

export class LocalHost {
  readonly registry = new Registry();
  private server: Server | undefined;
  private invoker!: Invoker;
  private engine!: DurableEngine;
  private store!: InstanceStore;
  private readonly httpFunctions: HttpFunction[] = [];
  private readonly timers: TimerSchedule[] = [];
  private readonly hubs = new Map<string, LocalHub>();
  private readonly hubTriggers = new Map<string, LocalHubTrigger[]>();
  private readonly realHubs: RealHubTrigger[] = [];
  private config!: AppConfig;
  private ready = false;
  private releaseGuard: (() => void) | undefined;
  private readonly clock: Clock;
  private readonly logger: HostLogger;
  private readonly stateDir: string;
  private readonly appDir: string;
  baseUrl = "";

  private constructor(private readonly options: HostOptions) {
    this.appDir = resolve(options.appDir);
    this.clock = options.clock ?? realClock();
    this.logger =
      options.logger ?? consoleLogger({ quiet: options.quiet === true, now: () => this.clock.now() });
    this.stateDir = options.stateDir ?? join(this.appDir, ".ringmaster");
  }

  static async start(options: HostOptions): Promise<LocalHost> {
    const host = new LocalHost(options);
    try {
      await host.boot();
    } catch (error) {
      host.releaseGuard?.();
      throw error;
    }
    return host;
  }

  get durable(): DurableEngine {
    return this.engine;
  }

  private async boot(): Promise<void> {
    this.releaseGuard = installProcessGuard((m) => this.logger.system("error", m));
    this.config = readAppConfig(this.appDir);
    checkDurableFunctionsMajor(this.appDir);
    const port = this.options.port ?? this.config.localHttpPort ?? 7071;
    this.server = createServer((req, res) => void this.handle(req, res).catch(() => res.destroy()));
    await new Promise<void>((ok, fail) => {
      this.server!.once("error", fail);
      this.server!.listen(port, "127.0.0.1", ok);
    });
    const actualPort = (this.server.address() as AddressInfo).port;
    this.baseUrl = `http://127.0.0.1:${actualPort}`;

    // The app sees what Core Tools would give it; real environment variables always win.
    for (const [k, v] of Object.entries({ ...this.config.settings, ...(this.options.env ?? {}) }))
      process.env[k] ??= v;
    for (const [k, v] of Object.entries(this.options.env ?? {})) process.env[k] = v;
    process.env.WEBSITE_HOSTNAME = `127.0.0.1:${actualPort}`;
    process.env.AZURE_FUNCTIONS_ENVIRONMENT ??= "Development";
    process.env.FUNCTIONS_WORKER_RUNTIME ??= "node";

    this.registry.systemLog = (level, message) => this.logger.system(level, message);
    installCoreApi(this.registry);
    const files = (await glob(this.config.main, { cwd: this.appDir, absolute: true })).sort();
    if (files.length === 0)
      throw new Error(
        `Devhost: package.json "main" (${this.config.main}) matches no file in ${this.appDir}; build the app first`,
      );
    for (const file of files) await import(pathToFileURL(file).href);
    this.registry.lock();
    if (this.registry.programmingModel?.getCapabilities)
      await this.registry.programmingModel.getCapabilities({});

    this.invoker = new Invoker(this.registry, this.logger, this.clock, this.config.functionTimeoutMs);
    this.store = new InstanceStore(
      join(this.stateDir, "durable"),
      resolveSettingRefs(this.config.hubName, process.env),
    );
    this.store.lock();
    const durable = this.config.hostJson.extensions?.durableTask;
    this.engine = new DurableEngine({
      store: this.store,
      registry: this.registry,
      invoker: this.invoker,
      clock: this.clock,
      logger: this.logger,
      maxConcurrentActivities: durable?.maxConcurrentActivityFunctions ?? 10,
      maxConcurrentOrchestrators: durable?.maxConcurrentOrchestratorFunctions ?? 10,
      ...(durable?.defaultVersion ? { defaultVersion: durable.defaultVersion } : {}),
      withExtraInputs: (name, inputs) => this.withExtraInputs(name, inputs),
    });
    this.wireTriggers();
    await this.invoker.runHooks("appStart", {
      hookData: {},
      appHookData: this.invoker.appHookData,
      functionAppDirectory: this.appDir,
    });
    this.engine.resume();
    this.ready = true;
    this.logger.system(
      "information",
      `hosting ${this.registry.functions.size} function(s) from ${this.appDir} on ${this.baseUrl} (${this.clock.description})`,
    );
    for (const h of this.httpFunctions)
      this.logger.system(
        "information",
        `  ${h.name}: [${h.methods.join(",")}] ${this.baseUrl}/${h.route.template}`,
      );
  }

  async stop(): Promise<void> {
    this.ready = false;
    for (const t of this.timers) t.stop();
    for (const triggers of this.hubTriggers.values()) for (const t of triggers) t.stop();
    await Promise.allSettled(this.realHubs.map((h) => h.stop()));
    await new Promise<void>((ok) => (this.server ? this.server.close(() => ok()) : ok()));
    this.server?.closeAllConnections();
    await this.engine?.stop();
    await this.invoker?.runHooks("appTerminate", { hookData: {}, appHookData: this.invoker.appHookData });
    this.store?.unlock();
    this.releaseGuard?.();
  }

  private trigger(name: string): [string, BindingInfo] | undefined {
    const fn = this.registry.functions.get(name);
    return fn
      ? Object.entries(fn.metadata.bindings).find(
          ([, b]) => b.direction === "in" && b.type.toLowerCase().endsWith("trigger"),
        )
      : undefined;
  }

  private wireTriggers(): void {
    const prefix = this.config.routePrefix.replace(/^\/|\/$/g, "");
    for (const [name, reg] of this.registry.functions) {
      const found = this.trigger(name);
      if (!found) continue;
      const [bindingName, binding] = found;
      const type = binding.type.toLowerCase();
      const setting = (v: unknown) =>
        typeof v === "string" ? resolveSettingRefs(v, process.env) : undefined;
      if (type === "httptrigger") {
        const route = setting(binding.route) ?? name;
        const methods = Array.isArray(binding.methods)
          ? (binding.methods as string[]).map((m) => m.toUpperCase())
          : ["GET", "POST"];
        this.httpFunctions.push({
          name,
          route: compileRoute(prefix ? `${prefix}/${route}` : route),
          methods,
          bindingName,
        });
      } else if (type === "timertrigger") {
        const schedule = setting(binding.schedule) ?? "";
        const timer = new TimerSchedule(
          name,
          schedule,
          this.clock,
          join(this.stateDir, "timers"),
          async (fire) => {
            await invokeWithRetry(
              this.invoker,
              this.clock,
              {
                functionName: name,
                inputs: this.withExtraInputs(name, { [bindingName]: { json: timerInput(fire) } }),
                describe: fire.isPastDue ? "(timer, past due)" : "(timer)",
              },
              reg.metadata.retryOptions,
            );
          },
          (message) => this.logger.system("error", message),
        );
        timer.start(binding.runOnStartup === true);
        this.timers.push(timer);
      } else if (type === "eventhubtrigger") {
        this.wireEventHub(name, bindingName, binding, reg.metadata.retryOptions);
      }
    }
    this.httpFunctions.sort((a, b) => b.route.specificity - a.route.specificity);
  }

  private wireEventHub(
    name: string,
    bindingName: string,
    binding: BindingInfo,
    retry: RetryOptions | undefined,
  ): void {
    const hubName = resolveSettingRefs(text(binding.eventHubName) ?? "", process.env);
    const consumerGroup = resolveSettingRefs(text(binding.consumerGroup) ?? "$Default", process.env);
    const connection = process.env[text(binding.connection) ?? ""];
    const options = {
      functionName: name,
      bindingName,
      hubName,
      consumerGroup,
      cardinality: binding.cardinality === "one" ? ("one" as const) : ("many" as const),
      maxBatchSize: this.config.hostJson.extensions?.eventHubs?.maxEventBatchSize ?? 100,
      retry,
      onError: (message: string) => this.logger.system("error", message),
      invoke: (
        inputs: Record<string, TypedData>,
        metadata: Record<string, TypedData>,
        describe: string,
        r: RetryOptions | undefined,
      ) =>
        this.invokeAndRoute(
          {
            functionName: name,
            inputs: this.withExtraInputs(name, inputs),
            triggerMetadata: metadata,
            describe,
          },
          r,
        ),
    };
    const connectionString = connection?.match(/Endpoint=sb:\/\//i)
      ? connection.replace(/;EntityPath=[^;]+/i, "")
      : undefined;
    if (connectionString) {
      const real = new RealHubTrigger(connectionString, options, (m) => this.logger.system("error", m));
      real.start();
      this.realHubs.push(real);
      return;
    }
    const trigger = new LocalHubTrigger(this.hub(hubName), options, join(this.stateDir, "eventhubs"));
    trigger.start();
    const list = this.hubTriggers.get(hubName) ?? [];
    list.push(trigger);
    this.hubTriggers.set(hubName, list);
  }

  private hub(name: string): LocalHub {
    let hub = this.hubs.get(name);
    if (!hub) {
      hub = new LocalHub(join(this.stateDir, "eventhubs"), name);
      this.hubs.set(name, hub);
    }
    return hub;
  }

  /** Adds the durable client (and other input bindings the host can satisfy) to an invocation. */
  private withExtraInputs(name: string, inputs: Record<string, TypedData>): Record<string, TypedData> {
    const fn = this.registry.functions.get(name)!;
    const out = { ...inputs };
    for (const [bindingName, b] of Object.entries(fn.metadata.bindings)) {
      const t = b.type.toLowerCase();
      if (b.direction === "in" && (t === "durableclient" || t === "orchestrationclient")) {
        out[bindingName] = stringData(
          JSON.stringify(
            clientBindingData(
              this.baseUrl,
              this.store ? resolveSettingRefs(this.config.hubName, process.env) : "TestHubName",
            ),
          ),
        );
      }
    }
    return out;
  }

  /** Invokes, then routes output bindings: Event Hub outputs loop back into local hubs; others are kept on disk. */
  private async invokeAndRoute(
    request: Parameters<Invoker["invoke"]>[0],
    retry?: RetryOptions,
  ): Promise<InvocationResult> {
    const result = await invokeWithRetry(this.invoker, this.clock, request, retry);
    for (const output of result.outputs)
      this.routeOutput(request.functionName, output.name, output.binding, output.value);
    return result;
  }

  private routeOutput(functionName: string, name: string, binding: BindingInfo, value: unknown): void {
    if (value === undefined || value === null) return;
    const items = Array.isArray(value) ? value : [value];
    if (binding.type.toLowerCase() === "eventhub" && typeof binding.eventHubName === "string") {
      const hubName = resolveSettingRefs(binding.eventHubName, process.env);
      this.hub(hubName).append(items, this.clock.now());
      for (const t of this.hubTriggers.get(hubName) ?? []) void t.pump();
      return;
    }
    const dir = join(this.stateDir, "outputs");
    mkdirSync(dir, { recursive: true });
    const target = text(binding.queueName) ?? text(binding.path) ?? text(binding.eventHubName) ?? name;
    const file = join(
      dir,
      `${binding.type}-${encodeURIComponent(resolveSettingRefs(target, process.env))}.jsonl`,
    );
    appendFileSync(
      file,
      items
        .map(
          (item) =>
            `${JSON.stringify({ time: new Date(this.clock.now()).toISOString(), function: functionName, value: item as unknown })}\n`,
        )
        .join(""),
    );
  }

  /** Appends messages to a local hub and lets its triggers run; resolves when they have caught up. */
  async injectEvents(hubName: string, bodies: readonly unknown[]): Promise<number[]> {
    const messages = this.hub(hubName).append(bodies, this.clock.now());
    await Promise.all((this.hubTriggers.get(hubName) ?? []).map((t) => t.pump()));
    return messages.map((m) => m.sequenceNumber);
  }

  /** Every request ends here: a failure is answered (503 for storage, 400 for a bad URL, else 500), never thrown. */
  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      await this.route(req, res);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.logger.system(
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

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", this.baseUrl || "http://127.0.0.1");
    const path = url.pathname;
    const lower = path.toLowerCase();
    const method = (req.method ?? "GET").toUpperCase();
    const own = lower.startsWith("/admin/") || lower.startsWith("/runtime/webhooks/");
    const refused =
      foreignOrigin(req, ownOrigins(this.baseUrl)) ??
      (lower.startsWith("/admin/") ? adminRefusal(req, url, this.options.masterKey) : undefined);
    if (refused) return refuse(req, res, refused);
    const read = await readBodyWithin(req, doorLimit(lower));
    if (!read.ok) return refuse(req, res, read);
    const body = read.body;
    if (!this.ready) return send(res, 503, { error: "host is starting or stopping" });
    const wrongType = own ? notJson(req, body.length) : undefined;
    if (wrongType) return refuse(req, res, wrongType);

    if (lower === "/admin/host/status") {
      // With --expose-gc the figure is live memory only, which is what the benchmark reads.
      (globalThis as { gc?: () => void }).gc?.();
      const { heapUsed, rss } = process.memoryUsage();
      return send(res, 200, {
        state: "Running",
        functions: [...this.registry.functions.keys()],
        instances: this.engine.list().length,
        memory: { heapUsed, rss },
      });
    }
    if (lower.startsWith("/admin/functions/") && method === "POST")
      return await this.adminInvoke(decodeURIComponent(path.slice("/admin/functions/".length)), body, res);
    if (lower.startsWith("/admin/eventhubs/") && method === "POST")
      return await this.adminEventHub(decodeURIComponent(path.slice("/admin/eventhubs/".length)), body, res);
    if (lower === "/runtime/webhooks/eventgrid") return await this.eventGrid(url, req, body, res);
    if (lower.startsWith(DURABLE_PREFIX)) {
      const text = body.toString("utf8");
      if (jsonTextTooDeep(text)) return send(res, 400, { Message: depthMessage("request body") });
      const r = handleDurableApi(
        this.engine,
        { method, path, query: url.searchParams, headers: lowerHeaders(req), body: text },
        this.baseUrl,
        resolveSettingRefs(this.config.hubName, process.env),
      );
      return send(res, r.status, r.json, r.headers);
    }
    return await this.httpFunction(url, req, body, res);
  }

  private async httpFunction(
    url: URL,
    req: IncomingMessage,
    body: Buffer,
    res: ServerResponse,
  ): Promise<void> {
    const method = (req.method ?? "GET").toUpperCase();
    const candidates = this.httpFunctions
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
    const result = await this.invokeAndRoute({
      functionName: match.f.name,
      inputs: this.withExtraInputs(match.f.name, { [match.f.bindingName]: { http } }),
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
  private async eventGrid(url: URL, req: IncomingMessage, body: Buffer, res: ServerResponse): Promise<void> {
    const name = url.searchParams.get("functionName") ?? "";
    const found = this.trigger(name);
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
        this.invokeAndRoute({
          functionName: name,
          inputs: this.withExtraInputs(name, { [bindingName]: { json: JSON.stringify(event) } }),
          describe: `(${text(event.eventType) ?? text(event.type) ?? "event"})`,
        }),
      ),
    );
    const failed = results.find((r) => !r.ok);
    return failed ? send(res, 500, { error: failed.error?.message }) : send(res, 202, undefined);
  }

  /** `/admin/functions/<name>` with `{ "input": "<string>" }`, as Core Tools takes it. */
  private async adminInvoke(name: string, body: Buffer, res: ServerResponse): Promise<void> {
    const found = this.trigger(name);
    if (!found) return send(res, 404, { error: `no function named ${JSON.stringify(name.slice(0, 200))}` });
    const [bindingName, binding] = found;
    const data = adminTriggerData(binding.type, body.toString("utf8"), this.clock.now());
    if (!data.ok) return send(res, 400, { error: data.error });
    send(res, 202, undefined);
    await this.invokeAndRoute({
      functionName: name,
      inputs: this.withExtraInputs(name, { [bindingName]: data.data }),
      describe: "(admin)",
    });
  }

  /** `/admin/eventhubs/<hub>`: one message body, or an array of them, appended to the local hub. */
  private async adminEventHub(hubName: string, body: Buffer, res: ServerResponse): Promise<void> {
    const parsed = parseJsonWithin(body.toString("utf8"), "body");
    if (!parsed.ok || body.length === 0)
      return send(res, 400, {
        error: `${parsed.ok ? "body: empty" : parsed.reason}; expected a JSON message body or an array of message bodies`,
      });
    const bodies = Array.isArray(parsed.value) ? parsed.value : [parsed.value];
    const messages = this.hub(hubName).append(bodies, this.clock.now());
    send(res, 202, { appended: messages.length, sequenceNumbers: messages.map((m) => m.sequenceNumber) });
    await Promise.all((this.hubTriggers.get(hubName) ?? []).map((t) => t.pump()));
  }
}

function text(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function lowerHeaders(req: IncomingMessage): Record<string, string | undefined> {
  return Object.fromEntries(
    Object.entries(req.headers).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v.join(", ") : v]),
  );
}
