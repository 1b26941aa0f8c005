import type { AccessToken, GetTokenOptions, TokenCredential } from "@azure/core-auth";

/**
 * Loading every Azure SDK when the Functions host loads the app cost about 450 ms of each cold start, on
 * every trigger (a webhook never needs the Email or Fleet SDK). The composition root loads each package with
 * `import()` the first time a client is needed; these helpers keep that to one load and one client.
 */
export function once<T>(load: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined;
  return () => (value ??= load());
}

/** One client per key (ARM SDK clients bind the subscription at construction), built on first use. */
export function perKey<T>(build: (key: string) => Promise<T>): (key: string) => Promise<T> {
  const clients = new Map<string, Promise<T>>();
  return (key) => {
    let client = clients.get(key);
    if (!client) clients.set(key, (client = build(key)));
    return client;
  };
}

/**
 * `DefaultAzureCredential` (the Function App's managed identity, or AZURE_CLIENT_ID for a user-assigned one),
 * with `@azure/identity` (the heaviest SDK, ~350 ms) loaded at the first token request instead of at start.
 */
export function lazyDefaultCredential(): TokenCredential {
  const credential = once(async () => new (await import("@azure/identity")).DefaultAzureCredential());
  return {
    getToken: async (scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> =>
      (await credential()).getToken(scopes, options),
  };
}
