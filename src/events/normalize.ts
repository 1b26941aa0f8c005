import { createHash } from "node:crypto";
import { EventKind, type DomainEvent } from "./domain-event.js";
import { looksLikeCloudEvent, readCloudEvent } from "./envelopes/cloud-event.js";
import { looksLikeEventGrid, readEventGrid } from "./envelopes/event-grid.js";
import type { EnvelopeView } from "./envelopes/envelope-view.js";
import {
  buildCommonAlert,
  buildLegacyBudget,
  COMMON_ALERT_SCHEMA_ID,
  LEGACY_BUDGET_SCHEMA_ID,
} from "./envelopes/alerts.js";
import {
  AKS_EVENT_TYPES,
  buildAksEvent,
  buildRollingProgressEvent,
  ROLLING_PROGRESS_TYPE,
  type Built,
} from "./schemas/aks.js";
import {
  buildFleetGate,
  buildScheduledEvent,
  FLEET_GATE_TYPES,
  SCHEDULED_EVENT_TYPE,
} from "./schemas/arn.js";
import { SIZE_LIMITS, byteLength, formatBytes } from "./limits.js";
import { depthMessage, jsonTextTooDeep, parseJsonWithin, valueTooDeep } from "../shared/json-limits.js";

export interface NormalizeOptions {
  /** When the batch was received (ISO); the time of payloads that carry none. Defaults to now. */
  readonly receivedAt?: string;
}

interface Context {
  readonly receivedAt: string;
  /**
   * Bytes of the text the items came from, when known: items of a small body need no size check, and
   * text was depth-checked before it was parsed. Undefined for values handed over already parsed.
   */
  readonly bodyBytes: number | undefined;
}

/**
 * Turns any inbound payload into domain events: one event per item, in order, never throwing. Accepts an
 * Event Grid or CloudEvents event or batch, an Event Hub message body (string, Buffer or parsed; object or
 * array), the Azure Monitor common alert schema or the legacy budget payload. A bad item becomes a
 * `Rejected` event in its place, so nothing else in the batch is lost.
 */
export function normalizeBody(body: unknown, options: NormalizeOptions = {}, at = ""): DomainEvent[] {
  const receivedAt = options.receivedAt ?? new Date().toISOString();
  const decoded = decodeBody(body);
  if (!decoded.ok) return [rejected(decoded.reason, at || "body", receivedAt, decoded.raw)];
  const ctx: Context = { receivedAt, bodyBytes: decoded.bytes };
  return fromValue(decoded.value, at, ctx, 0);
}

/** An Event Hub batch (`cardinality: "many"`): each message body is normalized on its own. */
export function normalizeBatch(bodies: readonly unknown[], options: NormalizeOptions = {}): DomainEvent[] {
  const receivedAt = options.receivedAt ?? new Date().toISOString();
  return bodies.flatMap((body, i) => normalizeBody(body, { receivedAt }, `[${i}]`));
}

/**
 * Text as a person hands it to the CLI: one JSON document, or JSON lines (one body per line). Text that
 * is neither is a single `Rejected` event.
 */
export function normalizeText(text: string, options: NormalizeOptions = {}): DomainEvent[] {
  const receivedAt = options.receivedAt ?? new Date().toISOString();
  const whole = tryParse(text);
  if (whole.ok) return fromValue(whole.value, "", { receivedAt, bodyBytes: byteLength(text) }, 0);
  const lines = text.split(/\r?\n/);
  const firstLine = lines.find((l) => l.trim() !== "");
  if (firstLine === undefined) return [rejected("input: empty; expected JSON", "input", receivedAt, text)];
  // One deep document, on one line or pretty-printed over many: refused whole, by its rule.
  if (jsonTextTooDeep(firstLine) || (whole.tooDeep && !tryParse(firstLine).ok))
    return [rejected(depthMessage("input"), "input", receivedAt, text)];
  if (!tryParse(firstLine).ok) {
    return [
      rejected(
        `input: not JSON (${whole.error}); expected a JSON document or JSON lines`,
        "input",
        receivedAt,
        text,
      ),
    ];
  }
  return lines.flatMap((line, i) =>
    line.trim() === "" ? [] : normalizeBody(line, { receivedAt }, `line ${i + 1}`),
  );
}

