// Two modules inside durable-functions 3.x that the app imports directly (src/app/durable-app.ts says why):
// the package's index loads its HTTP client (axios and friends, ~100–300 ms) however little of it is used.
// They have no declarations of their own; these mirror lib/src/RetryOptions.js and
// lib/src/orchestrations/Orchestrator.js of durable-functions 3.5. test/unit/app/durable-app.test.ts checks
// them against the library at run time.
declare module "durable-functions/lib/src/RetryOptions.js" {
  export { RetryOptions } from "durable-functions";
}

declare module "durable-functions/lib/src/orchestrations/Orchestrator.js" {
  import type { InvocationContext } from "@azure/functions";
  import type { OrchestrationHandler } from "durable-functions";

  interface Orchestrator {
    /** The trigger handler `df.app.orchestration` registers (through util/testingUtils createOrchestrator). */
    listen(): (orchestrationTrigger: unknown, context: InvocationContext) => Promise<unknown>;
  }
  /** CommonJS: `import()` gives `module.exports` as `default` (named exports exist in Node only). */
  const cjsExports: { readonly Orchestrator: new (fn: OrchestrationHandler) => Orchestrator };
  export default cjsExports;
}
