import { appendFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { resolveSettingRefs, type AppConfig } from "./app-config.js";
import type { Clock } from "../clock/clock.js";
import type { BindingInfo, Registry, RetryOptions, TypedData } from "./core-api.js";
import { clientBindingData } from "./durable/http-api.js";
import { LocalHub, LocalHubTrigger, RealHubTrigger } from "./eventhubs.js";
import type { InvocationResult, Invoker } from "./invoker.js";
import type { HostLogger } from "./logger.js";
import { invokeWithRetry } from "./retry.js";
import { compileRoute, type CompiledRoute } from "./routes.js";
import { TimerSchedule, timerInput } from "./timers.js";
import { stringData } from "./typed-data.js";

/**
 * The app's functions wired to what fires them: HTTP routes (served by http-router.ts), timers and Event
 * Hubs; and every invocation's plumbing — the input bindings the host adds (a durable client) and the output
 * bindings it routes (Event Hub outputs loop back into local hubs; others are kept on disk).
 */
export interface HttpFunction {
  readonly name: string;
  readonly route: CompiledRoute;
  readonly methods: readonly string[];
  readonly bindingName: string;
  /** As the binding says (anonymous, function, admin); the router checks keys by it. */
  readonly authLevel: unknown;
}

export interface FunctionTriggersOptions {
  readonly registry: Registry;
  readonly invoker: Invoker;
  readonly clock: Clock;
  readonly logger: HostLogger;
  readonly config: AppConfig;
  readonly stateDir: string;
  /** The host's own URL, for the durable client binding. */
  readonly baseUrl: string;
  /** With keys on: the key the durable links carry and the internal endpoint's secret (http-api.ts). */
  readonly durableKeys?: { readonly code: string; readonly rpcToken: string };
}

export type InvocationRequest = Parameters<Invoker["invoke"]>[0];

export class FunctionTriggers {
  /** Most specific route first, so the router takes the first match. */
  readonly httpFunctions: HttpFunction[] = [];
  private readonly timers: TimerSchedule[] = [];
  private readonly hubs = new Map<string, LocalHub>();
  private readonly hubTriggers = new Map<string, LocalHubTrigger[]>();
  private readonly realHubs: RealHubTrigger[] = [];

  constructor(private readonly o: FunctionTriggersOptions) {}

  /** The function's trigger binding (name and binding), if it has one. */
  trigger(name: string): [string, BindingInfo] | undefined {
    const fn = this.o.registry.functions.get(name);
    return fn
      ? Object.entries(fn.metadata.bindings).find(
          ([, b]) => b.direction === "in" && b.type.toLowerCase().endsWith("trigger"),
        )
      : undefined;
  }

  wire(): void {
    const prefix = this.o.config.routePrefix.replace(/^\/|\/$/g, "");
    for (const [name, reg] of this.o.registry.functions) {
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
          authLevel: binding.authLevel,
        });
      } else if (type === "timertrigger") {
        const schedule = setting(binding.schedule) ?? "";
        const timer = new TimerSchedule(
          name,
          schedule,
          this.o.clock,
          join(this.o.stateDir, "timers"),
          async (fire) => {
            await this.invokeAndRoute(
              {
                functionName: name,
                inputs: this.withExtraInputs(name, { [bindingName]: { json: timerInput(fire) } }),
                describe: fire.isPastDue ? "(timer, past due)" : "(timer)",
              },
              reg.metadata.retryOptions,
            );
          },
          (message) => this.o.logger.system("error", message),
        );
        timer.start(binding.runOnStartup === true);
        this.timers.push(timer);
      } else if (type === "eventhubtrigger") {
        this.wireEventHub(name, bindingName, binding, reg.metadata.retryOptions);
      }
    }
    this.httpFunctions.sort((a, b) => b.route.specificity - a.route.specificity);
  }

  async stop(): Promise<void> {
    for (const t of this.timers) t.stop();
    for (const triggers of this.hubTriggers.values()) for (const t of triggers) t.stop();
    await Promise.allSettled(this.realHubs.map((h) => h.stop()));
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
      maxBatchSize: this.o.config.hostJson.extensions?.eventHubs?.maxEventBatchSize ?? 100,
      retry,
      held: (what: string, drain: () => Promise<void>) => this.o.clock.held(what, drain, { detached: true }),
      onError: (message: string) => this.o.logger.system("error", message),
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
      const real = new RealHubTrigger(connectionString, options, (m) => this.o.logger.system("error", m));
      real.start();
      this.realHubs.push(real);
      return;
    }
    const trigger = new LocalHubTrigger(this.hub(hubName), options, join(this.o.stateDir, "eventhubs"));
    trigger.start();
    const list = this.hubTriggers.get(hubName) ?? [];
    list.push(trigger);
    this.hubTriggers.set(hubName, list);
  }

  private hub(name: string): LocalHub {
    let hub = this.hubs.get(name);
    if (!hub) {
      hub = new LocalHub(join(this.o.stateDir, "eventhubs"), name);
      this.hubs.set(name, hub);
    }
    return hub;
  }

  /** Appends messages to a local hub (its triggers run on `pump`); answers their sequence numbers. */
  appendToHub(hubName: string, bodies: readonly unknown[]): number[] {
    return this.hub(hubName)
      .append(bodies, this.o.clock.now())
      .map((m) => m.sequenceNumber);
  }

  /** Lets a local hub's triggers run; resolves when they have caught up. */
  async pump(hubName: string): Promise<void> {
    await Promise.all((this.hubTriggers.get(hubName) ?? []).map((t) => t.pump()));
  }

  /** Adds the durable client (and other input bindings the host can satisfy) to an invocation. */
  withExtraInputs(name: string, inputs: Record<string, TypedData>): Record<string, TypedData> {
    const fn = this.o.registry.functions.get(name)!;
    const out = { ...inputs };
    for (const [bindingName, b] of Object.entries(fn.metadata.bindings)) {
      const t = b.type.toLowerCase();
      if (b.direction === "in" && (t === "durableclient" || t === "orchestrationclient")) {
        out[bindingName] = stringData(
          JSON.stringify(
            clientBindingData(
              this.o.baseUrl,
              resolveSettingRefs(this.o.config.hubName, process.env),
              this.o.durableKeys?.code,
              this.o.durableKeys?.rpcToken,
            ),
          ),
        );
      }
    }
    return out;
  }

  /** Invokes, then routes output bindings: Event Hub outputs loop back into local hubs; others are kept on disk. */
  async invokeAndRoute(request: InvocationRequest, retry?: RetryOptions): Promise<InvocationResult> {
    const result = await invokeWithRetry(this.o.invoker, this.o.clock, request, retry);
    this.routeOutputs(request.functionName, result);
    return result;
  }

  /** Routes a finished invocation's output bindings (every kind of function: HTTP, timer, hub, activity). */
  routeOutputs(functionName: string, result: InvocationResult): void {
    for (const output of result.outputs)
      this.routeOutput(functionName, output.name, output.binding, output.value);
  }

  private routeOutput(functionName: string, name: string, binding: BindingInfo, value: unknown): void {
    if (value === undefined || value === null) return;
    const items = Array.isArray(value) ? value : [value];
    if (binding.type.toLowerCase() === "eventhub" && typeof binding.eventHubName === "string") {
      const hubName = resolveSettingRefs(binding.eventHubName, process.env);
      this.hub(hubName).append(items, this.o.clock.now());
      for (const t of this.hubTriggers.get(hubName) ?? []) void t.pump();
      return;
    }
    const dir = join(this.o.stateDir, "outputs");
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
            `${JSON.stringify({ time: new Date(this.o.clock.now()).toISOString(), function: functionName, value: item as unknown })}\n`,
        )
        .join(""),
    );
  }
}

export function text(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}
