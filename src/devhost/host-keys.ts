import { timingSafeEqual } from "node:crypto";
import { readFileSync } from "node:fs";
import type { IncomingMessage } from "node:http";
import { z } from "zod";

/**
 * The host's keys, as the Functions host keeps them and as `az functionapp keys list` (ARM
 * `host/default/listKeys`) answers them: one master key, named function keys, and system keys per
 * extension (`eventgrid_extension` for `/runtime/webhooks/eventgrid`, `durabletask_extension` for the
 * Durable webhooks). A key is sent as the `x-functions-key` header or the `code` query parameter.
 *
 * The doors, as Azure checks them:
 * - authLevel `anonymous`: no key.
 * - authLevel `function`: any function key, or the master key.
 * - authLevel `admin` and `/admin/*`: the master key only.
 * - an extension's webhook: that extension's system key, or the master key.
 */
const key = z
  .string({ error: "expected a key string" })
  .min(16, "at least 16 characters (the Functions host generates 40-56)")
  .regex(/^[A-Za-z0-9_\-=.~+/]+$/, "letters, digits and - _ = . ~ + / only (it travels in a query string)");

export const HostKeysSchema = z.strictObject({
  masterKey: key,
  functionKeys: z.record(z.string().min(1), key).default({}),
  systemKeys: z.record(z.string().min(1), key).default({}),
});
export type HostKeys = z.infer<typeof HostKeysSchema>;

export const SYSTEM_KEY = { eventGrid: "eventgrid_extension", durableTask: "durabletask_extension" } as const;

/** Reads and validates a keys file; the error names the file and the field, never a key's value. */
export function readHostKeys(file: string): HostKeys {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new Error(
      `--keys ${file}: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}; expected JSON like {"masterKey": "...", "functionKeys": {"default": "..."}, "systemKeys": {"eventgrid_extension": "...", "durabletask_extension": "..."}}`,
    );
  }
  const parsed = HostKeysSchema.safeParse(raw);
  if (!parsed.success)
    throw new Error(
      `--keys ${file}: ${parsed.error.issues.map((i) => `${i.path.join(".") || "file"}: ${i.message}`).join("; ")}`,
    );
  return parsed.data;
}

/** What a door asks for. */
export type Door =
  { kind: "anonymous" } | { kind: "function" } | { kind: "admin" } | { kind: "system"; name: string };

/** The door of an HTTP function by its binding's authLevel (the Node library always writes one). */
export function httpDoor(authLevel: unknown): Door {
  const level = typeof authLevel === "string" ? authLevel.toLowerCase() : "function";
  if (level === "anonymous") return { kind: "anonymous" };
  if (level === "admin" || level === "system") return { kind: "admin" };
  return { kind: "function" };
}

/** The key the caller sent: `x-functions-key` first, then `?code=`, as the host reads them. */
export function presentedKey(req: IncomingMessage, url: URL): string | undefined {
  const header = req.headers["x-functions-key"];
  const value = Array.isArray(header) ? header[0] : header;
  return value || url.searchParams.get("code") || undefined;
}

/** True when the key opens the door. The master key opens every door. */
export function opens(keys: HostKeys, door: Door, given: string | undefined): boolean {
  if (door.kind === "anonymous") return true;
  if (given === undefined) return false;
  if (sameSecret(given, keys.masterKey)) return true;
  if (door.kind === "function") return Object.values(keys.functionKeys).some((k) => sameSecret(given, k));
  if (door.kind === "system") {
    const k = keys.systemKeys[door.name];
    return k !== undefined && sameSecret(given, k);
  }
  return false;
}

/** The 401's words: which key the door wants, never what was sent. */
export function doorNeeds(door: Door): string {
  switch (door.kind) {
    case "function":
      return "a function key (or the master key) in x-functions-key or ?code=";
    case "system":
      return `the ${door.name} system key (or the master key) in x-functions-key or ?code=`;
    default:
      return "the host's master key in x-functions-key or ?code=";
  }
}

export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
