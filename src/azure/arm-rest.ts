import type { ServiceClient, ServiceClientOptions } from "@azure/core-client";
import type { TokenCredential } from "@azure/core-auth";
import type { HttpClient } from "@azure/core-rest-pipeline";

/**
 * ARM over plain REST with `@azure/core-client`, for the APIs without a usable SDK here: Microsoft.Maintenance
 * (`@azure/arm-maintenance` is not on our registry), Fleet gates and preview strategy fields (absent from
 * `@azure/arm-containerservicefleet` 2.0), Cost Management queries and Azure Monitor alerts. Same pipeline
 * as the SDKs: bearer auth, retries that honour Retry-After, and errors as RestError with ARM's details.
 */
export interface ArmRestOptions {
  readonly credential: TokenCredential;
  readonly endpoint?: string;
  readonly httpClient?: HttpClient;
  /** Extra pipeline policies (the shared throttling retry, retry.ts). */
  readonly additionalPolicies?: ServiceClientOptions["additionalPolicies"];
  /** The SDK's own retry of failed requests (5xx, network), as the SDK clients get it (compose.ts). */
  readonly retryOptions?: ServiceClientOptions["retryOptions"];
}

export class ArmRestClient {
  // Built on the first call: `@azure/core-client` and its pipeline load then, not at cold start.
  private client: Promise<ServiceClient> | undefined;
  private readonly endpoint: string;

  constructor(private readonly options: ArmRestOptions) {
    this.endpoint = (options.endpoint ?? "https://management.azure.com").replace(/\/$/, "");
  }

  private serviceClient(): Promise<ServiceClient> {
    const o = this.options;
    this.client ??= import("@azure/core-client").then(
      ({ ServiceClient }) =>
        new ServiceClient({
          endpoint: this.endpoint,
          credential: o.credential,
          credentialScopes: ["https://management.azure.com/.default"],
          ...(o.httpClient ? { httpClient: o.httpClient } : {}),
          ...(o.additionalPolicies ? { additionalPolicies: o.additionalPolicies } : {}),
          ...(o.retryOptions ? { retryOptions: o.retryOptions } : {}),
        }),
    );
    return this.client;
  }

  get<T>(path: string, apiVersion: string, query: Record<string, string> = {}): Promise<T> {
    return this.send<T>("GET", path, apiVersion, undefined, query);
  }

  put<T>(path: string, apiVersion: string, body: unknown): Promise<T> {
    return this.send<T>("PUT", path, apiVersion, body);
  }

  patch<T>(path: string, apiVersion: string, body: unknown): Promise<T> {
    return this.send<T>("PATCH", path, apiVersion, body);
  }

  post<T>(path: string, apiVersion: string, body: unknown, query: Record<string, string> = {}): Promise<T> {
    return this.send<T>("POST", path, apiVersion, body, query);
  }

  async delete(path: string, apiVersion: string): Promise<void> {
    await this.send<unknown>("DELETE", path, apiVersion);
  }

  private async send<T>(
    method: "GET" | "PUT" | "PATCH" | "POST" | "DELETE",
    path: string,
    apiVersion: string,
    body?: unknown,
    query: Record<string, string> = {},
  ): Promise<T> {
    const client = await this.serviceClient();
    const { createHttpHeaders, createPipelineRequest, RestError } = await import("@azure/core-rest-pipeline");
    const url = new URL(`${this.endpoint}${path}`);
    url.searchParams.set("api-version", apiVersion);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    const request = createPipelineRequest({
      url: url.toString(),
      method,
      headers: createHttpHeaders(body === undefined ? {} : { "content-type": "application/json" }),
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const response = await client.sendRequest(request);
    const text = response.bodyAsText ?? "";
    const parsed: unknown = text ? JSON.parse(text) : undefined;
    if (response.status >= 400) {
      const error = (parsed as { error?: { code?: string; message?: string } } | undefined)?.error;
      const restError = new RestError(error?.message ?? `ARM ${method} ${path} answered ${response.status}`, {
        code: error?.code ?? `HTTP${response.status}`,
        statusCode: response.status,
        request,
        response,
      });
      restError.details = parsed;
      throw restError;
    }
    return parsed as T;
  }
}
