import type { IncomingMessage } from "node:http";

/**
 * Request bodies read with a limit, before anything parses them: the `Content-Length` a client announces
 * is refused up front, and a chunked body stops being kept the moment it passes the limit. Each door of
 * the host has the limit Azure puts in front of it.
 */
export const BODY_LIMITS = {
  /** Event Grid delivers at most 1 MB per event and per delivered array (research/events.md §5). */
  eventGrid: { bytes: 1024 * 1024, name: "Event Grid delivery (1 MB)" },
  /** Event Hubs Standard takes at most 1 MB per event and per batch. */
  eventHub: { bytes: 1024 * 1024, name: "Event Hubs batch (1 MB)" },
  /** `/admin/functions/<name>` takes `{ "input": "<string>" }`; a trigger payload, held to the event size. */
  admin: { bytes: 1024 * 1024, name: "admin invocation input (1 MB)" },
  /** The Functions host's largest HTTP request (`maxRequestBodySize`, 100 MB). */
  http: { bytes: 100 * 1024 * 1024, name: "Functions HTTP request (100 MB)" },
} as const;

/** Event Grid's `maxEventsPerBatch` is 1–5,000: a longer array did not come from Event Grid. */
export const EVENT_GRID_MAX_EVENTS = 5000;

export interface BodyLimit {
  readonly bytes: number;
  readonly name: string;
}

export type BodyRead = { ok: true; body: Buffer } | { ok: false; status: 413; error: string };

export function readBodyWithin(req: IncomingMessage, limit: BodyLimit): Promise<BodyRead> {
  const tooLarge = (bytes: string): BodyRead => ({
    ok: false,
    status: 413,
    error: `request body of ${bytes} bytes exceeds the ${limit.name} limit (${limit.bytes} bytes)`,
  });
  const announced = Number(req.headers["content-length"]);
  if (Number.isFinite(announced) && announced > limit.bytes) {
    req.resume(); // let it drain; the caller answers and closes the connection
    return Promise.resolve(tooLarge(String(announced)));
  }
  return new Promise((ok, fail) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on("data", (c: Buffer) => {
      if (done) return;
      size += c.length;
      if (size > limit.bytes) {
        done = true;
        chunks.length = 0;
        ok(tooLarge(`more than ${limit.bytes}`));
        return;
      }
      chunks.push(c);
    });
    req.on("end", () => {
      if (!done) ok({ ok: true, body: Buffer.concat(chunks) });
      done = true;
    });
    req.on("error", (error) => {
      if (!done) fail(error);
      done = true;
    });
  });
}
