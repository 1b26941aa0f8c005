import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createTlsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { resolve } from "node:path";
import type { Clock } from "../clock/clock.js";
import { serveHeld } from "../clock/held-request.js";
import { EmailService } from "./acs-email.js";
import { checkApiVersion } from "./api-versions.js";
import { aksRoutes } from "./arm-aks.js";
import { costRoutes } from "./arm-cost.js";
import { fleetRoutes } from "./arm-fleet.js";
import { insightRoutes } from "./arm-insights.js";
import { maintenanceRoutes } from "./arm-maintenance.js";
import { resourceGraphRoutes } from "./arm-resourcegraph.js";
import type { Fleet } from "./fleet-schema.js";
import { armError, type Reply, type Route, type SimRequest } from "./http-kit.js";
import { IDENTITY_PATH, ManagedIdentityEndpoint } from "./managed-identity.js";
import { simulatorRecords } from "./sim-records-routes.js";
import { LIMITS } from "./throttle.js";
import { World } from "./world.js";

/**
 * The simulated Azure on 127.0.0.1: ARM (AKS, Fleet, Maintenance, Resource Graph, Cost, Alerts) and
 * Communication Services Email, on the simulator's clock, with Event Grid delivery to a webhook. Every
 * request passes the same gate: bearer auth, request counters, injected faults, ARM and AKS throttles.
 */
export interface SimulatorOptions {
  readonly fleet: Fleet;
  readonly clock: Clock;
  readonly port?: number;
  /** Overrides the fleet file's `eventGrid.deliverTo`. */
  readonly deliverTo?: string;
  /** The only directory `POST /_sim/summary?file=` writes in (default: the working directory at start). */
  readonly stateDir?: string;
  /**
   * Where records too many to keep in memory spill (`audit.jsonl`, `deliveries.jsonl`; records.ts). Without
   * it the oldest are counted and dropped, so memory stays bounded either way.
   */
  readonly recordsDir?: string;
  /** Runs on the built world before its schedule starts: how a saved state is restored (world-snapshot.ts). */
  readonly prepare?: (world: World) => void;
  /**
   * Serve HTTPS with this key and certificate (PEM). Azure mode talks to the simulator as to Azure: over
   * TLS, with bearer tokens from the managed-identity endpoint, and no transport rewriting (README, Packaging).
   */
  readonly tls?: { readonly key: string; readonly cert: string };
}

export class Simulator {
  readonly world: World;
  private readonly routes: Route[];
  private readonly email: EmailService;
  /** The App Service managed-identity endpoint at `${url}/msi/token` (managed-identity.ts). */
  readonly identity: ManagedIdentityEndpoint;
  private server: Server | undefined;
  private readonly stateDir: string;
  url = "";

  private constructor(private readonly options: SimulatorOptions) {
    this.world = new World(options.fleet, options.clock, {
      deliverTo: options.deliverTo,
      recordsDir: options.recordsDir,
    });
    this.routes = [
      ...aksRoutes(this.world),
      ...fleetRoutes(this.world),
      ...maintenanceRoutes(this.world),
      ...insightRoutes(this.world),
      ...costRoutes(this.world),
      ...resourceGraphRoutes(this.world),
    ];
    this.identity = new ManagedIdentityEndpoint(this.world.records);
    this.email = new EmailService(this.world, this.identity);
    this.stateDir = resolve(options.stateDir ?? process.cwd());
  }

  static async start(options: SimulatorOptions): Promise<Simulator> {
    const sim = new Simulator(options);
    options.prepare?.(sim.world);
    // A request that dies mid-body (a reset socket) is that request's problem, never the simulator's.
    const listener = (req: IncomingMessage, res: ServerResponse) =>
      void serveHeld(sim.world.clock, `simulator ${req.method ?? ""} ${req.url ?? ""}`, req, res, () =>
        sim.handle(req, res).catch(() => {
          if (!res.headersSent)
            write(res, armError(400, "InvalidRequestContent", "The request was not received."));
          else res.end();
        }),
      );
    sim.server = options.tls ? createTlsServer(options.tls, listener) : createServer(listener);
    await new Promise<void>((ok, fail) => {
      sim.server!.once("error", fail);
      sim.server!.listen(options.port ?? 0, "127.0.0.1", ok);
    });
    sim.url = `${options.tls ? "https" : "http"}://127.0.0.1:${(sim.server.address() as AddressInfo).port}`;
    sim.world.start();
    return sim;
  }