type Decoded =
  { ok: true; value: unknown; bytes: number | undefined } | { ok: false; reason: string; raw: string };

function decodeBody(body: unknown): Decoded {
  if (typeof body === "string") return decodeText(body);
  if (body instanceof Uint8Array)
    return decodeText(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString("utf8"));
  if (body instanceof ArrayBuffer) return decodeText(Buffer.from(body).toString("utf8"));
  return { ok: true, value: body, bytes: undefined };
}

function decodeText(text: string): Decoded {
  if (text.trim() === "")
    return { ok: false, reason: "body: empty; expected a JSON event or array of events", raw: text };
  const parsed = parseJsonWithin(text, "body");
  if (!parsed.ok) return { ok: false, reason: parsed.reason, raw: text };
  return { ok: true, value: parsed.value, bytes: byteLength(text) };
}

/** JSON.parse behind the depth scan (deep text is never parsed: what follows would overflow the stack). */
function tryParse(
  text: string,
): { ok: true; value: unknown } | { ok: false; error: string; tooDeep: boolean } {
  const parsed = parseJsonWithin(text, "input");
  if (parsed.ok) return parsed;
  const error = parsed.tooDeep ? parsed.reason : parsed.reason.replace(/^input: not JSON \((.*)\)$/s, "$1");
  return { ok: false, error, tooDeep: parsed.tooDeep };
}

/** Arrays nest at most twice: an Event Hub batch of bodies, each body an Event Grid array. */
function fromValue(value: unknown, at: string, ctx: Context, depth: number): DomainEvent[] {
  // A value handed over parsed (the Event Hub trigger parses bodies) is checked before anything walks it.
  if (depth === 0 && ctx.bodyBytes === undefined && valueTooDeep(value))
    return [
      rejected(depthMessage(at || "body"), at || "body", ctx.receivedAt, `too deep ${at} ${ctx.receivedAt}`),
    ];
  if (Array.isArray(value)) {
    if (depth >= 2)
      return [
        rejected(
          `${at || "body"}: arrays nested more than two deep; expected events`,
          at,
          ctx.receivedAt,
          value,
        ),
      ];
    if (value.length === 0) return [];
    return value.flatMap((item, i) => fromValue(item, `${at}[${i}]`, ctx, depth + 1));
  }
  return [fromItem(value, at || "[0]", ctx)];
}

function fromItem(item: unknown, at: string, ctx: Context): DomainEvent {
  if (item === null || typeof item !== "object") {
    return rejected(
      `event: expected a JSON object, got ${item === null ? "null" : typeof item}`,
      at,
      ctx.receivedAt,
      item,
    );
  }
  const obj = item as Record<string, unknown>;
  const schemaId = typeof obj.schemaId === "string" ? obj.schemaId : undefined;
  const limit = schemaId === COMMON_ALERT_SCHEMA_ID ? SIZE_LIMITS.commonAlert : SIZE_LIMITS.event;
  if (ctx.bodyBytes === undefined || ctx.bodyBytes > limit.bytes) {
    const size = byteLength(JSON.stringify(obj));
    if (size > limit.bytes) {
      return rejected(
        `event: ${formatBytes(size)} exceeds the ${formatBytes(limit.bytes)} ${limit.name} limit`,
        at,
        ctx.receivedAt,
        obj,
      );
    }
  }

  if (schemaId === COMMON_ALERT_SCHEMA_ID) return settle(buildCommonAlert(obj), at, ctx, obj);
  if (schemaId === LEGACY_BUDGET_SCHEMA_ID)
    return settle(buildLegacyBudget(obj, ctx.receivedAt), at, ctx, obj);
  if (schemaId !== undefined && !looksLikeEventGrid(obj) && !looksLikeCloudEvent(obj)) {
    return {
      kind: EventKind.Unrecognized,
      key: `Unrecognized:${schemaId}:${digest(obj)}`,
      time: ctx.receivedAt,
      eventType: schemaId,
    };
  }

  let envelope;
  if (looksLikeCloudEvent(obj)) envelope = readCloudEvent(obj);
  else if (looksLikeEventGrid(obj)) envelope = readEventGrid(obj);
  else if ("type" in obj && "source" in obj) {
    return rejected(
      'specversion: missing; a CloudEvent must say "specversion": "1.0"',
      at,
      ctx.receivedAt,
      obj,
    );
  } else {
    return rejected(
      "event: not an Event Grid event (id, eventType, eventTime), CloudEvent (specversion, id, type, source, time) or Azure Monitor alert (schemaId)",
      at,
      ctx.receivedAt,
      obj,
    );
  }
  if (!envelope.ok) return rejected(envelope.reason, at, ctx.receivedAt, obj, envelope.type);
  return settle(route(envelope.view), at, ctx, obj, envelope.view);
}

