import type { IncomingMessage, ServerResponse } from "node:http";

/** How the host answers: JSON bodies, and refusals that close the connection when a body was left unread. */
export function send(
  res: ServerResponse,
  status: number,
  json: unknown,
  headers: Record<string, string> = {},
): void {
  if (json === undefined) {
    res.writeHead(status, headers).end();
    return;
  }
  res
    .writeHead(status, { "Content-Type": "application/json; charset=utf-8", ...headers })
    .end(JSON.stringify(json));
}

/** A refusal before or instead of reading the body: the client may still be sending, so do not keep it. */
export function refuse(
  req: IncomingMessage,
  res: ServerResponse,
  refusal: { status: number; error: string },
): void {
  const unread = !req.complete;
  send(res, refusal.status, { error: refusal.error }, unread ? { Connection: "close" } : {});
  if (unread) res.once("finish", () => req.destroy());
}
