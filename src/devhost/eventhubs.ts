import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { EventHubConsumerClient, latestEventPosition, type Subscription } from "@azure/event-hubs";
import type { RetryOptions, TypedData } from "./core-api.js";
import type { InvocationResult } from "./invoker.js";

/**
 * Event Hub triggers without an Event Hub: each hub is an append-only JSON-lines file, fed by
 * `POST /admin/eventhubs/{hub}` or by anything that appends to the file; each trigger keeps a checkpoint
 * (last sequence number) per consumer group and reads in batches of `maxEventBatchSize`. As on Azure, the
 * checkpoint advances whether or not the invocation failed (after the function's retry policy): a failing
 * batch is not redelivered forever. With a real connection string the trigger reads the real hub instead.
 */
export interface HubMessage {
  readonly sequenceNumber: number;
  readonly offset: string;
  readonly enqueuedTimeUtc: string;
  readonly partitionKey: string | null;
  readonly properties: Record<string, unknown>;
  readonly body: unknown;
}

export class LocalHub {
  private readonly file: string;
  private sequence: number;

  constructor(
    private readonly dir: string,
    readonly name: string,
  ) {
    mkdirSync(dir, { recursive: true });
    this.file = join(dir, `${encodeURIComponent(name)}.jsonl`);
    this.sequence = this.readAll().at(-1)?.sequenceNumber ?? -1;
  }

  append(bodies: readonly unknown[], now: number, partitionKey: string | null = null): HubMessage[] {
    const messages = bodies.map((body) => {
      this.sequence++;
      return {
        sequenceNumber: this.sequence,
        offset: String(this.sequence),
        enqueuedTimeUtc: new Date(now).toISOString(),
        partitionKey,
        properties: {},
        body,
      };
    });
    appendFileSync(this.file, messages.map((m) => `${JSON.stringify(m)}\n`).join(""));
    return messages;
  }

  readAfter(sequenceNumber: number, max: number): HubMessage[] {
    return this.readAll()
      .filter((m) => m.sequenceNumber > sequenceNumber)
      .slice(0, max);
  }

  private readAll(): HubMessage[] {
    if (!existsSync(this.file)) return [];
    return readFileSync(this.file, "utf8")
      .split("\n")
      .filter((l) => l.trim() !== "")
      .flatMap((l) => {
        try {
          return [JSON.parse(l) as HubMessage];
        } catch {
          return [];
        }
      });
  }
}

export interface HubTriggerOptions {
  readonly functionName: string;
  readonly bindingName: string;
  readonly hubName: string;
  readonly consumerGroup: string;
  readonly cardinality: "one" | "many";
  readonly maxBatchSize: number;
  readonly retry: RetryOptions | undefined;
  /** Runs a drain as held work on the host's clock (messages waiting for a trigger are work in flight). */
  readonly held?: (what: string, drain: () => Promise<void>) => Promise<void>;
  /** Where a failure with nobody to throw to is told (a pump runs from a poll timer). */
  readonly onError?: (message: string) => void;
  readonly invoke: (
    inputs: Record<string, TypedData>,
    metadata: Record<string, TypedData>,
    describe: string,
    retry: RetryOptions | undefined,
  ) => Promise<InvocationResult>;
}

/** Bodies go over as strings the library JSON-parses, exactly as the host hands Event Hub bytes to Node. */
function bodyText(body: unknown): string {
  if (typeof body === "string") return body;
  if (Buffer.isBuffer(body)) return body.toString("utf8");
  return JSON.stringify(body);
}

export function hubInvocation(
  bindingName: string,
  cardinality: "one" | "many",
  messages: readonly Pick<
    HubMessage,
    "body" | "enqueuedTimeUtc" | "sequenceNumber" | "offset" | "partitionKey" | "properties"
  >[],
  partition: { hubName: string; consumerGroup: string; partitionId: string },
): { inputs: Record<string, TypedData>; metadata: Record<string, TypedData> } {
  const json = (v: unknown): TypedData => ({ json: JSON.stringify(v) });
  const partitionContext = json({
    EventHubName: partition.hubName,
    ConsumerGroup: partition.consumerGroup,
    PartitionId: partition.partitionId,
  });
  if (cardinality === "many") {
    return {
      inputs: { [bindingName]: { collectionString: { string: messages.map((m) => bodyText(m.body)) } } },
      metadata: {
        EnqueuedTimeUtcArray: json(messages.map((m) => m.enqueuedTimeUtc)),
        SequenceNumberArray: json(messages.map((m) => m.sequenceNumber)),
        OffsetArray: json(messages.map((m) => m.offset)),
        PartitionKeyArray: json(messages.map((m) => m.partitionKey)),
        PropertiesArray: json(messages.map((m) => m.properties)),
        SystemPropertiesArray: json(
          messages.map((m) => ({
            "x-opt-sequence-number": m.sequenceNumber,
            "x-opt-enqueued-time": m.enqueuedTimeUtc,
          })),
        ),
        PartitionContext: partitionContext,
      },
    };
  }
  const m = messages[0]!;
  return {
    inputs: { [bindingName]: { string: bodyText(m.body) } },
    metadata: {
      EnqueuedTimeUtc: json(m.enqueuedTimeUtc),
      SequenceNumber: json(m.sequenceNumber),
      Offset: json(m.offset),
      PartitionKey: json(m.partitionKey),
      Properties: json(m.properties),
      PartitionContext: partitionContext,
    },
  };
}

