import type { HttpClient } from "@azure/core-rest-pipeline";
import type { AccessToken, TokenCredential } from "@azure/core-auth";

/**
 * Pointing the real SDK clients at the simulator (research/aks-apis.md §6.5): bearer authentication refuses
 * any non-https URL, so clients talk to a fake https host and this HTTP client, which runs after the auth
 * policy, rewrites that host to the simulator's http address — and restores the URL afterwards, because
 * core-lro reads `response.request.url` to follow the operation.
 */
export const SIMULATED_ARM_HOST = "https://management.simulator.local";

export function simulatorHttpClient(simulatorUrl: string): HttpClient {
  // Created on the first request, so composing adapters loads no SDK (cold start, compose.ts).
  let inner: HttpClient | undefined;
  const target = simulatorUrl.replace(/\/$/, "");
  return {
    async sendRequest(request) {
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
    },
  };
}

/** A credential for the simulator, which checks only that a bearer token is present. */
export function simulatorCredential(): TokenCredential {
  return {
    getToken: (): Promise<AccessToken> =>
      Promise.resolve({ token: "ringmaster-simulator", expiresOnTimestamp: Date.now() + 3_600_000 }),
  };
}