  async stop(): Promise<void> {
    this.world.stop();
    await new Promise<void>((ok) => (this.server ? this.server.close(() => ok()) : ok()));
    this.server?.closeAllConnections();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // A browser page elsewhere can reach 127.0.0.1 too; its requests carry a foreign Origin.
    const origin = req.headers.origin;
    if (
      origin !== undefined &&
      origin !== this.url &&
      origin !== this.url.replace("127.0.0.1", "localhost")
    ) {
      req.resume();
      return write(
        res,
        armError(
          403,
          "CrossOriginRequestRefused",
          "The simulator answers no cross-origin (browser) requests.",
        ),
      );
    }
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const rawBody = Buffer.concat(chunks);
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const headers = Object.fromEntries(
      Object.entries(req.headers).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v.join(", ") : v]),
    );
    const method = (req.method ?? "GET").toUpperCase();
    const type = (headers["content-type"] ?? "").toLowerCase().trim();
    if (rawBody.length > 0 && method !== "GET" && !/^application\/(.+\+)?json\b/.test(type))
      return write(
        res,
        armError(
          415,
          "UnsupportedMediaType",
          `The request body must be sent with Content-Type: application/json (got "${type.slice(0, 100) || "none"}").`,
        ),
      );
    let body: unknown;
    try {
      body = rawBody.length ? (JSON.parse(rawBody.toString("utf8")) as unknown) : undefined;
    } catch {
      return write(
        res,
        armError(
          400,
          "InvalidRequestContent",
          "The request content was invalid and could not be deserialized.",
        ),
      );
    }
    const base: Omit<SimRequest, "params"> = {
      method: (req.method ?? "GET").toUpperCase(),
      path: url.pathname,
      query: url.searchParams,
      headers,
      rawBody,
      body,
      origin: `${this.options.tls ? "https" : "http"}://${headers.host ?? "127.0.0.1"}`,
    };
    try {
      write(res, await this.dispatch(base));
    } catch (error) {
      write(
        res,
        armError(500, "InternalServerError", error instanceof Error ? error.message : String(error)),
      );
    }
  }

  private dispatch(req: Omit<SimRequest, "params">): Reply | Promise<Reply> {
    const lower = req.path.toLowerCase();
    if (lower.startsWith("/_sim/")) return simulatorRecords(this.world, this.stateDir, req);
    if (lower === IDENTITY_PATH) return this.identity.token({ ...req, params: {} });
    if (lower === "/emails:send" && req.method === "POST")
      return this.gate({ ...req, params: {} }, "emails.send", () => this.email.send({ ...req, params: {} }));
    const emailOp = /^\/emails\/operations\/([^/]+)$/i.exec(req.path);
    if (emailOp && req.method === "GET") return this.email.status({ ...req, params: {} }, emailOp[1]!);

    for (const route of this.routes) {
      if (route.method !== req.method) continue;
      const m = route.pattern.exec(req.path);
      if (!m) continue;
      const full: SimRequest = { ...req, params: { ...(m.groups ?? {}) } };
      // ARM checks the api-version before the token (an anonymous GET of management.azure.com answers
      // MissingApiVersionParameter), then answers a missing token with a Bearer challenge.
      const badVersion = checkApiVersion(req.path, req.query, this.locationOf(full));
      if (badVersion) return badVersion;
      if (!/^Bearer .+/i.test(req.headers.authorization ?? "")) {
        const reply = armError(
          401,
          "AuthenticationFailed",
          "Authentication failed. The 'Authorization' header is missing or is not a bearer token.",
        );
        return { ...reply, headers: { ...reply.headers, "WWW-Authenticate": BEARER_CHALLENGE } };
      }
      const wrongAudience = this.identity.wrongAudience(req.headers.authorization, ARM_AUDIENCE);
      if (wrongAudience)
        return armError(
          401,
          "InvalidAuthenticationTokenAudience",
          `The access token has been obtained for the wrong audience or resource: ${wrongAudience}.`,
        );
      return this.gate(full, route.api, () => route.handler(full), route);
    }
    const badVersion = checkApiVersion(req.path, req.query, "westeurope");
    if (badVersion) return badVersion;
    return armError(404, "NoRegisteredProviderFound", `No simulated API for ${req.method} ${req.path}`);
  }

  /** The location ARM names in a version error: the request's own, else its cluster's, else the fleet's region. */
  private locationOf(req: SimRequest): string {
    const { sub, rg, cluster, location } = req.params;
    if (location) return location;
    if (sub && rg && cluster) return this.world.cluster(sub, rg, cluster)?.location ?? "westeurope";
    return "westeurope";
  }

  /** Counters, injected faults, then the ARM and AKS token buckets, then the handler. */
  private gate(
    req: SimRequest,
    api: string,
    handler: () => Reply | Promise<Reply>,
    route?: Route,
  ): Reply | Promise<Reply> {
    const w = this.world;
    const kind = route?.kind ?? "write";
    w.records.count(`arm:${kind}s`);
    w.records.count(`api:${api}`);
    if (req.params.cluster) w.records.countCluster(req.params.cluster, kind === "read" ? "reads" : "writes");
    // The audit keeps each request with the status it got, so a refused write is told from an accepted one.
    // `credential` says where the bearer token came from: this simulator's managed-identity endpoint (azure
    // mode) or anything else (simulator mode's static token; ACS's HMAC has no bearer at all).
    const issued = this.identity.describe(req.headers.authorization);
    const audit = w.records.log("request", `${req.method} ${api}`, {
      path: req.path,
      credential: issued
        ? "managed-identity"
        : /^Bearer /i.test(req.headers.authorization ?? "")
          ? "static-bearer"
          : "none",
      ...(issued?.clientId ? { clientId: issued.clientId } : {}),
    });
    const reply = this.gated(req, api, handler, route);
    const note = (r: Reply) => {
      audit.detail!.status = r.status;
      return r;
    };
    return reply instanceof Promise ? reply.then(note) : note(reply);
  }

  private gated(
    req: SimRequest,
    api: string,
    handler: () => Reply | Promise<Reply>,
    route?: Route,
  ): Reply | Promise<Reply> {
    const w = this.world;
    const sub = (req.params.sub ?? "global").toLowerCase();
    const kind = route?.kind ?? "write";
    const fault = w.faults.takeApiFault(api);
    if (fault) {
      const headers: Record<string, string> = {
        "x-ms-error-code": fault.status === 429 ? "TooManyRequests" : "InternalServerError",
      };
      if (fault.retryAfterSeconds !== undefined) {
        // Retry-After is in simulated seconds; SDKs wait in real time, so also say it in real milliseconds.
        headers["Retry-After"] = String(fault.retryAfterSeconds);
        headers["retry-after-ms"] = String(Math.ceil((fault.retryAfterSeconds * 1000) / this.speed()));
      }
      w.records.count(`fault:${fault.status}`);
      if (fault.status === 429) w.records.countThrottled("fault");
      return {
        status: fault.status,
        headers,
        body: { error: { code: headers["x-ms-error-code"], message: `Injected fault on ${api}` } },
      };
    }
    if (route) {
      const armSpec =
        kind === "read" ? LIMITS.armReads : kind === "delete" ? LIMITS.armDeletes : LIMITS.armWrites;
      const armWait = w.throttle.take(`arm:${sub}:${kind}`, armSpec);
      const aksWait =
        armWait === undefined && route.aks
          ? w.throttle.take(aksScope(route, req), LIMITS[route.aks.bucket])
          : undefined;
      const wait = armWait ?? aksWait;
      if (wait !== undefined) {
        w.records.countThrottled(armWait !== undefined ? `arm-${kind}s` : route.aks!.bucket);
        return {
          status: 429,
          headers: {
            "Retry-After": String(wait),
            "retry-after-ms": String(Math.ceil((wait * 1000) / this.speed())),
            "x-ms-error-code": "TooManyRequests",
          },
          body: {
            error: {
              code: "TooManyRequests",
              message: `The request was throttled; retry after ${wait} seconds.`,
            },
          },
        };
      }
      w.records.count(`bucket:${route.aks?.bucket ?? "arm"}`);
    }
    return handler();
  }

  private speed(): number {
    return this.world.clock.speed;
  }
}

