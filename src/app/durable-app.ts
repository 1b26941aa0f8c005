import {
  app,
  trigger,
  type FunctionHandler,
  type FunctionInput,
  type FunctionOutput,
} from "@azure/functions";
import type { OrchestrationHandler } from "durable-functions";

/**
 * Orchestrations and activities registered without loading durable-functions when the host loads the app.
 * `df.app.orchestration(name, fn)` is `app.generic(name, { trigger: { type: "orchestrationTrigger" },
 * handler: createOrchestrator(fn) })`, and createOrchestrator is `new Orchestrator(fn).listen()`
 * (durable-functions 3.x lib/src/app.js, util/testingUtils.js). But importing `durable-functions` at all runs
 * its index, which loads the durable HTTP client (axios, form-data, lodash, validator): the largest part of
 * the app's cold start. Here the trigger metadata is built with @azure/functions exactly as the library
 * builds it (same binding, same generated name), and the orchestrator module, which needs none of that, is
 * imported on the first orchestration call, with the orchestrator's own code. test/unit/app/durable-app.test.ts
 * compares both registrations.
 */
export interface LazyOrchestration {
  /** The orchestrator function, imported on the orchestration's first episode in this process. */
  readonly load: () => Promise<OrchestrationHandler>;
}

export function registerOrchestration(name: string, orchestration: LazyOrchestration): void {
  let listener: Promise<(trigger: unknown, context: Parameters<FunctionHandler>[1]) => Promise<unknown>>;
  app.generic(name, {
    trigger: trigger.generic({ type: "orchestrationTrigger" }),
    handler: async (orchestrationTrigger, context) => {
      // CommonJS: its exports arrive as `default` (src/dispatch/lazy-durable.ts says why).
      listener ??= Promise.all([
        import("durable-functions/lib/src/orchestrations/Orchestrator.js"),
        orchestration.load(),
      ]).then(([{ default: cjs }, handler]) => new cjs.Orchestrator(handler).listen());
      return (await listener)(orchestrationTrigger, context);
    },
  });
}

export interface ActivityRegistration {
  readonly handler: (input: unknown, context: Parameters<FunctionHandler>[1]) => Promise<unknown>;
  readonly extraInputs?: FunctionInput[];
  readonly extraOutputs?: FunctionOutput[];
}

/**
 * `df.app.activity(name, options)` is `app.generic(name, { trigger: { type: "activityTrigger" }, ...options,
 * handler: wrapActivityHandler(options.handler) })`. That wrapper only rewrites a thrown error's message when
 * an exception-properties provider is registered (`df.app.setExceptionPropertiesProvider`); this app
 * registers none, so the handler is registered as it is.
 */
export function registerActivity(name: string, options: ActivityRegistration): void {
  app.generic(name, { trigger: trigger.generic({ type: "activityTrigger" }), ...options });
}
