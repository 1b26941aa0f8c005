import Module from "node:module";

/**
 * The `@azure/functions-core` module the v4 library asks its host for. The real Node worker injects it by
 * proxying `Module.prototype.require`; we do the same, before any entry file loads, so `app.*` calls
 * register with this host instead of falling into the library's "test mode".
 * (Shapes per research/local-runtime.md §1.2; written here, not copied.)
 */
export interface FunctionMetadata {
  readonly name: string;
  readonly functionId?: string;
  readonly bindings: Record<string, BindingInfo>;
  readonly retryOptions?: RetryOptions;
}

export interface BindingInfo extends Record<string, unknown> {
  readonly type: string;
  readonly direction?: "in" | "out" | "inout";
}

export interface RetryOptions {
  readonly retryStrategy?: "fixedDelay" | "exponentialBackoff";
  readonly strategy?: "fixedDelay" | "exponentialBackoff";
  readonly maxRetryCount: number;
  readonly delayInterval?: Duration;
  readonly minimumInterval?: Duration;
  readonly maximumInterval?: Duration;
}

export interface Duration {
  readonly seconds?: number;
  readonly nanos?: number;
}

export type FunctionCallback = (...args: unknown[]) => unknown;
export type HookCallback = (context: Record<string, unknown>) => unknown;
export type HookName = "preInvocation" | "postInvocation" | "appStart" | "appTerminate";
export type LogLevel = "trace" | "debug" | "information" | "warning" | "error" | "critical" | "none";

/** What the library's ProgrammingModel offers (see @azure/functions src/ProgrammingModel.ts). */
export interface ProgrammingModel {
  readonly name: string;
  readonly version: string;
  getInvocationModel(coreCtx: CoreInvocationContext): InvocationModel;
  getCapabilities?(capabilities: Record<string, string>): Promise<Record<string, string>>;
}

export interface InvocationModel {
  getArguments(): Promise<{ context: unknown; inputs: unknown[] }>;
  invokeFunction(context: unknown, inputs: unknown[], callback: FunctionCallback): Promise<unknown>;
  getResponse(context: unknown, result: unknown): Promise<InvocationResponse>;
}

export interface InvocationResponse {
  readonly invocationId: string;
  readonly outputData?: { name: string; data: TypedData }[];
  readonly returnValue?: TypedData | null;
}

export interface TypedData {
  string?: string;
  json?: string;
  bytes?: Uint8Array;
  http?: Record<string, unknown>;
  int?: number;
  double?: number;
  collectionString?: { string: string[] };
}

export interface CoreInvocationContext {
  invocationId: string;
  request: {
    invocationId: string;
    functionId: string;
    inputData: { name: string; data: TypedData }[];
    triggerMetadata: Record<string, TypedData>;
    retryContext?: { retryCount: number; maxRetryCount: number; exception?: { message: string } };
  };
  metadata: FunctionMetadata;
  state?: "preInvocationHooks" | "invocation" | "postInvocationHooks";
  log(level: LogLevel, category: "user" | "system" | "customMetric", message: string): void;
}

export interface Registration {
  readonly metadata: FunctionMetadata;
  readonly callback: FunctionCallback;
}

class Disposable {
  static from(...items: { dispose(): unknown }[]): Disposable {
    return new Disposable(() => items.forEach((i) => i.dispose()));
  }
  #dispose: (() => unknown) | undefined;
  constructor(callOnDispose: () => unknown) {
    this.#dispose = callOnDispose;
  }
  dispose(): unknown {
    const fn = this.#dispose;
    this.#dispose = undefined;
    return fn?.();
  }
}

/** Everything the app registered while its entry files loaded. */
export class Registry {
  readonly functions = new Map<string, Registration>();
  readonly hooks = new Map<HookName, HookCallback[]>();
  programmingModel: ProgrammingModel | undefined;
  #locked = false;
  systemLog: (level: LogLevel, message: string) => void = () => {};

  lock(): void {
    this.#locked = true;
  }

