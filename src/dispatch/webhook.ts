import { SIZE_LIMITS } from "../events/limits.js";
import { parseJsonWithin } from "../shared/json-limits.js";

/**
 * The two handshakes a webhook must answer before Event Grid delivers to it (research/events.md §5):
 * Event Grid schema subscriptions POST a validation event and expect 200 `{ validationResponse }`;
 * CloudEvents subscriptions send OPTIONS with `WebHook-Request-Origin` and expect consent headers.
 */
export interface WebhookReply {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly jsonBody?: unknown;
}

/** Origins whose CloudEvents deliveries we consent to: Event Grid itself, and loopback for local runs. */
const ALLOWED_ORIGINS = [/^eventgrid\.azure\.net$/i, /^(localhost|127\.0\.0\.1)(:\d+)?$/i];

export function answerAbuseProtection(origin: string | null, requestedRate: string | null): WebhookReply {
  if (!origin) {
    return { status: 200, headers: { Allow: "POST, OPTIONS" } };
  }
  if (!ALLOWED_ORIGINS.some((re) => re.test(origin))) {
    return {
      status: 403,
      jsonBody: { error: `WebHook-Request-Origin "${origin}" is not an Event Grid origin` },
    };
  }
  return {
    status: 200,
    headers: {
      "WebHook-Allowed-Origin": origin,
      "WebHook-Allowed-Rate": requestedRate ?? "*",
      Allow: "POST, OPTIONS",
    },
  };
}

/** The validation code from an Event Grid `SubscriptionValidation` delivery (array or single event). */
export function validationCode(body: unknown): string | undefined {
  const first: unknown = Array.isArray(body) ? body[0] : body;
  const data = (first as { data?: unknown } | null | undefined)?.data;
  const decoded: unknown = typeof data === "string" ? safeParse(data) : data;
  const code = (decoded as { validationCode?: unknown } | null | undefined)?.validationCode;
  return typeof code === "string" && code !== "" ? code : undefined;
}

export function tooLarge(bytes: number): WebhookReply | undefined {
  if (bytes <= SIZE_LIMITS.delivery.bytes) return undefined;
  return {
    status: 413,
    jsonBody: {
      error: `delivery of ${bytes} bytes exceeds the ${SIZE_LIMITS.delivery.bytes}-byte ${SIZE_LIMITS.delivery.name} limit`,
    },
  };
}

function safeParse(text: string): unknown {
  const parsed = parseJsonWithin(text, "data");
  return parsed.ok ? parsed.value : undefined;
}
