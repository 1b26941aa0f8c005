import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import { safeLogField } from "../shared/safe-text.js";
import { apiDeps, type ApiDeps } from "./deps.js";

/** How much of a backend's reason a 503 repeats: enough to act on, never a whole upstream body. */
const REASON_MAX = 300;

/**
 * A failure of the durable backend or ARM is a 503 that says so and can be retried — never a 404 that
 * claims the rollout does not exist, and never a crash. The reason is repeated (cut, control characters
 * escaped, secrets masked) so an operator can tell a full disk from an outage.
 */
export function guarded(
  handler: (req: HttpRequest, deps: ApiDeps) => Promise<HttpResponseInit>,
  depsOf: (context: InvocationContext) => ApiDeps | Promise<ApiDeps> = apiDeps,
): (req: HttpRequest, context: InvocationContext) => Promise<HttpResponseInit> {
  return async (req, context) => {
    try {
      return await handler(req, await depsOf(context));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      context.error(`api: ${req.method} ${new URL(req.url).pathname} failed: ${safeLogField(message)}`);
      return {
        status: 503,
        headers: { "Retry-After": "10" },
        jsonBody: {
          error: `the durable backend or Azure did not answer (${safeLogField(message, REASON_MAX)}); try again shortly`,
        },
      };
    }
  };
}
