import type { EmailClient, EmailMessage } from "@azure/communication-email";
import type { TokenCredential } from "@azure/core-auth";
import type { Clock } from "../clock/clock.js";

/**
 * Email through Azure Communication Services (`@azure/communication-email`): HMAC with a connection string
 * (the simulator verifies the signature as ACS does) or the app's managed identity in Azure. The message
 * carries an Operation-Id derived from its content, so a retried send is the same send, not a second email.
 */
export interface OutgoingEmail {
  readonly from: string;
  readonly to: readonly string[];
  readonly cc?: readonly string[];
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  /** Idempotency key; ACS treats a repeated Operation-Id as the same operation. */
  readonly operationId: string;
}

export type EmailConnection =
  | { readonly connectionString: string; readonly allowInsecure: boolean }
  | { readonly endpoint: string; readonly credential: TokenCredential };

export class EmailAdapter {
  // Built on the first send: loading `@azure/communication-email` costs cold start on paths that never mail.
  private client: Promise<EmailClient> | undefined;

  constructor(
    private readonly connection: EmailConnection,
    private readonly pollIntervalMs: number,
    /**
     * The simulator's clock: a refused send (429, quota) then waits out Retry-After on it. The SDK's own
     * retry waits in real time, which on a discrete clock never reaches the simulator's next minute.
     */
    private readonly clock?: Clock,
  ) {}

  private emailClient(): Promise<EmailClient> {
    this.client ??= import("@azure/communication-email").then(({ EmailClient }) =>
      "connectionString" in this.connection
        ? new EmailClient(this.connection.connectionString, {
            allowInsecureConnection: this.connection.allowInsecure,
            retryOptions: { maxRetries: 5 },
          })
        : new EmailClient(this.connection.endpoint, this.connection.credential, {
            retryOptions: { maxRetries: 5 },
          }),
    );
    return this.client;
  }

  async send(email: OutgoingEmail): Promise<{ id: string; status: string }> {
    const message: EmailMessage = {
      senderAddress: email.from,
      content: { subject: email.subject, plainText: email.text, html: email.html },
      recipients: {
        to: email.to.map((address) => ({ address })),
        ...(email.cc?.length ? { cc: email.cc.map((address) => ({ address })) } : {}),
      },
    };
    for (let attempt = 1; ; attempt++) {
      try {
        const poller = await (
          await this.emailClient()
        ).beginSend(message, {
          operationId: email.operationId,
          updateIntervalInMs: this.pollIntervalMs,
        });
        const result = await poller.pollUntilDone();
        return { id: result.id, status: result.status };
      } catch (error) {
        // Same Operation-Id: a retried send is the same send.
        const wait = this.clock?.discrete ? quotaWaitMs(error) : undefined;
        if (wait === undefined || attempt >= QUOTA_TRIES) throw error;
        await this.clock!.sleep(wait);
      }
    }
  }
}

const QUOTA_TRIES = 5;

/** A quota refusal's Retry-After (simulated seconds from the simulator), in ms; undefined for other errors. */
function quotaWaitMs(error: unknown): number | undefined {
  const e = error as {
    statusCode?: number;
    response?: { headers?: { get(name: string): string | undefined } };
  };
  if (e?.statusCode !== 429) return undefined;
  const seconds = Number(e.response?.headers?.get("retry-after"));
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : 60_000;
}
