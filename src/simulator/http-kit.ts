/**
 * The small HTTP vocabulary the simulator's handlers share: a parsed request, a reply, ARM-shaped errors.
 */
export interface SimRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly rawBody: Buffer;
  readonly body: unknown;
  readonly params: Readonly<Record<string, string>>;
  /** The scheme and host the client used, for URLs that must point back at this server (e.g. ACS). */
  readonly origin: string;
}

export interface Reply {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

/** Poll and result URLs ARM hands out. The adapters map this https host to the simulator, as the SDKs' bearer policy refuses http. */
export const SIM_ARM_BASE = "https://management.simulator.local";

/**
 * The host ARM names in poll URLs: the simulator's own address when the client reached it over https (azure
 * mode, no rewriting transport, as ARM hands out its own host), else the fake https host the adapters map.
 */
export const armBase = (req: SimRequest): string =>
  req.origin.startsWith("https://") ? req.origin : SIM_ARM_BASE;

export function armError(
  status: number,
  code: string,
  message: string,
  extra: Record<string, unknown> = {},
): Reply {
  return { status, headers: { "x-ms-error-code": code }, body: { error: { code, message, ...extra } } };
}

export const ok = (body: unknown, status = 200, headers?: Record<string, string>): Reply => ({
  status,
  body,
  ...(headers ? { headers } : {}),
});

export type Handler = (req: SimRequest) => Reply | Promise<Reply>;

export interface Route {
  readonly method: string;
  readonly pattern: RegExp;
  /** API name for fault injection and counters, e.g. `managedClusters.get`. */
  readonly api: string;
  /** read | write | delete: the ARM bucket. */
  readonly kind: "read" | "write" | "delete";
  /** The AKS bucket and its scope, when the AKS resource provider throttles this API separately. */
  readonly aks?: {
    readonly bucket:
      | "aksListSubscription"
      | "aksPutManagedCluster"
      | "aksPutAgentPool"
      | "aksGetManagedCluster"
      | "aksOperationStatus"
      | "aksOther";
    readonly scope: "subscription" | "cluster" | "pool";
  };
  readonly handler: Handler;
}

/** Builds a case-insensitive path regex from a template such as `/subscriptions/{sub}/resourceGroups/{rg}`. */
export function pathPattern(template: string): RegExp {
  const source = template
    .replace(/[.+^$()|[\]\\]/g, "\\$&")
    .replace(/\{(\w+)\}/g, (_, name: string) => `(?<${name}>[^/]+)`);
  return new RegExp(`^${source}/?$`, "i");
}

export const AKS =
  "/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.ContainerService/managedClusters/{cluster}";
