import { parseJsonWithin } from "../shared/json-limits.js";
import type { TypedData } from "./core-api.js";
import { BODY_LIMITS, EVENT_GRID_MAX_EVENTS, type BodyLimit } from "./request-body.js";
import { timerInput } from "./timers.js";
import { stringData } from "./typed-data.js";

/**
 * What each of the host's own doors accepts, checked before any of it reaches a function: the body limit
 * per path, the Event Grid delivery shape and the admin invocation shape. Each check answers a reason
 * that names the rule, so a sender can fix its request.
 */
export function doorLimit(lowerPath: string): BodyLimit {
  if (lowerPath === "/runtime/webhooks/eventgrid") return BODY_LIMITS.eventGrid;
  if (lowerPath.startsWith("/admin/eventhubs/")) return BODY_LIMITS.eventHub;
  if (lowerPath.startsWith("/admin/")) return BODY_LIMITS.admin;
  return BODY_LIMITS.http;
}

export type EventGridEvent = Record<string, unknown>;

/** An Event Grid delivery: one event object or an array of 1–5,000 of them. */
export function eventGridEvents(
  text: string,
): { ok: true; events: EventGridEvent[] } | { ok: false; status: number; error: string } {
  if (text.trim() === "")
    return { ok: false, status: 400, error: "body: empty; expected an Event Grid event or array of events" };
  const parsed = parseJsonWithin(text, "body");
  if (!parsed.ok) return { ok: false, status: 400, error: parsed.reason };
  const items: unknown[] = Array.isArray(parsed.value) ? parsed.value : [parsed.value];
  if (items.length === 0) return { ok: false, status: 400, error: "body: an empty array; expected events" };
  if (items.length > EVENT_GRID_MAX_EVENTS)
    return {
      ok: false,
      status: 413,
      error: `body: ${items.length} events; Event Grid delivers at most ${EVENT_GRID_MAX_EVENTS} per batch (maxEventsPerBatch)`,
    };
  const bad = items.findIndex((e) => e === null || typeof e !== "object" || Array.isArray(e));
  if (bad >= 0) {
    const item = items[bad];
    const got = item === null ? "null" : Array.isArray(item) ? "an array" : typeof item;
    return { ok: false, status: 400, error: `body[${bad}]: expected an event object, got ${got}` };
  }
  return { ok: true, events: items as EventGridEvent[] };
}

/** `data.validationCode` of a SubscriptionValidation event; `data` may arrive JSON-encoded (CloudEvents). */
export function validationCodeOf(
  event: EventGridEvent,
): { ok: true; code: string } | { ok: false; error: string } {
  let data = event.data;
  if (typeof data === "string") {
    const decoded = parseJsonWithin(data, "data");
    if (!decoded.ok) return { ok: false, error: `${decoded.reason}; expected { "validationCode": "..." }` };
    data = decoded.value;
  }
  const code =
    data !== null && typeof data === "object"
      ? (data as { validationCode?: unknown }).validationCode
      : undefined;
  if (typeof code !== "string" || code === "")
    return {
      ok: false,
      error: "data.validationCode: missing; expected the validation code string to echo back",
    };
  return { ok: true, code };
}

/** `{ "input": ... }` for `/admin/functions/<name>`: a string as is, a number, boolean or object as JSON. */
export function adminInput(text: string): { ok: true; text: string } | { ok: false; error: string } {
  if (text.trim() === "") return { ok: true, text: "" };
  const expected = 'expected a JSON body such as {"input": "..."}';
  const parsed = parseJsonWithin(text, "body");
  if (!parsed.ok) return { ok: false, error: `${parsed.reason}; ${expected}` };
  if (parsed.value === null || typeof parsed.value !== "object" || Array.isArray(parsed.value))
    return { ok: false, error: `body: not an object; ${expected}` };
  const input = (parsed.value as { input?: unknown }).input;
  if (input === undefined || input === null) return { ok: true, text: "" };
  return { ok: true, text: typeof input === "string" ? input : JSON.stringify(input) };
}

/** The trigger data an admin invocation hands a function: a timer gets the full Timer object, others the input. */
export function adminTriggerData(
  triggerType: string,
  body: string,
  now: number,
): { ok: true; data: TypedData } | { ok: false; error: string } {
  const input = adminInput(body);
  if (!input.ok) return input;
  if (triggerType.toLowerCase() !== "timertrigger") return { ok: true, data: stringData(input.text) };
  const given = input.text ? parseJsonWithin(input.text, "input") : { ok: true as const, value: {} };
  if (!given.ok || given.value === null || typeof given.value !== "object")
    return {
      ok: false,
      error: 'input: a timer takes a JSON object string such as {"IsPastDue":true}, or nothing',
    };
  const flags = given.value as { IsPastDue?: unknown; isPastDue?: unknown };
  const at = new Date(now).toISOString();
  const timer = timerInput({
    isPastDue: flags.IsPastDue === true || flags.isPastDue === true,
    status: { last: at, next: at, lastUpdated: at },
  });
  return { ok: true, data: { json: timer } };
}
