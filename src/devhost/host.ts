import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
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
import { realClock, type Clock } from "../clock/clock.js";
import { serveHeld } from "../clock/held-request.js";
import { installCoreApi, Registry, type InstalledCoreApi } from "./core-api.js";
import { DurableEngine } from "./durable/engine.js";
import { DurableLimits, PROVIDER_OVERRIDE_SETTING } from "./durable/limits.js";
import { durableSyncFrom } from "./durable/durable-sync.js";
import { InstanceStore } from "./durable/store.js";
import { FunctionTriggers } from "./function-triggers.js";
import { SYSTEM_KEY, type HostKeys } from "./host-keys.js";
import { handleRequest, type RouterContext } from "./http-router.js";
import { Invoker } from "./invoker.js";
import { consoleLogger, type HostLogger } from "./logger.js";
import { installProcessGuard } from "./process-guard.js";

/**
 * A local Azure Functions host for Node v4 apps: it loads the app's compiled entry files (package.json
 * `main`), captures their registrations through the `@azure/functions-core` seam, and runs them — HTTP,
 * timers, Event Grid, Event Hubs and Durable Functions — on one machine, on 127.0.0.1 only. It knows
 * nothing about the app it hosts. This file is its lifecycle (start, environment, stop); requests are
 * served by http-router.ts and triggers wired by function-triggers.ts.
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
   * The host's keys (host-keys.ts). Locally Core Tools checks no keys; given them, every door checks its
   * key as Azure does: HTTP functions by authLevel, the extensions' webhooks by system key, `/admin/*` by
   * the master key.
   */
  readonly keys?: HostKeys;
}

export class LocalHost {
  readonly registry = new Registry();
  private server: Server | undefined;
  private invoker!: Invoker;
  private store!: InstanceStore;
  private engine!: DurableEngine;
  private triggers!: FunctionTriggers;
  private config!: AppConfig;
  private ready = false;
  private releaseGuard: (() => void) | undefined;
  private coreApi: InstalledCoreApi | undefined;
  private readonly clock: Clock;
  private readonly logger: HostLogger;
  private readonly stateDir: string;
  private readonly appDir: string;
  baseUrl = "";
  /** The internal durable endpoint's secret (durable/http-api.ts RPC_PREFIX); used only with keys on. */
  private readonly rpcToken = randomBytes(24).toString("hex");

  private constructor(private readonly options: HostOptions) {
    this.appDir = resolve(options.appDir);
    this.clock = options.clock ?? realClock();
    this.logger =
      options.logger ?? consoleLogger({ quiet: options.quiet === true, now: () => this.clock.now() });
    this.stateDir = options.stateDir ?? join(this.appDir, ".ringmaster");
  }

  static async start(options: HostOptions): Promise<LocalHost> {
    const host = new LocalHost(options);
    // Booting is work in flight: durable timers are re-armed and triggers wired before time may move.
    const booting = host.clock.hold("host boot");
    try {
      await host.boot();
    } catch (error) {
      host.releaseGuard?.();
      host.coreApi?.release();
      throw error;
    } finally {
      booting.release();
    }
    return host;
  }

  get durable(): DurableEngine {
    return this.engine;
  }

  private get hubName(): string {
    return resolveSettingRefs(this.config.hubName, process.env);
  }

  /** What the HTTP router sees of the host: read live, since the engine and triggers exist only after boot. */
  private routerContext(): RouterContext {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the getters below must read the host, not the literal
    const host = this;
    return {
      get baseUrl() {
        return host.baseUrl;
      },
      get ready() {
        return host.ready;
      },
      keys: host.options.keys,
      rpcToken: host.rpcToken,
      registry: host.registry,
      get engine() {
        return host.engine;
      },
      get storeFailure() {
        return host.store?.failure?.message;
      },
      get hubName() {
        return host.hubName;
      },
      get triggers() {
        return host.triggers;
      },
      logger: host.logger,
      now: () => host.clock.now(),
    };
  }

