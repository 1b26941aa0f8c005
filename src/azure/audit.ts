import type { EventHubProducerClient } from "@azure/event-hubs";
import type { TokenCredential } from "@azure/core-auth";

/**
 * Lifecycle audit as CloudEvents 1.0 (`com.ringmaster.*` types) to an Event Hub when one is configured, in
 * batches that respect the hub's size limit; otherwise as structured log lines.
 */
export interface AuditEvent {
  readonly type: string;
  readonly subject: string;
  readonly time: string;
  readonly data: Record<string, unknown>;
}

export interface AuditSink {
  publish(events: readonly AuditEvent[]): Promise<void>;
  close(): Promise<void>;
}

function cloudEvent(e: AuditEvent, id: string) {
  return {
    specversion: "1.0",
    id,
    source: "/ringmaster",
    type: `com.ringmaster.${e.type}`,
    subject: e.subject,
    time: e.time,
    datacontenttype: "application/json",
    data: e.data,
  };
}

export class EventHubAuditSink implements AuditSink {
  // Connected on the first publish: loading `@azure/event-hubs` costs cold start (see compose.ts).
  private producer: Promise<EventHubProducerClient> | undefined;

  constructor(
    private readonly connection:
      | { connectionString: string; eventHubName: string }
      | { namespace: string; eventHubName: string; credential: TokenCredential },
  ) {}

  private client(): Promise<EventHubProducerClient> {
    const c = this.connection;
    this.producer ??= import("@azure/event-hubs").then(({ EventHubProducerClient }) =>
      "connectionString" in c
        ? new EventHubProducerClient(c.connectionString, c.eventHubName)
        : new EventHubProducerClient(c.namespace, c.eventHubName, c.credential),
    );
    return this.producer;
  }

  async publish(events: readonly AuditEvent[]): Promise<void> {
    const producer = await this.client();
    let batch = await producer.createBatch();
    for (const [i, e] of events.entries()) {
      const body = cloudEvent(e, `${e.subject}:${e.type}:${e.time}:${i}`);
      if (batch.tryAdd({ body, contentType: "application/cloudevents+json" })) continue;
      await producer.sendBatch(batch);
      batch = await producer.createBatch();
      if (!batch.tryAdd({ body, contentType: "application/cloudevents+json" }))
        throw new Error(`Audit: event ${e.type} for ${e.subject} is larger than an Event Hub batch`);
    }
    if (batch.count > 0) await producer.sendBatch(batch);
  }

  async close(): Promise<void> {
    if (this.producer) await (await this.producer).close();
  }
}

export class LogAuditSink implements AuditSink {
  constructor(private readonly log: (line: string) => void) {}

  publish(events: readonly AuditEvent[]): Promise<void> {
    for (const [i, e] of events.entries())
      this.log(JSON.stringify(cloudEvent(e, `${e.subject}:${e.type}:${e.time}:${i}`)));
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
