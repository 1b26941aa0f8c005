import { EmailClient, type EmailMessage } from "@azure/communication-email";
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
  private readonly client: EmailClient;

  constructor(
    connection: EmailConnection,
    private readonly pollIntervalMs: number,
  ) {
    this.client =
      "connectionString" in connection
        ? new EmailClient(connection.connectionString, {
            allowInsecureConnection: connection.allowInsecure,
            retryOptions: { maxRetries: 5 },
          })
        : new EmailClient(connection.endpoint, connection.credential, { retryOptions: { maxRetries: 5 } });
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
    const poller = await this.client.beginSend(message, {
      operationId: email.operationId,
      updateIntervalInMs: this.pollIntervalMs,
    });
    const result = await poller.pollUntilDone();
    return { id: result.id, status: result.status };
  }
}