  coreApi() {
    return {
      version: "4.0.0-ringmaster-devhost",
      get hostVersion() {
        return "4.1000.0";
      },
      setProgrammingModel: (model: ProgrammingModel) => {
        this.programmingModel = model;
      },
      getProgrammingModel: () => this.programmingModel,
      registerFunction: (metadata: FunctionMetadata, callback: FunctionCallback) => {
        if (this.#locked) throw new Error("A function can only be registered during app startup.");
        const id = metadata.functionId ?? metadata.name;
        if (this.functions.has(id))
          throw new Error(`A function with id "${id}" has already been registered.`);
        this.functions.set(id, { metadata, callback });
        return new Disposable(() => {
          if (!this.#locked) this.functions.delete(id);
        });
      },
      registerHook: (name: string, callback: HookCallback) => {
        if (!["preInvocation", "postInvocation", "appStart", "appTerminate"].includes(name)) {
          const error = new RangeError(`Unrecognized hook "${name}"`) as RangeError & {
            isAzureFunctionsSystemError: boolean;
          };
          error.isAzureFunctionsSystemError = true;
          throw error;
        }
        const list = this.hooks.get(name as HookName) ?? [];
        list.push(callback);
        this.hooks.set(name as HookName, list);
        return new Disposable(() => list.splice(list.indexOf(callback), 1));
      },
      log: (level: LogLevel, _category: string, message: string) => this.systemLog(level, message),
      Disposable,
    };
  }
}

/**
 * The seam of this process. The library caches the `@azure/functions-core` module it finds on its first
 * `app.*` call, so whatever it got then is what it calls for the rest of the process: the module it gets
 * forwards to the registry of the host loading an app now. One host at a time; a later host (after the
 * first stopped) gets the programming model the library set only once. Kept on `globalThis`, not in this
 * module: a second copy of this module (test/safety loads a fresh copy of the app per scenario) must find
 * the seam the library already holds.
 */
interface Seam {
  current: Registry | undefined;
  programmingModel: ProgrammingModel | undefined;
  /** Some host has already loaded an app through this seam (ESM entry files then are cached). */
  served: boolean;
}

const SEAM = Symbol.for("ringmaster.devhost.functions-core");

function processSeam(): Seam {
  const holder = globalThis as { [SEAM]?: Seam };
  const existing = holder[SEAM];
  if (existing) return existing;
  const seam: Seam = { current: undefined, programmingModel: undefined, served: false };
  const live = () => {
    if (!seam.current) throw new Error("Devhost: no host is loading an app in this process");
    return seam.current.coreApi();
  };
  const api: ReturnType<Registry["coreApi"]> = {
    version: "4.0.0-ringmaster-devhost",
    get hostVersion() {
      return "4.1000.0";
    },
    setProgrammingModel: (model: ProgrammingModel) => {
      seam.programmingModel = model;
      live().setProgrammingModel(model);
    },
    getProgrammingModel: () => seam.programmingModel,
    registerFunction: (metadata: FunctionMetadata, callback: FunctionCallback) =>
      live().registerFunction(metadata, callback),
    registerHook: (name: string, callback: HookCallback) => live().registerHook(name, callback),
    log: (level: LogLevel, category: string, message: string) =>
      seam.current?.coreApi().log(level, category, message),
    Disposable,
  };
  const proto = Module.prototype as unknown as { require: (id: string) => unknown };
  const original = proto.require;
  proto.require = function (this: unknown, id: string) {
    if (id === "@azure/functions-core") return api;
    // eslint-disable-next-line prefer-rest-params
    return original.apply(this, arguments as unknown as [string]);
  };
  holder[SEAM] = seam;
  return seam;
}

export interface InstalledCoreApi {
  /** Some earlier host in this process loaded an app already. */
  readonly earlier: boolean;
  /** Frees the seam for a later host (when this host stops). */
  release(): void;
}

/**
 * Routes `require("@azure/functions-core")` to this registry until released. Before any entry file loads:
 * the library caches the module on its first `app.*` call.
 */
export function installCoreApi(registry: Registry): InstalledCoreApi {
  const seam = processSeam();
  if (seam.current)
    throw new Error("Devhost: the @azure/functions-core shim is already serving a host in this process");
  const earlier = seam.served;
  seam.current = registry;
  seam.served = true;
  if (seam.programmingModel) registry.programmingModel = seam.programmingModel;
  return {
    earlier,
    release() {
      if (seam.current === registry) seam.current = undefined;
    },
  };
}