export class LocalHubTrigger {
  private readonly checkpointFile: string;
  private busy = false;
  private again = false;
  private poll: NodeJS.Timeout | undefined;

  constructor(
    private readonly hub: LocalHub,
    private readonly options: HubTriggerOptions,
    stateDir: string,
  ) {
    mkdirSync(stateDir, { recursive: true });
    this.checkpointFile = join(
      stateDir,
      `${encodeURIComponent(options.hubName)}.${encodeURIComponent(options.consumerGroup)}.${encodeURIComponent(options.functionName)}.checkpoint`,
    );
  }

  /** Watches the hub file (real time): other processes may append to it too. */
  start(pollMs = 250): void {
    this.poll = setInterval(() => void this.pump(), pollMs);
    this.poll.unref();
    void this.pump();
  }

  stop(): void {
    if (this.poll) clearInterval(this.poll);
  }

  /** Processes everything after the checkpoint; resolves when caught up. */
  pump(): Promise<void> {
    if (this.busy) {
      this.again = true;
      return Promise.resolve();
    }
    this.busy = true;
    const held = this.options.held ?? ((_: string, drain: () => Promise<void>) => drain());
    return held(`event hub ${this.options.hubName} → ${this.options.functionName}`, () => this.drain())
      .catch((error: unknown) =>
        this.options.onError?.(
          `Event Hub ${this.options.hubName}: ${this.options.functionName} stopped before the checkpoint: ${error instanceof Error ? error.message : String(error)}`,
        ),
      )
      .finally(() => {
        this.busy = false;
        if (this.again) {
          this.again = false;
          void this.pump();
        }
      });
  }

  private async drain(): Promise<void> {
    for (;;) {
      const batch = this.hub.readAfter(
        this.checkpoint(),
        this.options.cardinality === "many" ? this.options.maxBatchSize : 1,
      );
      if (batch.length === 0) return;
      const { inputs, metadata } = hubInvocation(this.options.bindingName, this.options.cardinality, batch, {
        hubName: this.options.hubName,
        consumerGroup: this.options.consumerGroup,
        partitionId: "0",
      });
      await this.options.invoke(
        inputs,
        metadata,
        `(${batch.length} event${batch.length === 1 ? "" : "s"} from ${this.options.hubName})`,
        this.options.retry,
      );
      writeFileSync(this.checkpointFile, String(batch[batch.length - 1]!.sequenceNumber));
    }
  }

  private checkpoint(): number {
    try {
      return Number(readFileSync(this.checkpointFile, "utf8"));
    } catch {
      return -1;
    }
  }
}

/** A real Event Hub, read with @azure/event-hubs from the newest event on (checkpoints live in memory). */
export class RealHubTrigger {
  private client: EventHubConsumerClient | undefined;
  private subscription: Subscription | undefined;

  constructor(
    private readonly connectionString: string,
    private readonly options: HubTriggerOptions,
    private readonly onError: (message: string) => void,
  ) {}

  start(): void {
    this.client = new EventHubConsumerClient(
      this.options.consumerGroup,
      this.connectionString,
      this.options.hubName,
    );
    this.subscription = this.client.subscribe(
      {
        processEvents: async (events, context) => {
          if (events.length === 0) return;
          const messages = events.map((e) => ({
            body: e.body as unknown,
            enqueuedTimeUtc: e.enqueuedTimeUtc.toISOString(),
            sequenceNumber: e.sequenceNumber,
            offset: String(e.offset),
            partitionKey: e.partitionKey,
            properties: e.properties ?? {},
          }));
          const groups = this.options.cardinality === "many" ? [messages] : messages.map((m) => [m]);
          for (const group of groups) {
            const { inputs, metadata } = hubInvocation(
              this.options.bindingName,
              this.options.cardinality,
              group,
              {
                hubName: this.options.hubName,
                consumerGroup: this.options.consumerGroup,
                partitionId: context.partitionId,
              },
            );
            await this.options.invoke(
              inputs,
              metadata,
              `(${group.length} event(s) from ${this.options.hubName}/${context.partitionId})`,
              this.options.retry,
            );
          }
        },
        processError: (error) => {
          this.onError(`Event Hub ${this.options.hubName}: ${error.message}`);
          return Promise.resolve();
        },
      },
      {
        maxBatchSize: this.options.maxBatchSize,
        startPosition: latestEventPosition,
        maxWaitTimeInSeconds: 5,
      },
    );
  }

  async stop(): Promise<void> {
    await this.subscription?.close();
    await this.client?.close();
  }
}
