/**
 * Structural limits on JSON, checked without recursion: `JSON.parse` itself copes with deep text, but
 * everything recursive that follows (`JSON.stringify`, zod, logging) overflows the stack at a few thousand
 * levels, and a `RangeError` there escapes every door. So depth is checked on the raw text before parsing
 * (or on a value before it is walked), and anything deeper is refused by name.
 *
 * The limit is the one Azure's own JSON readers apply: System.Text.Json and Json.NET both default to a
 * MaxDepth of 64, so the Functions host and Event Grid never hand a deeper document on.
 */
export const JSON_DEPTH_LIMIT = 64;

/** Iterative scan of JSON text: true as soon as arrays/objects nest deeper than `max` (strings are skipped). */
export function jsonTextTooDeep(text: string, max = JSON_DEPTH_LIMIT): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: the next character is escaped
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

/** The same rule for a value already in memory (walked with an explicit stack; a cycle counts as too deep). */
export function valueTooDeep(value: unknown, max = JSON_DEPTH_LIMIT): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== "object") continue;
    if (depth + 1 > max) return true;
    const children: unknown[] = Array.isArray(v) ? v : Object.values(v as Record<string, unknown>);
    for (const child of children)
      if (child !== null && typeof child === "object") stack.push([child, depth + 1]);
  }
  return false;
}

export function depthMessage(where: string, max = JSON_DEPTH_LIMIT): string {
  return `${where}: JSON nested deeper than ${max} levels (the limit Azure's JSON readers apply); refused unparsed`;
}

export type JsonParse = { ok: true; value: unknown } | { ok: false; reason: string; tooDeep: boolean };

/** `JSON.parse` behind the depth scan: never throws, says which rule the text broke. */
export function parseJsonWithin(text: string, where = "body", max = JSON_DEPTH_LIMIT): JsonParse {
  if (jsonTextTooDeep(text, max)) return { ok: false, reason: depthMessage(where, max), tooDeep: true };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    const detail = error instanceof Error ? error.message.slice(0, 80) : "invalid JSON";
    return { ok: false, reason: `${where}: not JSON (${detail})`, tooDeep: false };
  }
}
