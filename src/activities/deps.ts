import type { InvocationContext } from "@azure/functions";
import type { Adapters } from "../azure/compose.js";
import type { Policy } from "../config/policy.js";
import type { Settings } from "../config/settings.js";
import type { InstancePort } from "../contracts/durable-port.js";

/** What activities need, injected by the composition root (functions/workflows.ts); built lazily, once. */
export interface ActivityDeps {
  adapters(): Adapters;
  policy(): Policy;
  settings(): Settings;
  /** The durable client bound to an activity invocation (feeding digests, starting and signalling cluster workflows). */
  durable(context: InvocationContext): InstancePort;
  /** Base URL people use to act on emails (approve, resume). */
  publicBaseUrl(): string;
}