/**
 * The challenge ARM sends with a 401 (as the azure-sdk-for-go ARM bearer policy tests record it): the SDKs'
 * bearer policies parse it for CAE claims, so a 401 without it is not what a client meets in Azure.
 */
const ARM_AUDIENCE = "https://management.azure.com";

const BEARER_CHALLENGE =
  'Bearer authorization_uri="https://login.windows.net/", error="invalid_token", error_description="The authentication failed because of missing \'Authorization\' header."';

function aksScope(route: Route, req: SimRequest): string {
  const sub = (req.params.sub ?? "").toLowerCase();
  const bucket = route.aks!.bucket;
  if (route.aks!.scope === "cluster")
    return `aks:${bucket}:${sub}/${req.params.rg}/${req.params.cluster}`.toLowerCase();
  if (route.aks!.scope === "pool")
    return `aks:${bucket}:${sub}/${req.params.rg}/${req.params.cluster}/${req.params.pool}`.toLowerCase();
  return `aks:${bucket}:${sub}`;
}

function write(res: ServerResponse, reply: Reply): void {
  const headers: Record<string, string> = { ...(reply.headers ?? {}) };
  if (reply.body !== undefined) headers["Content-Type"] = "application/json; charset=utf-8";
  res.writeHead(reply.status, headers).end(reply.body === undefined ? undefined : JSON.stringify(reply.body));
}
