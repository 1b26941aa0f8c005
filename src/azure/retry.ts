import type { PipelinePolicy, PipelineRequest, PipelineResponse } from "@azure/core-rest-pipeline";
import pRetry, { AbortError } from "p-retry";
import type { Clock } from "../clock/clock.js";
import { countArmResponse } from "../shared/telemetry.js";

/**
 * The one retry of throttled ARM calls, as a pipeline policy every client Ringmaster builds carries (the
 * SDK clients and the REST client alike), so a list, a page of a list, a read or a write all get it.
 * The SDK's own retry honours Retry-After three times and gives up on a bare 429 at once; this policy sits
 * outside it (per call) and keeps trying a bounded number of times: after the Retry-After ARM asked for,
 * else with exponential backoff. A 429 means ARM did not process the request, so retrying a write is safe.
 * What is still throttled after the last try is handed back as the 429 response it was, and the client
 * turns it into its usual RestError.
 */
export interface ThrottleRetryOptions {
  /** Tries after the first. */
  readonly retries: number;
  /** Real milliseconds before the first retry of a bare 429, doubled (with jitter) each time. */
  readonly backoffMs: number;
  /** The longest single wait, whatever Retry-After says. */
  readonly maxDelayMs: number;
  /**
   * Waits on this clock instead of real time: Retry-After (seconds of the clock's time, as the simulator
   * means them) and the backoff are then the clock's milliseconds.
   */
  readonly clock?: Clock;
}

type AbortSignalLike = NonNullable<PipelineRequest["abortSignal"]>;

export const THROTTLE_RETRY_POLICY = "ringmasterThrottleRetry";

class Throttled extends Error {
  constructor(readonly response: PipelineResponse) {
    super(`ARM answered 429 for ${response.request.method} ${response.request.url}`);
  }
}

/**
 * Milliseconds a throttled response asks to wait: `retry-after-ms`, `x-ms-retry-after-ms`, then Retry-After,
 * then the `x-ms-ratelimit-*-retry-after` seconds of Cost Management.
 */
export function retryAfterMs(
  response: PipelineResponse,
  nowMs = Date.now(),
  o: { secondsOnly?: boolean; header?: string } = {},
): number | undefined {
  for (const name of o.secondsOnly ? [] : ["retry-after-ms", "x-ms-retry-after-ms"]) {
    const ms = Number(response.headers.get(name));
    if (response.headers.get(name) && Number.isFinite(ms) && ms >= 0) return ms;
  }
  const value = response.headers.get(o.header ?? "retry-after");
  if (!value) return rateLimitRetryAfterMs(response);
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

/**
 * Cost Management throttles by query units and answers 429 without Retry-After, naming the wait in
 * seconds in `x-ms-ratelimit-microsoft.costmanagement-{qpu,entity,tenant,clienttype}-retry-after`: the
 * longest of them is the wait.
 */
function rateLimitRetryAfterMs(response: PipelineResponse): number | undefined {
  let seconds: number | undefined;
  for (const [name, value] of response.headers) {
    const s = Number(value);
    if (/^x-ms-ratelimit-.+-retry-after$/i.test(name) && value.trim() !== "" && Number.isFinite(s) && s >= 0)
      seconds = Math.max(seconds ?? 0, s);
  }
  return seconds === undefined ? undefined : seconds * 1000;
}

export function throttleRetryPolicy(o: ThrottleRetryOptions): PipelinePolicy {
  return {
    name: THROTTLE_RETRY_POLICY,
    async sendRequest(request, next) {
      try {
        return await pRetry(
          async () => {
            // A caller that gave up (a write that would now come too late) stops the retries too.
            if (request.abortSignal?.aborted) throw new AbortError(aborted());
            let response: PipelineResponse;
            try {
              response = await next(request);
            } catch (error) {
              // Network and other failures are the SDK retry's business, not this one's.
              throw new AbortError(error instanceof Error ? error : new Error(String(error)));
            }
            countArmResponse(response.status);
            if (response.status === 429) throw new Throttled(response);
            return response;
          },
          {
            retries: o.retries,
            // The wait is taken in onFailedAttempt, where the response (and its Retry-After) is known.
            minTimeout: 0,
            maxTimeout: 0,
            onFailedAttempt: async ({ error, attemptNumber, retriesLeft }) => {
              if (!(error instanceof Throttled) || retriesLeft === 0) return;
              const backoff = o.backoffMs * 2 ** (attemptNumber - 1) * (1 + Math.random());
              if (o.clock) {
                const asked = retryAfterMs(error.response, o.clock.now(), {
                  secondsOnly: true,
                  header: CLOCK_RETRY_AFTER,
                });
                await o.clock.sleep(
                  Math.min(o.maxDelayMs, asked ?? backoff),
                  request.abortSignal as AbortSignal | undefined,
                );
              } else
                await abortableSleep(
                  Math.min(o.maxDelayMs, retryAfterMs(error.response) ?? backoff),
                  request.abortSignal,
                );
            },
          },
        );
      } catch (error) {
        if (error instanceof Throttled) return error.response;
        throw error instanceof AbortError ? error.originalError : error;
      }
    },
  };
}

const aborted = () => Object.assign(new Error("The operation was aborted."), { name: "AbortError" });

function abortableSleep(ms: number, signal?: AbortSignalLike): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(aborted());
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(aborted());
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** Where a throttled answer's Retry-After is kept, out of the SDK retry's sight, when waits are a clock's. */
const CLOCK_RETRY_AFTER = "x-ringmaster-clock-retry-after";

/**
 * Against a clock, the SDK's own retry (inside this one, per try) must not see a throttled answer's
 * Retry-After: it would wait those seconds in real time before this policy waits them on the clock, so a
 * discrete-clock run stood still for the whole wait. Next to the transport, this policy moves the header
 * aside for throttleRetryPolicy and drops the real-millisecond variants; the SDK then hands a bare 429
 * straight back, as it does for any 429 without Retry-After.
 */
function clockRetryAfterAside(): PipelinePolicy {
  return {
    name: "ringmasterClockRetryAfterAside",
    async sendRequest(request, next) {
      const response = await next(request);
      if (response.status !== 429) return response;
      const seconds = response.headers.get("retry-after");
      if (seconds !== undefined) response.headers.set(CLOCK_RETRY_AFTER, seconds);
      for (const name of ["retry-after", "retry-after-ms", "x-ms-retry-after-ms"])
        response.headers.delete(name);
      return response;
    },
  };
}

/** The policy as client options (`additionalPolicies`) for any `@azure/*` client. */
export function throttleRetryClientOptions(o: ThrottleRetryOptions) {
  return {
    additionalPolicies: [
      { policy: throttleRetryPolicy(o), position: "perCall" as const },
      ...(o.clock ? [{ policy: clockRetryAfterAside(), position: "perRetry" as const }] : []),
    ],
  };
}
