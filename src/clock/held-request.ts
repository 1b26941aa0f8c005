import type { ServerResponse } from "node:http";
import type { Clock } from "./clock.js";

/**
 * Serves one HTTP request as held work: from its arrival until its response has finished (or the
 * connection closed), a discrete clock does not move — the client is waiting for an answer given "now".
 */
export function serveHeld(
  clock: Clock,
  what: string,
  res: ServerResponse,
  serve: () => Promise<void>,
): Promise<void> {
  const closed = new Promise<void>((ok) => {
    if (res.closed) ok();
    else res.once("close", () => ok());
  });
  return clock.held(
    what,
    async () => {
      try {
        await serve();
      } finally {
        await closed;
      }
    },
    { detached: true },
  );
}
