import type { HttpRequest, HttpResponseInit } from "@azure/functions";
import { z } from "zod";
import { Identity, json, shown } from "./http.js";

/** Who acted, as recorded: the authenticated name and id, and how they were proven. */
export const Actor = z.strictObject({
  name: z.string(),
  id: z.string(),
  /** entra: App Service authentication; key: a function key; link: a signed one-click link (notify/action-links.ts). */
  via: z.enum(["entra", "key", "link"]),
});
export type Actor = z.infer<typeof Actor>;

/**
 * What proves a caller. In Azure, App Service authentication (when enabled, `WEBSITE_AUTH_ENABLED=True`)
 * validates the Entra token and replaces any client-sent `x-ms-client-principal*` headers with its own; without
 * it those headers are the caller's word, so they are read only when it is on. Locally (simulator mode)
 * the host is loopback-only and a claimed `by` is taken as said.
 */
export interface ActorPolicy {
  readonly mode: "simulator" | "azure";
  readonly easyAuth: boolean;
}
const LOCAL: ActorPolicy = { mode: "simulator", easyAuth: false };

/** The documented `x-ms-client-principal` payload: base64 JSON with the token's claims. */
const ClientPrincipal = z.object({
  auth_typ: z.string(),
  claims: z.array(z.object({ typ: z.string(), val: z.string() })),
  name_typ: z.string(),
  role_typ: z.string(),
});
const OID_CLAIMS = ["http://schemas.microsoft.com/identity/claims/objectidentifier", "oid"];
const NAME_CLAIMS = [
  "preferred_username",
  "upn",
  "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn",
];

type Resolved = { ok: true; actor: Actor } | { ok: false; response: HttpResponseInit };

function principalOf(req: HttpRequest): Resolved | undefined {
  const header = req.headers.get("x-ms-client-principal");
  if (!header) return undefined;
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(header, "base64").toString("utf8"));
  } catch {
    decoded = undefined;
  }
  const principal = ClientPrincipal.safeParse(decoded);
  if (!principal.success)
    return {
      ok: false,
      response: json(401, {
        error:
          "x-ms-client-principal: not App Service authentication's principal (base64 JSON with auth_typ, claims, name_typ, role_typ)",
      }),
    };
  const claim = (types: readonly string[]) =>
    principal.data.claims.find((c) => types.includes(c.typ) && c.val.trim() !== "")?.val;
  const candidates = [
    req.headers.get("x-ms-client-principal-name") ?? undefined,
    claim([principal.data.name_typ]),
    claim(NAME_CLAIMS),
  ];
  const name = candidates.find((n) => n !== undefined && Identity.safeParse(n).success);
  const id = req.headers.get("x-ms-client-principal-id") ?? claim(OID_CLAIMS);
  if (!name || !id || id.length > 128 || !/^[A-Za-z0-9._@-]+$/.test(id))
    return {
      ok: false,
      response: json(401, {
        error:
          "x-ms-client-principal: the identity has no usable name (upn or preferred_username) and object id",
      }),
    };
  return { ok: true, actor: { name, id, via: "entra" } };
}

/**
 * Who acts. In azure mode it is the authenticated identity, never the body's word: an Entra principal (a
 * claimed `by` must then name it, else 403), or — holding only a function key — the key holder, whose `by`
 * proves nothing and is ignored. Locally a claimed `by` is used, else the key holder.
 */
export function resolveActor(
  req: HttpRequest,
  claimed: string | undefined,
  policy: ActorPolicy = LOCAL,
): Resolved {
  const keyHolder: Actor = { name: "function-key", id: "function-key", via: "key" };
  if (policy.mode !== "azure")
    return { ok: true, actor: claimed ? { name: claimed, id: claimed, via: "key" } : keyHolder };
  const principal = policy.easyAuth ? principalOf(req) : undefined;
  if (!principal) return { ok: true, actor: keyHolder };
  if (!principal.ok) return principal;
  if (claimed !== undefined && claimed.toLowerCase() !== principal.actor.name.toLowerCase())
    return {
      ok: false,
      response: json(403, {
        error: `by: ${shown(claimed)} is not the signed-in identity (${principal.actor.name}); leave it out or send your own name`,
      }),
    };
  return principal;
}
