import { randomUUID } from "node:crypto";
import type { Clock } from "../clock/clock.js";
import { heldRequestHeaders } from "../clock/held-request.js";
import type { Records } from "./records.js";
import { mulberry32 } from "./seeded-random.js";
import { SpillLog } from "./spill-log.js";

/**
 * Event Grid delivery to a webhook, as the service does it: the subscription validation handshake first
 * (200 with `validationResponse`, nothing is delivered before), then one JSON array per delivery, retries
 * on failure on Event Grid's schedule (simulated time), no retry for 400/401/403/413 (dead-lettered),
 * at-least-once with occasional duplicates when configured, and lost or duplicated events from faults.
 */
export interface EventGridEvent {
  id: string;
  topic: string;
  subject: string;
  eventType: string;
  eventTime: string;
  data: Record<string, unknown>;
  dataVersion: string;
  metadataVersion: string;
}

/** Retry delays after each failed attempt (research/events.md §5.4), then every 12 hours until the TTL. */
const RETRY_SECONDS = [10, 30, 60, 300, 600, 1800, 3600, 10_800, 21_600];
const TTL_MS = 24 * 3600 * 1000;
const NO_RETRY = new Set([400, 401, 403, 413]);

export interface DeliveryOptions {
  readonly deliverTo: string | undefined;
  readonly clock: Clock;
  readonly records: Records;
  readonly duplicateRate: number;
  readonly maxDeliveryAttempts: number;
  readonly eventFault: (eventType: string) => "lost" | "duplicate" | undefined;
  readonly seed?: number;
}

/** One event on its way: its next attempt, and when that attempt is due (undefined: now, or in flight). */
export interface PendingDelivery {
  readonly event: EventGridEvent;
  readonly attempt: number;
  readonly firstAttemptAt: number;
  due?: number | undefined;
}

/** What a restart must not lose: events not yet acknowledged or dead-lettered, and what happened so far. */
export interface DeliveryState {
  readonly pending: readonly PendingDelivery[];
  /** The newest attempts (older ones are in `deliveries.jsonl`, `deliveredSpilled` of them). */
  readonly delivered: readonly DeliveryAttempt[];
  readonly deliveredSpilled?: number;
  readonly deadLettered: EventGridDelivery["deadLettered"];
}

/** One delivery attempt and the status the webhook answered (0: no answer). */
export interface DeliveryAttempt {
  readonly event: EventGridEvent;
  readonly attempt: number;
  readonly status: number;
  readonly time: string;
}

/** Delivery attempts kept in memory (between this and twice this); older ones spill to a file. */
const DELIVERIES_IN_MEMORY = 1_000;

export class EventGridDelivery {
  private validated = false;
  private validating = false;
  /** Deliveries waiting for the handshake. */
  private readonly queue: PendingDelivery[] = [];
  /** Every delivery not yet acknowledged or dead-lettered (queued, in flight, or waiting to retry). */
  private readonly pending = new Set<PendingDelivery>();
  private random: () => number;
  private readonly deliveredLog: SpillLog<DeliveryAttempt>;
  readonly deadLettered: { event: EventGridEvent; reason: string }[] = [];
  private stopped = false;
  private inFlight = new Set<Promise<void>>();

  constructor(private readonly o: DeliveryOptions) {
    this.random = mulberry32(o.seed ?? 1);
    this.deliveredLog = new SpillLog(o.records.fileFor("deliveries"), DELIVERIES_IN_MEMORY);
  }

  /** Every delivery attempt, oldest first (reads the spilled part from its file: not for hot paths). */
  get delivered(): readonly DeliveryAttempt[] {
    return this.deliveredLog.all();
  }

  /** How many delivery attempts were made in all. */
  get deliveredCount(): number {
    return this.deliveredLog.total;
  }

  private target: string | undefined;

  /** Starts the handshake; events published meanwhile wait for it. */
  start(): void {
    if (!this.deliverTo || this.deliverTo === "deferred") return;
    this.handshake(0);
  }

  /** Points delivery at an endpoint that was not known when the simulator started (the local host's port). */
  retarget(url: string): void {
    this.target = url;
  }

  private get deliverTo(): string | undefined {
    return this.target ?? this.o.deliverTo;
  }

  stop(): void {
    this.stopped = true;
    this.deliveredLog.close();
  }

  async drain(): Promise<void> {
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
  }

  publish(event: EventGridEvent): void {
    this.o.records.log("event", `${event.eventType} ${event.subject}`, { id: event.id });
    if (!this.deliverTo) return;
    const fault = this.o.eventFault(event.eventType);
    if (fault === "lost") {
      this.o.records.log("event", `lost by fault injection: ${event.eventType} ${event.id}`);
      return;
    }
    const copies = fault === "duplicate" || this.random() < this.o.duplicateRate ? 2 : 1;
    for (let i = 0; i < copies; i++) this.enqueue({ event, attempt: 1, firstAttemptAt: this.o.clock.now() });
  }

  private enqueue(d: PendingDelivery): void {
    this.pending.add(d);
    if (this.validated) this.attempt(d);
    else this.queue.push(d);
  }

