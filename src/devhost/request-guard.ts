import type { IncomingMessage } from "node:http";
import { doorNeeds, opens, presentedKey, type Door, type HostKeys } from "./host-keys.js";

/**
 * What the host refuses before routing. A browser on another site can reach 127.0.0.1 too: it sends
 * "simple" requests (a text/plain POST, no preflight) and marks them with `Origin`. So a request whose
 * `Origin` is not the host's own is refused, and the host's own endpoints that take a JSON body insist on
 * `Content-Type: application/json`, which no simple request can carry. Admin endpoints also want a
 * loopback peer and, when the host was given keys, the master key, as the Functions host requires in Azure.
 */
export interface Refusal {
  readonly status: number;
  readonly error: string;
}

export function ownOrigins(baseUrl: string): Set<string> {
  const url = new URL(baseUrl);
  return new Set([url.origin, `${url.protocol}//localhost:${url.port}`]);
}

export function foreignOrigin(req: IncomingMessage, own: ReadonlySet<string>): Refusal | undefined {
  const origin = req.headers.origin;
  if (origin === undefined || own.has(origin)) return undefined;
  return {
    status: 403,
    error: `cross-origin request refused: Origin ${JSON.stringify(origin.slice(0, 200))} is not this host's origin`,
  };
}

/** A state-changing request with a body must say it is JSON; a browser cannot send that without a preflight. */
export function notJson(req: IncomingMessage, bodyBytes: number): Refusal | undefined {
  const method = (req.method ?? "GET").toUpperCase();
  if (bodyBytes === 0 || method === "GET" || method === "HEAD" || method === "OPTIONS") return undefined;
  const type = (req.headers["content-type"] ?? "").toLowerCase();
  if (/^application\/(.+\+)?json\b/.test(type.trim())) return undefined;
  return {
    status: 415,
    error: `Content-Type must be application/json for ${method} with a body (got ${JSON.stringify(type.slice(0, 100) || "none")})`,
  };
}

export function isLoopback(req: IncomingMessage): boolean {
  const address = req.socket.remoteAddress ?? "";
  return address === "127.0.0.1" || address === "::1" || address === "::ffff:127.0.0.1";
}

/**
 * A door of the host that wants a key (host-keys.ts): 401 without the right one. Without keys the host
 * checks none, as Core Tools does. No key is echoed.
 */
export function keyRefusal(
  req: IncomingMessage,
  url: URL,
  keys: HostKeys | undefined,
  door: Door,
): Refusal | undefined {
  if (keys === undefined || opens(keys, door, presentedKey(req, url))) return undefined;
  return { status: 401, error: `unauthorized: ${url.pathname.slice(0, 200)} needs ${doorNeeds(door)}` };
}

/** `/admin/*` answers loopback peers only, keys or not. */
export function notLoopback(req: IncomingMessage): Refusal | undefined {
  return isLoopback(req) ? undefined : { status: 403, error: "admin endpoints answer loopback callers only" };
}
