import type * as DurableFunctions from "durable-functions";
import { beforeAll, describe, expect, it } from "vitest";
import type * as DurableApp from "../../../src/app/durable-app.js";
import { installCoreApi, Registry, type FunctionMetadata } from "../../../src/devhost/core-api.js";

/**
 * src/app/durable-app.ts registers orchestrations and activities without durable-functions' index (issue 12,
 * cold start). The host must see exactly what `df.app.orchestration` / `df.app.activity` would have given it,
 * and an orchestration must answer a trigger exactly as the library's own handler does.
 */
const registry = new Registry();
let df: typeof DurableFunctions;
let lazy: typeof DurableApp;
let durableClientInput: () => unknown;

beforeAll(async () => {
  // Before @azure/functions loads: otherwise it registers nothing ("test mode").
  installCoreApi(registry);
  df = await import("durable-functions");
  lazy = await import("../../../src/app/durable-app.js");
  ({ durableClientInput } = await import("../../../src/dispatch/lazy-durable.js"));
});

function registered(name: string): { metadata: FunctionMetadata; callback: (...a: unknown[]) => unknown } {
  const found = [...registry.functions.values()].find((r) => r.metadata.name === name);
  if (!found) throw new Error(`${name} is not registered`);
  return found;
}

const bindingsOf = (name: string) => registered(name).metadata.bindings;

/** The orchestration under test: an activity call, a timer and a custom status, so actions are compared. */
const orchestrator: DurableFunctions.OrchestrationHandler = function* (context) {
  context.df.setCustomStatus({ step: "before" });
  const out: unknown = yield context.df.callActivity("echo", context.df.getInput());
  yield context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + 60_000));
  return { out };
};

/** A first episode's trigger, as the Durable extension (and src/devhost/durable) sends it. */
function firstEpisode(instanceId: string) {
  const t = "2026-12-01T00:00:00.000Z";
  return {
    history: [
      { EventType: 12, EventId: -1, IsPlayed: false, Timestamp: t },
      { EventType: 0, EventId: -1, IsPlayed: false, Timestamp: t, Name: "x", Input: '"hello"' },
    ],
    input: "hello",
    instanceId,
    isReplaying: false,
    parentInstanceId: null,
    upperSchemaVersion: 1,
    upperSchemaVersionNew: 2,
    longRunningTimerIntervalDuration: "3.00:00:00",
    maximumShortTimerDuration: "3650.00:00:00",
    defaultHttpAsyncRequestSleepTimeMillseconds: 30000,
  };
}

async function run(name: string): Promise<unknown> {
  const { InvocationContext } = await import("@azure/functions");
  const context = new InvocationContext({ functionName: name, invocationId: `inv-${name}` });
  return registered(name).callback(firstEpisode("instance-1"), context);
}

describe("Durable registration without durable-functions' index", () => {
  it("gives an orchestration the trigger metadata df.app.orchestration gives it", async () => {
    df.app.orchestration("viaLibrary", orchestrator);
    lazy.registerOrchestration("viaSeam", { load: () => Promise.resolve(orchestrator) });
    expect(bindingsOf("viaSeam")).toEqual(bindingsOf("viaLibrary"));
    expect(Object.values(bindingsOf("viaSeam"))).toEqual([
      expect.objectContaining({ type: "orchestrationTrigger", direction: "in" }),
    ]);
    // And the same answer to the same trigger: actions, custom status, completion.
    const [fromLibrary, fromSeam] = [await run("viaLibrary"), await run("viaSeam")];
    expect(fromSeam).toEqual(fromLibrary);
    expect(JSON.stringify(fromSeam)).toContain('"functionName":"echo"');
  });

  it("gives an activity the trigger, inputs and outputs df.app.activity gives it", () => {
    const handler = (input: unknown) => Promise.resolve(input);
    df.app.activity("activityViaLibrary", { extraInputs: [df.input.durableClient()], handler });
    lazy.registerActivity("activityViaSeam", {
      extraInputs: [durableClientInput() as ReturnType<typeof df.input.durableClient>],
      handler,
    });
    expect(bindingsOf("activityViaSeam")).toEqual(bindingsOf("activityViaLibrary"));
  });

  it("RetryOptions from its own module is the class durable-functions checks", async () => {
    const { RetryOptions } = await import("durable-functions/lib/src/RetryOptions.js");
    expect(RetryOptions).toBe(df.RetryOptions);
  });
});