function route(view: EnvelopeView): Built {
  const type = view.type.toLowerCase();
  const aksKind = AKS_EVENT_TYPES[type];
  if (aksKind) return buildAksEvent(aksKind, view);
  if (type === ROLLING_PROGRESS_TYPE) return buildRollingProgressEvent(view);
  if (type === SCHEDULED_EVENT_TYPE) return buildScheduledEvent(view);
  const gateAction = FLEET_GATE_TYPES[type];
  if (gateAction) return buildFleetGate(gateAction, view);
  if (type === "microsoft.eventgrid.subscriptionvalidationevent") return buildValidation(view);
  return {
    ok: true,
    event: {
      kind: EventKind.Unrecognized,
      key: `Unrecognized:${view.type}:${view.id}`,
      time: view.time,
      id: view.id,
      eventType: view.type,
      ...(view.subject ? { subject: view.subject } : {}),
    },
  };
}

function buildValidation(view: EnvelopeView): Built {
  // Through the Functions Event Grid trigger a CloudEvent's data can arrive JSON-encoded a second time.
  const data = typeof view.data === "string" ? parsedOrUndefined(view.data) : view.data;
  const code = (data as { validationCode?: unknown } | null | undefined)?.validationCode;
  if (typeof code !== "string" || code === "") {
    return {
      ok: false,
      reason: "data.validationCode: missing; expected the validation code string to echo back",
    };
  }
  const url = (data as { validationUrl?: unknown }).validationUrl;
  return {
    ok: true,
    event: {
      kind: EventKind.SubscriptionValidation,
      key: `SubscriptionValidation:${view.id}`,
      time: view.time,
      id: view.id,
      validationCode: code,
      ...(typeof url === "string" ? { validationUrl: url } : {}),
    },
  };
}

function settle(built: Built, at: string, ctx: Context, raw: unknown, view?: EnvelopeView): DomainEvent {
  if (built.ok) return built.event;
  return rejected(built.reason, at, ctx.receivedAt, raw, view?.type, view?.id);
}

function rejected(
  reason: string,
  at: string,
  receivedAt: string,
  raw: unknown,
  eventType?: string,
  id?: string,
): DomainEvent {
  return {
    kind: EventKind.Rejected,
    key: `Rejected:${id ?? digest(raw)}`,
    time: receivedAt,
    ...(id ? { id } : {}),
    reason,
    at,
    ...(eventType ? { eventType } : {}),
  };
}

function digest(value: unknown): string {
  const text = typeof value === "string" ? value : (JSON.stringify(value) ?? String(value));
  return createHash("sha256").update(text).digest("hex").slice(0, 16);
}

function parsedOrUndefined(text: string): unknown {
  const parsed = parseJsonWithin(text, "data");
  return parsed.ok ? parsed.value : undefined;
}
