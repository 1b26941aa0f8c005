import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface Delivery {
  readonly type: string | undefined;
  readonly body: unknown;
}

/** A stand-in Event Grid endpoint: answers the handshake, records deliveries, and fails when told to. */
export async function startWebhook(
  answer: (delivery: Delivery, n: number) => number = () => 200,
): Promise<{ url: string; deliveries: Delivery[]; stop(): Promise<void> }> {
  const deliveries: Delivery[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8") || "null") as unknown;
      const type = req.headers["aeg-event-type"] as string | undefined;
      const delivery = { type, body };
      deliveries.push(delivery);
      if (type === "SubscriptionValidation") {
        const code = (body as { data: { validationCode: string } }[])[0]!.data.validationCode;
        res
          .writeHead(200, { "Content-Type": "application/json" })
          .end(JSON.stringify({ validationResponse: code }));
        return;
      }
      res.writeHead(answer(delivery, deliveries.filter((d) => d.type === "Notification").length)).end();
    });
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/events`,
    deliveries,
    stop: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}

export const notifications = (deliveries: Delivery[]) =>
  deliveries
    .filter((d) => d.type === "Notification")
    .flatMap(
      (d) => d.body as { eventType: string; subject: string; data: Record<string, unknown>; id: string }[],
    );
