import { randomBytes } from "node:crypto";
import type { Reply, SimRequest } from "./http-kit.js";
import type { Records } from "./records.js";

/**
 * The App Service managed-identity endpoint (protocol 2019-08-01), as the Functions host offers it to the
 * app through IDENTITY_ENDPOINT and IDENTITY_HEADER: `GET ?resource=…&api-version=2019-08-01[&client_id=…]`
 * with header `X-IDENTITY-HEADER`, answered with `{access_token, expires_on, resource, token_type}`.
 * `DefaultAzureCredential` in azure mode gets its tokens here; the simulator then knows, per request,
 * whether the bearer token came from this endpoint and for which audience (ARM refuses a token for
 * another resource with InvalidAuthenticationTokenAudience).
 */
export const IDENTITY_PATH = "/msi/token";

export interface IssuedToken {
  readonly resource: string;
  readonly clientId: string | undefined;
}

/** `https://management.azure.com/` and `https://management.azure.com` are one audience. */
const audience = (resource: string) =>
  resource
    .replace(/\/+$/, "")
    .replace(/\/\.default$/, "")
    .toLowerCase();

export class ManagedIdentityEndpoint {
  /** The secret the host puts in IDENTITY_HEADER; a request without it is not from the app's sandbox. */
  readonly header = randomBytes(18).toString("base64url");
  private readonly issued = new Map<string, IssuedToken>();

  constructor(private readonly records: Records) {}

  token(req: SimRequest): Reply {
    if (req.method !== "GET") return error(405, "the identity endpoint answers GET only");
    if (req.headers["x-identity-header"] !== this.header)
      return error(401, "X-IDENTITY-HEADER is missing or is not the value of IDENTITY_HEADER");
    if (req.query.get("api-version") !== "2019-08-01")
      return error(400, "api-version must be 2019-08-01 (the App Service managed identity protocol)");
    const resource = req.query.get("resource");
    if (!resource) return error(400, "resource is required, e.g. https://management.azure.com/");
    const clientId = req.query.get("client_id") ?? undefined;
    const token = `sim-mi.${randomBytes(24).toString("base64url")}`;
    this.issued.set(token, { resource: audience(resource), clientId });
    this.records.log("request", "GET identity.token", { resource, ...(clientId ? { clientId } : {}) });
    // Tokens are valid an hour of real time: the credential's cache and refresh are real-time too.
    const expiresOn = Math.floor(Date.now() / 1000) + 3600;
    return {
      status: 200,
      body: { access_token: token, expires_on: String(expiresOn), resource, token_type: "Bearer" },
    };
  }

  /** Who issued the bearer token of an Authorization header: this endpoint (and for what), or someone else. */
  describe(authorization: string | undefined): IssuedToken | undefined {
    const m = /^Bearer (.+)$/i.exec(authorization ?? "");
    return m ? this.issued.get(m[1]!) : undefined;
  }

  /** Whether a token from this endpoint was issued for another audience than `resource`. */
  wrongAudience(authorization: string | undefined, resource: string): string | undefined {
    const issued = this.describe(authorization);
    if (!issued || issued.resource === audience(resource)) return undefined;
    return `the token's audience is ${issued.resource}, not ${audience(resource)}`;
  }
}

function error(status: number, message: string): Reply {
  return { status, body: { error: "invalid_request", error_description: message } };
}
