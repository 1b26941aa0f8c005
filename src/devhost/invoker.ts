import { randomUUID } from "node:crypto";
import type { Clock } from "../clock/clock.js";
import type { BindingInfo, CoreInvocationContext, HookCallback, Registry, TypedData } from "./core-api.js";
import type { HostLogger } from "./logger.js";
import { decodeTypedData } from "./typed-data.js";

/**
 * Runs one invocation exactly as the Node worker does: the library's own InvocationModel converts typed
 * data in and out, and pre/post-invocation hooks run around the handler. Adds the host's function timeout.
 */
export interface InvocationRequest {
  readonly functionName: string;
  /** Input data keyed by binding name (the trigger and any extra inputs). */
  readonly inputs: Readonly<Record<string, TypedData>>;
  readonly triggerMetadata?: Readonly<Record<string, TypedData>>;
  readonly retryContext?: { retryCount: number; maxRetryCount: number; exception?: { message: string } };
  /** A short description for the invocation log line (e.g. the HTTP route or event count). */
  readonly describe?: string;
  readonly quiet?: boolean;
}

export interface InvocationResult {
  readonly ok: boolean;
  readonly error?: Error;
  /** The raw return value (typed data) and its decoded value. */
  readonly returnData?: TypedData | null;
  readonly returnValue?: unknown;
  /** Output bindings other than `$return`, decoded, with their binding info. */
  readonly outputs: readonly { name: string; binding: BindingInfo; value: unknown }[];
  readonly durationMs: number;
}

export class FunctionTimeoutError extends Error {
  override readonly name = "FunctionTimeoutError";
}

export class Invoker {
  constructor(
    private readonly registry: Registry,
    private readonly logger: HostLogger,
    private readonly clock: Clock,
    private readonly timeoutMs: number | undefined,
  ) {}

  /** Held on the clock while it runs: a function in flight keeps simulated time still (unless it sleeps). */
  invoke(request: InvocationRequest): Promise<InvocationResult> {
    return this.clock.held(`function ${request.functionName}`, () => this.run(request));
  }

  private async run(request: InvocationRequest): Promise<InvocationResult> {
    const registration = this.registry.functions.get(request.functionName);
    if (!registration) throw new Error(`Devhost: no function named "${request.functionName}"`);
    const model = this.registry.programmingModel;
    if (!model)
      throw new Error("Devhost: the app registered no programming model (did it import @azure/functions?)");
    const invocationId = randomUUID();
    const started = performance.now();
    const coreCtx: CoreInvocationContext = {
      invocationId,
      request: {
        invocationId,
        functionId: request.functionName,
        inputData: Object.entries(request.inputs).map(([name, data]) => ({ name, data })),
        triggerMetadata: { ...(request.triggerMetadata ?? {}) },
        ...(request.retryContext ? { retryContext: request.retryContext } : {}),
      },
      metadata: registration.metadata,
      log: (level, category, message) => {
        if (category === "system") this.logger.system(level, `${request.functionName}: ${message}`);
        else this.logger.user(request.functionName, level, message);
      },
    };
    const invocationModel = model.getInvocationModel(coreCtx);
    let result: InvocationResult;
    try {
      const { context, inputs: initialInputs } = await invocationModel.getArguments();
      const hookData: Record<string, unknown> = {};
      const pre = {
        hookData,
        appHookData: this.appHookData,
        invocationContext: context,
        inputs: initialInputs,
        functionCallback: registration.callback,
      };
      coreCtx.state = "preInvocationHooks";
      await this.runHooks("preInvocation", pre);
      coreCtx.state = "invocation";
      let value: unknown;
      let error: unknown;
      try {
        value = await this.withTimeout(
          invocationModel.invokeFunction(context, pre.inputs, pre.functionCallback),
          request.functionName,
        );
      } catch (e) {
        error = e;
      }
      const post = {
        hookData,
        appHookData: this.appHookData,
        invocationContext: context,
        inputs: pre.inputs,
        result: value,
        error,
      };
      coreCtx.state = "postInvocationHooks";
      await this.runHooks("postInvocation", post);
      if (post.error) throw post.error instanceof Error ? post.error : new Error(JSON.stringify(post.error));
      const response = await invocationModel.getResponse(context, post.result);
      const bindings = registration.metadata.bindings;
      result = {
        ok: true,
        returnData: response.returnValue ?? null,
        returnValue: decodeTypedData(response.returnValue),
        outputs: (response.outputData ?? []).map((o) => ({
          name: o.name,
          binding: bindings[o.name]!,
          value: decodeTypedData(o.data),
        })),
        durationMs: performance.now() - started,
      };
    } catch (e) {
      const error = e instanceof Error ? e : new Error(String(e));
      result = { ok: false, error, outputs: [], durationMs: performance.now() - started };
    }
    if (!request.quiet || !result.ok) {
      const what = request.describe ? ` ${request.describe}` : "";
      const outcome = result.ok ? "succeeded" : `failed: ${firstLine(result.error?.message ?? "")}`;
      this.logger.invocation(
        `${request.functionName}${what} ${outcome} (${Math.round(result.durationMs)} ms)`,
      );
    }
    return result;
  }

  /** Shared across invocations for the life of the app, as the worker does. */
  readonly appHookData: Record<string, unknown> = {};

  async runHooks(
    name: "preInvocation" | "postInvocation" | "appStart" | "appTerminate",
    context: Record<string, unknown>,
  ): Promise<void> {
    for (const hook of this.registry.hooks.get(name) ?? ([] as HookCallback[])) await hook(context);
  }

  private withTimeout<T>(promise: Promise<T>, name: string): Promise<T> {
    if (this.timeoutMs === undefined) return promise;
    const limit = this.timeoutMs;
    return new Promise<T>((resolve, reject) => {
      // Function timeouts are wall-clock limits on the worker, not simulated time.
      // The WebJobs host's words (FunctionExecutor); an activity fails with them. An orchestrator (a
      // synchronous generator run in this process) returns before this timer can fire.
      const timer = setTimeout(
        () =>
          reject(
            new FunctionTimeoutError(
              `Timeout value of ${timeSpan(limit)} was exceeded by function: Functions.${name}`,
            ),
          ),
        limit,
      );
      timer.unref();
      promise.then(
        (v) => {
          clearTimeout(timer);
          resolve(v);
        },
        (e: unknown) => {
          clearTimeout(timer);
          reject(e instanceof Error ? e : new Error(String(e)));
        },
      );
    });
  }

  get now(): number {
    return this.clock.now();
  }
}

/** Milliseconds as .NET prints a TimeSpan: `[d.]hh:mm:ss[.fffffff]`. */
export function timeSpan(ms: number): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  const days = Math.floor(ms / 86_400_000);
  const h = Math.floor(ms / 3_600_000) % 24;
  const m = Math.floor(ms / 60_000) % 60;
  const sec = Math.floor(ms / 1000) % 60;
  const frac = ms % 1000 ? `.${String(ms % 1000).padStart(3, "0")}0000` : "";
  return `${days ? `${days}.` : ""}${pad(h)}:${pad(m)}:${pad(sec)}${frac}`;
}

function firstLine(text: string): string {
  const line = text.split("\n")[0] ?? "";
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}
