import type { HttpRequest, HttpResponseInit } from "@azure/functions";
import { z } from "zod";
import { parseRolloutInstanceId } from "../contracts/instance-ids.js";

/** What every API handler shares: JSON answers, bounded bodies, zod errors that name the field. */
export const json = (status: number, body: unknown): HttpResponseInit => ({ status, jsonBody: body });

/** Control bodies are a name and a comment: anything near this size is not one. */
export const MAX_BODY_BYTES = 64 * 1024;

export type Body = { ok: true; value: unknown } | { ok: false; response: HttpResponseInit };

/** The body as JSON (undefined when empty), or the 4xx that says what to send instead. */
export async function readBody(req: HttpRequest, example: string): Promise<Body> {
  const text = await req.text();
  const bytes = Buffer.byteLength(text);
  if (bytes > MAX_BODY_BYTES)
    return { ok: false, response: json(413, { error: `body: ${bytes} bytes, more than ${MAX_BODY_BYTES}` }) };
  if (!text.trim()) return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, response: json(400, { error: `body: not valid JSON; send ${example}` }) };
  }
}

/** zod's issues as `field: message; …` (the field is `body` when the body as a whole is wrong). */
export function issues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; ");
}

/** Parses a body with a schema, or gives the 400 naming each wrong field. */
export function parseBody<T extends z.ZodType>(
  schema: T,
  value: unknown,
): { ok: true; data: z.infer<T> } | { ok: false; response: HttpResponseInit } {
  const parsed = schema.safeParse(value);
  return parsed.success
    ? { ok: true, data: parsed.data }
    : { ok: false, response: json(400, { error: issues(parsed.error) }) };
}

/**
 * Who acts: an identity-like name (alice, alice.smith, alice@contoso.com) — no spaces, no control
 * characters, nothing that could forge a line in a log or an email.
 */
export const Identity = z
  .string({ error: "expected a name such as alice or alice@contoso.com" })
  .max(128, "at most 128 characters")
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._+-]*(@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+)?$/,
    "expected an identity such as alice or alice@contoso.com (letters, digits, . _ + - and one @domain)",
  );

/** The route's rollout id, decoded once by the host; anything else (cluster workflows, re-encoded ids) is refused. */
export function rolloutIdParam(
  req: HttpRequest,
): { ok: true; id: string } | { ok: false; response: HttpResponseInit } {
  const id = req.params.id ?? "";
  if (parseRolloutInstanceId(id)) return { ok: true, id };
  return {
    ok: false,
    response: json(400, {
      error: `id: ${shown(id)} is not a rollout id; expected rollout:<policy>:<kind>:<target> or rollout:<policy>:<kind>:<target>:g<n>, percent-encoded once (other workflows cannot be controlled through this API)`,
    }),
  };
}

/** A caller's value, quoted and cut, safe to echo. */
export function shown(value: string): string {
  return JSON.stringify(value.length > 120 ? `${value.slice(0, 120)}…` : value);
}
