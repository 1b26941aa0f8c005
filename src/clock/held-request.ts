import type { IncomingMessage, ServerResponse } from "node:http";
import type { Clock } from "./clock.js";

/**
 * The header naming the client's holds (Clock.requestHolds) on a request between participants of one
 * discrete timeline: the server holds time on their behalf, so work it does that waits on the clock (a
 * throttled call's Retry-After) lets time move instead of standing still, held by a client waiting for it.
 */
export const CLOCK_HOLDS_HEADER = "x-ringmaster-clock-holds";
const HOLD_ID = /^\d{1,10}\.\d{1,15}$/;

/** Headers for an outgoing request made by held work on `clock` (none when it holds nothing). */
export function heldRequestHeaders(clock: Clock): Record<string, string> {
  const holds = clock.requestHolds();
  return holds.length > 0 ? { [CLOCK_HOLDS_HEADER]: holds.join(",") } : {};
}

/**
 * Serves one HTTP request as held work: from its arrival until its response has finished (or the
 * connection closed), a discrete clock does not move — the client is waiting for an answer given "now".
 * The client's own holds, when the request names them, wait meanwhile: this hold stands for them.
 */
export function serveHeld(
  clock: Clock,
  what: string,
  req: IncomingMessage,
  res: ServerResponse,
  serve: () => Promise<void>,
): Promise<void> {
  const closed = new Promise<void>((ok) => {
    if (res.closed) ok();
    else res.once("close", () => ok());
  });
  const named = req.headers[CLOCK_HOLDS_HEADER];
  // Only what looks like a hold id (HoldToken.id: pid.counter) is passed on: the clock link refuses more.
  const holds =
    typeof named === "string" && named.length <= 1024
      ? named
          .split(",")
          .map((id) => id.trim())
          .filter((id) => HOLD_ID.test(id))
          .slice(0, 16)
      : [];
  return clock.held(
    what,
    async () => {
      const endLend = holds.length > 0 ? clock.lendWait(holds) : undefined;
      try {
        await serve();
      } finally {
        await closed;
        endLend?.();
      }
    },
    { detached: true },
  );
}
