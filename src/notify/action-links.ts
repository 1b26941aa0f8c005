import { createHmac, timingSafeEqual } from "node:crypto";
import { z } from "zod";

/**
 * One-click action links in emails: a signed, expiring, single-use capability to approve, reject, resume or
 * cancel one rollout (one ring). The token is `<payload>.<signature>`, both base64url: the payload is the
 * JSON below, the signature HMAC-SHA256 over a domain tag and the payload's bytes, so no field (rollout,
 * ring, action, deadline, nonce) can change without the key. Opening a link never acts (mail scanners open
 * links); its confirmation page POSTs, and the nonce is recorded durably when used (api/link-ledger.ts).
 */
export const LINK_ACTIONS = ["approve", "reject", "resume", "cancel"] as const;
export type LinkAction = (typeof LINK_ACTIONS)[number];

export const ActionLinkPayloadSchema = z.strictObject({
  v: z.literal(1),
  /** The rollout's instance id. */
  r: z.string().min(1).max(300),
  /** The ring the action is about ("rollout" for the rollout-wide approval). */
  g: z.string().min(1).max(64),
  a: z.enum(LINK_ACTIONS),
  /** Deadline, epoch ms: the link is refused after it. */
  d: z.number().int().positive(),
  /** 128 bits, base64url: the link's identity in the ledger of used links. */
  n: z.string().regex(/^[A-Za-z0-9_-]{22}$/, "expected a 22-character base64url nonce"),
});
export type ActionLinkPayload = z.infer<typeof ActionLinkPayloadSchema>;

const TAG = "ringmaster-action-link/v1\n";
/** Tokens longer than this are not ours (the payload's fields are bounded well below). */
export const MAX_TOKEN_CHARS = 1024;

const mac = (key: string, data: string) =>
  createHmac("sha256", key)
    .update(TAG + data)
    .digest();

export function signActionLink(key: string, payload: ActionLinkPayload): string {
  const body = Buffer.from(JSON.stringify(ActionLinkPayloadSchema.parse(payload))).toString("base64url");
  return `${body}.${mac(key, body).toString("base64url")}`;
}

/**
 * A nonce that is the same each time the same email is rendered (a retried send re-sends the same
 * operation, so its links must not differ) and that nobody without the key can predict.
 */
export function linkNonce(key: string, ...parts: readonly string[]): string {
  return createHmac("sha256", key)
    .update(`ringmaster-action-link-nonce/v1\n${parts.join("\n")}`)
    .digest()
    .subarray(0, 16)
    .toString("base64url");
}

export type LinkCheck =
  | { ok: true; payload: ActionLinkPayload }
  /** Not a link at all, or one whose signature does not match: it was changed or made up. */
  | { ok: false; why: "tampered" }
  /** A genuine link past its deadline (the payload is trustworthy: the signature matched). */
  | { ok: false; why: "expired"; payload: ActionLinkPayload };

/** Checks the signature first (in constant time), then the shape, then the deadline. */
export function verifyActionLink(key: string, token: string, now: number): LinkCheck {
  if (token.length > MAX_TOKEN_CHARS) return { ok: false, why: "tampered" };
  const m = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!m) return { ok: false, why: "tampered" };
  const [, body, signature] = m as unknown as [string, string, string];
  const expected = mac(key, body);
  const given = Buffer.from(signature, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { ok: false, why: "tampered" };
  // The canonical encoding only: base64url decoders accept variants that would be a second valid token.
  if (given.toString("base64url") !== signature) return { ok: false, why: "tampered" };
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(body, "base64url").toString("utf8"));
  } catch {
    return { ok: false, why: "tampered" };
  }
  const payload = ActionLinkPayloadSchema.safeParse(decoded);
  if (!payload.success) return { ok: false, why: "tampered" };
  if (now > payload.data.d) return { ok: false, why: "expired", payload: payload.data };
  return { ok: true, payload: payload.data };
}

/** Where a link points: the confirmation page (`GET /api/act?link=…`, functions/dashboard.ts). */
export function actionLinkUrl(baseUrl: string, token: string): string {
  return `${baseUrl.replace(/\/+$/, "")}/api/act?link=${token}`;
}
