import { input, type FunctionInput, type InvocationContext } from "@azure/functions";
import { durableClientPort } from "./durable-client-port.js";
import type { InstancePort } from "./port.js";
import type * as DurableFunctions from "durable-functions";

/**
 * The ingress triggers without `durable-functions` at load time. Its index pulls in the durable HTTP client
 * (axios, validator, lodash: 170–400 ms here), which the webhook and Event Hub path needs only once an event
 * is actually dispatched. `df.input.durableClient()` is exactly this generic binding (durable-functions
 * 3.x lib/src/input.js); `df.getClient` finds it by that type.
 */
export function durableClientInput(): FunctionInput {
  return input.generic({ type: "durableClient" });
}

/** What the app takes from durable-functions' index: the durable client of an invocation. */
interface DurableIndex {
  readonly getClient: typeof DurableFunctions.getClient;
}
let loaded: Promise<DurableIndex> | undefined;
/**
 * durable-functions itself, imported once, on the first invocation that talks to the durable backend. It
 * is CommonJS: `import()` gives its `module.exports` as `default`, in Node and in the esbuild bundle alike
 * (only Node adds named exports beside it, which the bundle does not).
 */
export const durableFunctions = (): Promise<DurableIndex> =>
  (loaded ??= import("durable-functions").then((m): DurableIndex => m.default));

/** The invocation's durable client as the dispatcher's port, with the library loaded on the first call. */
export function lazyDurablePort(context: InvocationContext): InstancePort {
  let port: Promise<InstancePort> | undefined;
  const real = () => (port ??= durableFunctions().then((df) => durableClientPort(df.getClient(context))));
  return {
    status: async (id) => (await real()).status(id),
    start: async (workflow, id, value) => (await real()).start(workflow, id, value),
    raise: async (id, name, data) => (await real()).raise(id, name, data),
    describe: async (id) => (await real()).describe(id),
  };
}