  /** The delivery state to save (world-store.ts). */
  exportState(): DeliveryState {
    return {
      pending: [...this.pending],
      delivered: this.deliveredLog.recent,
      deliveredSpilled: this.deliveredLog.spilled,
      deadLettered: this.deadLettered,
    };
  }

  /** Picks up saved deliveries: retries wait for their due time, the rest go out after the handshake. */
  restoreState(state: DeliveryState): void {
    this.deliveredLog.resume(state.delivered, state.deliveredSpilled ?? 0);
    this.deadLettered.push(...state.deadLettered);
    for (const d of state.pending) {
      const copy: PendingDelivery = { ...d };
      if (copy.due !== undefined && copy.due > this.o.clock.now()) {
        this.pending.add(copy);
        this.o.clock.setTimer(copy.due, () => {
          this.pending.delete(copy);
          this.enqueue({ ...copy, due: undefined });
        });
      } else this.enqueue({ ...copy, due: undefined });
    }
  }

  /** Whether the handshake is done (a deferred or failing endpoint leaves events queued). */
  get isValidated(): boolean {
    return this.validated;
  }

  private handshake(attempt: number): void {
    if (this.stopped || this.validated || this.validating) return;
    this.validating = true;
    const code = randomUUID();
    const validation = [
      {
        id: randomUUID(),
        topic:
          "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/sim/providers/Microsoft.EventGrid/systemTopics/aks",
        subject: "",
        data: {
          validationCode: code,
          validationUrl: `${this.o.deliverTo}#manual-validation-not-supported-by-the-simulator`,
        },
        eventType: "Microsoft.EventGrid.SubscriptionValidationEvent",
        eventTime: new Date(this.o.clock.now()).toISOString(),
        metadataVersion: "1",
        dataVersion: "1",
      },
    ];
    const p = this.held("Event Grid handshake", () =>
      post(this.deliverTo!, validation, { "aeg-event-type": "SubscriptionValidation" })
        .then(async (res) => {
          const body = res.status === 200 ? ((await res.json()) as { validationResponse?: string }) : {};
          if (body.validationResponse !== code) throw new Error(`handshake answered ${res.status}`);
          this.validated = true;
          this.o.records.log("event", `Event Grid subscription validated by ${this.deliverTo}`);
          for (const d of this.queue.splice(0)) this.attempt(d);
        })
        .catch(() => {
          // The endpoint may not be up yet: try again shortly until it answers — in real time on a
          // wall-coupled clock, in simulated time on a discrete one (where real time means nothing).
          const wait = Math.min(2000, 100 * 2 ** attempt);
          const again = () => this.handshake(attempt + 1);
          if (this.o.clock.discrete) this.o.clock.setTimer(this.o.clock.now() + wait, again);
          else setTimeout(again, wait).unref();
        })
        .finally(() => {
          this.validating = false;
        }),
    );
    this.track(p);
  }

  private attempt(d: PendingDelivery): void {
    if (this.stopped) return;
    const { event, attempt, firstAttemptAt } = d;
    const p = this.held(`Event Grid delivery of ${event.eventType}`, () =>
      post(this.deliverTo!, [event], {
        "aeg-event-type": "Notification",
        "aeg-delivery-count": String(attempt - 1),
        "aeg-subscription-name": "RINGMASTER",
        // The host answers for this delivery's hold while it handles it (held-request.ts).
        ...heldRequestHeaders(this.o.clock),
      })
        .then((res) => res.status)
        .catch(() => 0)
        .then((status) => {
          this.deliveredLog.push({
            event,
            attempt,
            status,
            time: new Date(this.o.clock.now()).toISOString(),
          });
          this.pending.delete(d);
          if (status >= 200 && status <= 204) return;
          if (NO_RETRY.has(status)) {
            this.deadLettered.push({ event, reason: `HTTP ${status}` });
            return;
          }
          const delay = (RETRY_SECONDS[attempt - 1] ?? 43_200) * 1000;
          if (attempt >= this.o.maxDeliveryAttempts || this.o.clock.now() + delay - firstAttemptAt > TTL_MS) {
            this.deadLettered.push({ event, reason: "MaxDeliveryAttemptsExceeded" });
            return;
          }
          const next: PendingDelivery = {
            event,
            attempt: attempt + 1,
            firstAttemptAt,
            due: this.o.clock.now() + delay,
          };
          this.pending.add(next);
          this.o.clock.setTimer(next.due!, () => {
            next.due = undefined;
            if (this.validated) this.attempt(next);
            else this.queue.push(next);
          });
        }),
    );
    this.track(p);
  }

  /** A delivery in flight (until its answer is handled) is work the clock waits for. */
  private held(what: string, run: () => Promise<unknown>): Promise<unknown> {
    return this.o.clock.held(what, run, { detached: true });
  }

  private track(p: Promise<unknown>): void {
    const t = p.then(() => undefined);
    this.inFlight.add(t);
    void t.finally(() => this.inFlight.delete(t));
  }
}

async function post(url: string, body: unknown, headers: Record<string, string>): Promise<Response> {
  return fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...headers },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
}
