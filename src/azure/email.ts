import type { EmailClient, EmailMessage } from "@azure/communication-email";
import type { TokenCredential } from "@azure/core-auth";

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
    const poller = await (
      await this.emailClient()
    ).beginSend(message, {
      operationId: email.operationId,
      updateIntervalInMs: this.pollIntervalMs,
    });
    const result = await poller.pollUntilDone();
    return { id: result.id, status: result.status };
  }
}
