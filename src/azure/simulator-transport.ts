import type { HttpClient, PipelineRequest, PipelineResponse } from "@azure/core-rest-pipeline";
import type { Clock } from "../clock/clock.js";
import type { AccessToken, TokenCredential } from "@azure/core-auth";

/**
 * Pointing the real SDK clients at the simulator (research/aks-apis.md §6.5): bearer authentication refuses
 * any non-https URL, so clients talk to a fake https host and this HTTP client, which runs after the auth
 * policy, rewrites that host to the simulator's http address — and restores the URL afterwards, because
 * core-lro reads `response.request.url` to follow the operation.
 */
export const SIMULATED_ARM_HOST = "https://management.simulator.local";

/**
 * With a clock, every request is held work on it from send to answer (clock.ts `held`): a discrete clock
 * does not move while a call is on its way to the simulator, even from code no function invocation holds.
 */
export function simulatorHttpClient(simulatorUrl: string, clock?: Clock): HttpClient {
  // Created on the first request, so composing adapters loads no SDK (cold start, compose.ts).
  let inner: HttpClient | undefined;
  const target = simulatorUrl.replace(/\/$/, "");
  return {
    sendRequest(request) {
      return clock ? clock.held(`ARM ${request.method} ${request.url}`, () => send(request)) : send(request);
    },
  };
  async function send(request: PipelineRequest): Promise<PipelineResponse> {
    const original = request.url;
    request.url = original.replace(SIMULATED_ARM_HOST, target);
    request.allowInsecureConnection = true;
    try {
      inner ??= (await import("@azure/core-rest-pipeline")).createDefaultHttpClient();
      return await inner.sendRequest(request);
    } finally {
      request.url = original;
      request.allowInsecureConnection = false;
    }
  }
}

/** A credential for the simulator, which checks only that a bearer token is present. */
export function simulatorCredential(): TokenCredential {
  return {
    getToken: (): Promise<AccessToken> =>
      Promise.resolve({ token: "ringmaster-simulator", expiresOnTimestamp: Date.now() + 3_600_000 }),
  };
}