  private async boot(): Promise<void> {
    this.releaseGuard = installProcessGuard((m) => this.logger.system("error", m));
    this.config = readAppConfig(this.appDir);
    checkDurableFunctionsMajor(this.appDir);
    const port = this.options.port ?? this.config.localHttpPort ?? 7071;
    const router = this.routerContext();
    this.server = createServer(
      (req, res) =>
        void serveHeld(this.clock, `host ${req.method ?? ""} ${req.url ?? ""}`, req, res, () =>
          handleRequest(router, req, res).catch(() => {
            res.destroy();
          }),
        ),
    );
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
    this.coreApi = installCoreApi(this.registry);
    const files = (await glob(this.config.main, { cwd: this.appDir, absolute: true })).sort();
    if (files.length === 0)
      throw new Error(
        `Devhost: package.json "main" (${this.config.main}) matches no file in ${this.appDir}; build the app first`,
      );
    for (const file of files) await import(pathToFileURL(file).href);
    // ES modules load once per process: a second host here gets nothing from the same entry files.
    if (this.coreApi.earlier && this.registry.functions.size === 0)
      throw new Error(
        `Devhost: ${this.appDir}'s entry files were loaded by an earlier host in this process and registered nothing with this one; a second host in one process needs a fresh copy of the app's modules`,
      );
    this.registry.lock();
    if (this.registry.programmingModel?.getCapabilities)
      await this.registry.programmingModel.getCapabilities({});

    this.invoker = new Invoker(this.registry, this.logger, this.clock, this.config.functionTimeoutMs);
    this.store = new InstanceStore(join(this.stateDir, "durable"), this.hubName, {
      // Every later write answers 503 with this reason; the operator reads it here and in the status.
      onFailure: (error) => this.logger.system("error", error.message),
      sync: durableSyncFrom(process.env),
    });
    this.store.lock();
    this.triggers = new FunctionTriggers({
      registry: this.registry,
      invoker: this.invoker,
      clock: this.clock,
      logger: this.logger,
      config: this.config,
      stateDir: this.stateDir,
      baseUrl: this.baseUrl,
      ...(this.options.keys
        ? {
            durableKeys: {
              code: this.options.keys.systemKeys[SYSTEM_KEY.durableTask] ?? this.options.keys.masterKey,
              rpcToken: this.rpcToken,
            },
          }
        : {}),
    });
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
      withExtraInputs: (name, inputs) => this.triggers.withExtraInputs(name, inputs),
      routeOutputs: (name, result) => this.triggers.routeOutputs(name, result),
      // The backend as the Functions host picks it: the app-setting override wins over host.json.
      limits: new DurableLimits({
        storageProviderType: process.env[PROVIDER_OVERRIDE_SETTING] ?? this.config.storageProviderType,
      }),
    });
    this.triggers.wire();
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
    for (const h of this.triggers.httpFunctions)
      this.logger.system(
        "information",
        `  ${h.name}: [${h.methods.join(",")}] ${this.baseUrl}/${h.route.template}`,
      );
  }

  async stop(): Promise<void> {
    this.ready = false;
    await this.triggers?.stop();
    await new Promise<void>((ok) => (this.server ? this.server.close(() => ok()) : ok()));
    this.server?.closeAllConnections();
    await this.engine?.stop();
    await this.invoker?.runHooks("appTerminate", { hookData: {}, appHookData: this.invoker.appHookData });
    this.store?.unlock();
    this.releaseGuard?.();
    this.coreApi?.release();
  }

  /** Appends messages to a local hub and lets its triggers run; resolves when they have caught up. */
  async injectEvents(hubName: string, bodies: readonly unknown[]): Promise<number[]> {
    const sequenceNumbers = this.triggers.appendToHub(hubName, bodies);
    await this.triggers.pump(hubName);
    return sequenceNumbers;
  }
}
