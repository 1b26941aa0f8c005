import { readFileSync } from "node:fs";
import { join } from "node:path";

const ROOT = join(import.meta.dirname, "..", "fixtures", "events");

/** A real-shaped payload from test/fixtures/events/<source>/<name>.json, cloned so tests can mutate it. */
export function loadEvent<T = unknown>(source: string, name: string): T {
  return structuredClone(JSON.parse(readFileSync(join(ROOT, source, `${name}.json`), "utf8")) as T);
}

export function fixtureText(source: string, name: string): string {
  return readFileSync(join(ROOT, source, `${name}.json`), "utf8");
}

/** A copy of `value` without the property at `path` (dot-separated), for negative cases. */
export function omit<T>(value: T, path: string): T {
  const copy = structuredClone(value) as Record<string, unknown>;
  const parts = path.split(".");
  let node: Record<string, unknown> = copy;
  for (const part of parts.slice(0, -1)) node = node[part] as Record<string, unknown>;
  delete node[parts[parts.length - 1]!];
  return copy as T;
}

export function set<T>(value: T, path: string, replacement: unknown): T {
  const copy = structuredClone(value) as Record<string, unknown>;
  const parts = path.split(".");
  let node: Record<string, unknown> = copy;
  for (const part of parts.slice(0, -1)) node = node[part] as Record<string, unknown>;
  node[parts[parts.length - 1]!] = replacement;
  return copy as T;
}

export const RECEIVED_AT = "2026-11-21T12:00:00.000Z";
