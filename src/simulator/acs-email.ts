import { createHash, createHmac, randomUUID, timingSafeEqual } from "node:crypto";
import type { Reply, SimRequest } from "./http-kit.js";
import type { ManagedIdentityEndpoint } from "./managed-identity.js";
import type { World } from "./world.js";

/**
 * Azure Communication Services Email, simulated: `POST /emails:send` verified with the HMAC-SHA256 scheme
 * the SDK signs with (research/aks-apis.md §7), the send quotas (30/min and 100/h on a custom domain,
 * answered with 429 + Retry-After), a long-running operation to poll, and an outbox of every message.
 * Azure mode authenticates with Entra ID instead: a bearer token for https://communication.azure.com from
 * the managed-identity endpoint, as ACS accepts from a managed identity holding a role on the resource.
 */
export const DEFAULT_ACS_KEY = Buffer.from("ringmaster-simulator-key").toString("base64");

interface SendBody {
  senderAddress?: string;
  content?: { subject?: string; plainText?: string; html?: string };
  recipients?: { to?: { address: string }[]; cc?: { address: string }[]; bcc?: { address: string }[] };
}

export class EmailService {
  private readonly sent: number[] = [];
  private readonly operations = new Map<string, string>();

  constructor(
    private readonly world: World,
    private readonly identity?: ManagedIdentityEndpoint,
  ) {}

  private get key(): Buffer {
    return Buffer.from(this.world.fleet.email.accessKey ?? DEFAULT_ACS_KEY, "base64");
  }

  /** Checks the request's HMAC signature exactly as ACS does; undefined when valid, else why not. */
  verify(req: SimRequest): string | undefined {
    const auth = req.headers.authorization ?? "";
    if (/^Bearer /i.test(auth) && this.identity) {
      if (!this.identity.describe(auth))
        return "the bearer token was not issued by the managed-identity endpoint";
      return this.identity.wrongAudience(auth, "https://communication.azure.com");
    }
    const m = /^HMAC-SHA256 SignedHeaders=([^&]+)&Signature=(.+)$/.exec(auth);
    if (!m) return "Authorization: expected HMAC-SHA256 SignedHeaders=…&Signature=…";
    const date = req.headers["x-ms-date"] ?? req.headers.date;
    const contentHash = req.headers["x-ms-content-sha256"];
    if (!date || !contentHash) return "x-ms-date and x-ms-content-sha256 headers are required";
    const actualHash = createHash("sha256").update(req.rawBody).digest("base64");
    if (actualHash !== contentHash) return "x-ms-content-sha256 does not match the body";
    const query = req.query.toString();
    const stringToSign = `${req.method}\n${req.path}${query ? `?${query}` : ""}\n${date};${req.headers.host ?? ""};${contentHash}`;
    const expected = createHmac("sha256", this.key).update(stringToSign, "utf8").digest();
    const given = Buffer.from(m[2]!, "base64");
    if (given.length !== expected.length || !timingSafeEqual(given, expected))
      return "the HMAC signature does not match";
    return undefined;
  }

  send(req: SimRequest): Reply {
    const problem = this.verify(req);
    if (problem)
      return {
        status: 401,
        headers: { "x-ms-error-code": "Denied" },
        body: { error: { code: "Denied", message: `Denied by the resource provider: ${problem}` } },
      };
    const now = this.world.clock.now();
    const minuteAgo = this.sent.filter((t) => t > now - 60_000);
    const hourAgo = this.sent.filter((t) => t > now - 3_600_000);
    const { perMinute, perHour } = this.world.fleet.email;
    if (minuteAgo.length >= perMinute || hourAgo.length >= perHour) {
      const oldest = minuteAgo.length >= perMinute ? minuteAgo[0]! + 60_000 : hourAgo[0]! + 3_600_000;
      const seconds = Math.max(1, Math.ceil((oldest - now) / 1000));
      this.world.records.log("email", `send refused: quota (${perMinute}/min, ${perHour}/h) exceeded`);
      this.world.records.countThrottled("email-quota");
      // Retry-After is in simulated seconds; SDKs wait in real time, so also say it in real milliseconds.
      const realMs = Math.ceil((seconds * 1000) / this.world.clock.speed);
      return {
        status: 429,
        headers: {
          "Retry-After": String(seconds),
          "retry-after-ms": String(realMs),
          "x-ms-error-code": "TooManyRequests",
        },
        body: {
          error: {
            code: "TooManyRequests",
            message: `Email send quota exceeded; retry after ${seconds} seconds.`,
          },
        },
      };
    }
    const body = (req.body ?? {}) as SendBody;
    const to = (body.recipients?.to ?? []).map((r) => r.address);
    const cc = (body.recipients?.cc ?? []).map((r) => r.address);
    const bcc = (body.recipients?.bcc ?? []).map((r) => r.address);
    if (!body.senderAddress || !body.content?.subject || to.length + cc.length + bcc.length === 0) {
      return {
        status: 400,
        headers: { "x-ms-error-code": "BadRequest" },
        body: {
          error: {
            code: "BadRequest",
            message: "senderAddress, content.subject and at least one recipient are required",
          },
        },
      };
    }
    if (to.length + cc.length + bcc.length > 50)
      return {
        status: 400,
        body: { error: { code: "BadRequest", message: "a message may have at most 50 recipients" } },
      };
    this.sent.push(now);
    const id = req.headers["operation-id"] ?? randomUUID();
    this.operations.set(id, "Succeeded");
    this.world.records.emails.push({
      time: new Date(now).toISOString(),
      from: body.senderAddress,
      to,
      cc,
      subject: body.content.subject,
      text: body.content.plainText ?? "",
      html: body.content.html ?? "",
      operationId: id,
    });
    this.world.records.log("email", `sent "${body.content.subject}" to ${[...to, ...cc].join(", ")}`);
    const apiVersion = req.query.get("api-version") ?? "2025-09-01";
    return {
      status: 202,
      headers: {
        "Operation-Location": `${req.origin}/emails/operations/${id}?api-version=${apiVersion}`,
        "Retry-After": "0",
      },
      body: { id, status: "Running" },
    };
  }

  status(req: SimRequest, id: string): Reply {
    const problem = this.verify(req);
    if (problem) return { status: 401, body: { error: { code: "Denied", message: problem } } };
    // Sent emails are in the records, which survive a restart (world-snapshot.ts); the map is this run's.
    const status =
      this.operations.get(id) ??
      (this.world.records.emails.some((e) => e.operationId === id) ? "Succeeded" : undefined);
    return status
      ? { status: 200, body: { id, status } }
      : { status: 404, body: { error: { code: "NotFound", message: `Operation ${id} was not found.` } } };
  }
}
