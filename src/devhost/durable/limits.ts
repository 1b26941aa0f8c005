import { z } from "zod";
import { EventType, historyEvent, type HistoryEvent } from "./history.js";

/**
 * Azure's Durable Functions limits, enforced in one place (research/limits-fleet-infra.md §1). The engine
 * calls in here where payloads enter: the client doors (start, raise event), an activity's result, and
 * every episode's decisions before they are committed. What Azure rejects fails here with Azure's words;
 * what Azure accepts at a cost (Azure Storage's large messages) is counted. Everything seen is reported on
 * the host's status endpoint (`GET /admin/host/status`, field `durableLimits`, shape `LimitsReport`).
 *
 * Backend: chosen as the Functions host chooses it, from `extensions.durableTask.storageProvider.type`
 * (host.json, overridable by the app setting
 * `AzureFunctionsJobHost__extensions__durableTask__storageProvider__type`); absent means Azure Storage, the
 * extension's default. Ringmaster's deployment picks the Durable Task Scheduler with that override
 * (infra/app/api.bicep), and its local runs set the same (app/local-run.ts).
 */

/** The extension's custom status cap (DurableOrchestrationContext.SetCustomStatus): 16 KB of UTF-16 JSON. */
export const MAX_CUSTOM_STATUS_KB = 16;
/** Durable Task Scheduler: 1 MB per message, no large-payload offload for JavaScript (Durable-Task-Scheduler#24). */
export const DTS_MAX_PAYLOAD_BYTES = 1024 * 1024;
/** Azure Storage (DurableTask.AzureStorage MessageManager): a queue message over 45 KB (UTF-8) goes to a blob. */
export const AZURE_STORAGE_MAX_QUEUE_MESSAGE_BYTES = 45 * 1024;
/** Azure Storage (AzureTableTrackingStore): a table property over 60 KB of UTF-16 goes to a blob. */
export const AZURE_STORAGE_MAX_TABLE_PROPERTY_BYTES = 60 * 1024;

export type BackendProfile = "durableTaskScheduler" | "azureStorage" | "other";

/** The provider types the extension knows (case-insensitive), and the profile each gets here. */
const PROVIDERS: Record<string, BackendProfile> = {
  azuremanaged: "durableTaskScheduler",
  azurestorage: "azureStorage",
  mssql: "other",
  netherite: "other",
};

export const LimitsOptionsSchema = z.object({
  /** `storageProvider.type` as configured; undefined when neither host.json nor the override sets it. */
  storageProviderType: z
    .string()
    .trim()
    .optional()
    .superRefine((type, ctx) => {
      if (type !== undefined && type !== "" && !(type.toLowerCase() in PROVIDERS))
        ctx.addIssue({
          code: "custom",
          message: `extensions.durableTask.storageProvider.type "${type}" is not a Durable provider; use "azureManaged" (Durable Task Scheduler), "AzureStorage", "mssql" or "netherite"`,
        });
    }),
});
export type LimitsOptions = z.input<typeof LimitsOptionsSchema>;

/** The app setting that overrides host.json's provider type (the Functions host's `AzureFunctionsJobHost__` rule). */
export const PROVIDER_OVERRIDE_SETTING =
  "AzureFunctionsJobHost__extensions__durableTask__storageProvider__type";

export function backendProfile(type: string | undefined): BackendProfile {
  if (type === undefined || type.trim() === "") return "azureStorage";
  return PROVIDERS[type.trim().toLowerCase()] ?? "other";
}

/** JSON's size as Azure Storage and the extension count it: 2 bytes per UTF-16 code unit. */
export function utf16Bytes(json: string): number {
  return json.length * 2;
}

export function utf8Bytes(json: string): number {
  return Buffer.byteLength(json, "utf8");
}

/**
 * The extension's message when a custom status is too large: it fails when `floor(bytes / 1024) > 16`,
 * i.e. from 17,408 UTF-16 bytes, and N is that floor, formatted with thousands separators (`{1:N0}`).
 */
export function customStatusProblem(customStatus: unknown): string | undefined {
  if (customStatus === undefined || customStatus === null) return undefined;
  const kb = Math.floor(utf16Bytes(JSON.stringify(customStatus)) / 1024);
  if (kb <= MAX_CUSTOM_STATUS_KB) return undefined;
  return `The UTF-16 size of the JSON-serialized payload must not exceed ${MAX_CUSTOM_STATUS_KB} KB. The current payload size is ${kb.toLocaleString("en-US")} KB.`;
}

/**
 * The extension's messages for an id its client refuses (DurableClient.StartNewAsync). Two are built with
 * `new ArgumentException(nameof(instanceId), text)`, which makes the text the parameter name: .NET then
 * reports "instanceId (Parameter '…')", and that is what a caller sees.
 */
export function clientInstanceIdProblem(id: string): string | undefined {
  if (id.startsWith("@")) return "instanceId (Parameter 'Orchestration instance ids must not start with @.')";
  // eslint-disable-next-line no-control-regex -- char.IsControl: U+0000–U+001F and U+007F–U+009F
  if (/[/\\#?\u0000-\u001f\u007f-\u009f]/.test(id))
    return "instanceId (Parameter 'Orchestration instance ids must not contain /, \\, #, ?, or control characters.')";
  if (id.length > 256) return "Instance ID lengths must not exceed 256 characters.";
  return undefined;
}

/**
 * A sub-orchestration's id. The extension checks two rules (DurableOrchestrationContext); in Azure a
 * breach is swallowed (the action's task faults and the out-of-proc shim ignores it), so the parent waits
 * forever. Locally the child is refused and the parent told, so the mistake shows; the client's rules
 * apply too, since in Azure storage refuses such an id later.
 */
export function subOrchestrationIdProblem(
  id: string,
  parent: { instanceId: string; parentInstanceId?: string | undefined },
): string | undefined {
  const same = (a: string | undefined) => a !== undefined && a.toLowerCase() === id.toLowerCase();
  if (same(parent.instanceId) || same(parent.parentInstanceId))
    return "The instance ID of a sub-orchestration must be different than the instance ID of a parent orchestration.";
  if (id.startsWith("@")) return "instanceId (Parameter 'Orchestration instance ids must not start with @')";
  return clientInstanceIdProblem(id);
}

/** A payload the Durable Task Scheduler refuses (over 1 MB); the local host's wording, naming the fix. */
export class PayloadTooLargeError extends Error {
  override readonly name = "PayloadTooLargeError";
}

export type PayloadKind =
  | "input"
  | "output"
  | "event"
  | "continueAsNew"
  | "activityInput"
  | "activityOutput"
  | "subOrchestrationInput"
  | "subOrchestrationOutput";

/** Per orchestration name, what the host has seen since it started. */
export interface OrchestrationLimitsSeen {
  /** The largest payload of each kind, in UTF-8 bytes of its JSON (what DTS counts). */
  largestPayloadBytes: Partial<Record<PayloadKind, number>>;
  /** The largest of them, with its kind. */
  largestPayload: { kind: PayloadKind; bytes: number } | null;
  /** The largest custom status, in UTF-16 bytes of its JSON (what the 16 KB rule counts). */
  largestCustomStatusUtf16Bytes: number;
  /** The most history events one execution has had (an execution ends at continueAsNew). */
  longestHistoryEvents: number;
  /** Azure Storage profile: queue messages over 45 KB, which go through blob storage. */
  largeMessages: number;
  /** Azure Storage profile: history/instance table properties over 60 KB of UTF-16, which go to blobs. */
  largeTableProperties: number;
}

/**
 * The `durableLimits` field of `GET /admin/host/status`, since the host started. For example:
 *
 *     "durableLimits": {
 *       "profile": "durableTaskScheduler",
 *       "limits": { "customStatusMaxUtf16Bytes": 17407, "maxPayloadBytes": 1048576,
 *                   "largeMessageBytes": null, "largeTablePropertyUtf16Bytes": null },
 *       "orchestrations": {
 *         "rollout": {
 *           "largestPayloadBytes": { "input": 812, "activityInput": 2301, "activityOutput": 5120,
 *                                    "continueAsNew": 14100, "output": 44 },
 *           "largestPayload": { "kind": "continueAsNew", "bytes": 14100 },
 *           "largestCustomStatusUtf16Bytes": 6650,
 *           "longestHistoryEvents": 212,
 *           "largeMessages": 0, "largeTableProperties": 0 } } }
 *
 * `limits` holds the thresholds of the profile (null where the profile has none); the counters are
 * only counted under the Azure Storage profile.
 */
export interface LimitsReport {
  profile: BackendProfile;
  limits: {
    customStatusMaxUtf16Bytes: number;
    maxPayloadBytes: number | null;
    largeMessageBytes: number | null;
    largeTablePropertyUtf16Bytes: number | null;
  };
  orchestrations: Record<string, OrchestrationLimitsSeen>;
}

/** What the episode decision asks before it commits (episode-decision.ts EpisodeLimits). */
export interface EpisodeChecks {
  customStatus(customStatus: unknown): string | undefined;
  decisions(events: readonly HistoryEvent[]): string | undefined;
}

/** Payload-bearing history events: which kind each is, and whether it travels as a queue message. */
function payloadOf(e: HistoryEvent): { kind: PayloadKind; json: string; message: boolean } | undefined {
  switch (e.EventType) {
    case EventType.ExecutionStarted:
      return e.Input == null ? undefined : { kind: "input", json: e.Input, message: true };
    case EventType.TaskScheduled:
      return e.Input == null ? undefined : { kind: "activityInput", json: e.Input, message: true };
    case EventType.TaskCompleted:
      return e.Result == null ? undefined : { kind: "activityOutput", json: e.Result, message: true };
    case EventType.EventRaised:
      return e.Input == null ? undefined : { kind: "event", json: e.Input, message: true };
    case EventType.SubOrchestrationInstanceCreated:
      // The child's own ExecutionStarted is the message; this is the parent's history row.
      return e.Input == null ? undefined : { kind: "subOrchestrationInput", json: e.Input, message: false };
    case EventType.SubOrchestrationInstanceCompleted:
      return e.Result == null ? undefined : { kind: "subOrchestrationOutput", json: e.Result, message: true };
    case EventType.ExecutionCompleted:
      return e.Result == null ? undefined : { kind: "output", json: e.Result, message: false };
    case EventType.ContinueAsNew:
      // The next execution's ExecutionStarted is the message.
      return e.Result == null ? undefined : { kind: "continueAsNew", json: e.Result, message: false };
    default:
      return undefined;
  }
}

const WHAT: Record<PayloadKind, string> = {
  input: "orchestration input",
  output: "orchestration output",
  event: "external event",
  continueAsNew: "continueAsNew input",
  activityInput: "activity input",
  activityOutput: "activity output",
  subOrchestrationInput: "sub-orchestration input",
  subOrchestrationOutput: "sub-orchestration output",
};

export class DurableLimits implements EpisodeChecks {
  readonly profile: BackendProfile;
  private readonly seen = new Map<string, OrchestrationLimitsSeen>();

  constructor(options: LimitsOptions = {}) {
    const parsed = LimitsOptionsSchema.safeParse(options);
    if (!parsed.success)
      throw new Error(
        `Devhost: ${parsed.error.issues.map((i) => i.message).join("; ")} (host.json, or the app setting ${PROVIDER_OVERRIDE_SETTING})`,
      );
    this.profile = backendProfile(parsed.data.storageProviderType);
  }

  /** The DTS refusal for one payload, or undefined when this backend takes it. */
  payloadProblem(kind: PayloadKind, json: string, label = ""): string | undefined {
    if (this.profile !== "durableTaskScheduler") return undefined;
    const bytes = utf8Bytes(json);
    if (bytes <= DTS_MAX_PAYLOAD_BYTES) return undefined;
    return `The ${WHAT[kind]}${label} is ${bytes.toLocaleString("en-US")} bytes; the Durable Task Scheduler accepts at most ${DTS_MAX_PAYLOAD_BYTES.toLocaleString("en-US")} bytes (1 MB) per payload and offers JavaScript apps no large-payload offload: keep the data elsewhere (a blob, a table) and pass a reference.`;
  }

  /** A client door (start, raise event): throws what the backend would refuse. */
  admit(kind: "input" | "event", value: unknown): void {
    const problem = this.payloadProblem(kind, JSON.stringify(value ?? null));
    if (problem) throw new PayloadTooLargeError(problem);
  }

  /** An activity's result the backend would refuse becomes the activity's failure (as the DTS SDKs do). */
  activityResult(event: HistoryEvent, activityName: string): HistoryEvent {
    if (event.EventType !== EventType.TaskCompleted || event.Result == null) return event;
    const problem = this.payloadProblem("activityOutput", event.Result, ` of '${activityName}'`);
    if (!problem) return event;
    return historyEvent(EventType.TaskFailed, Date.parse(event.Timestamp), {
      TaskScheduledId: event.TaskScheduledId ?? -1,
      Reason: `Activity function '${activityName}' failed: ${problem}`,
      Details: "",
    });
  }

  customStatus(customStatus: unknown): string | undefined {
    return customStatusProblem(customStatus);
  }

  /** The first payload among an episode's new decisions that the backend would refuse. */
  decisions(events: readonly HistoryEvent[]): string | undefined {
    for (const e of events) {
      const p = payloadOf(e);
      if (!p) continue;
      const label = e.Name ? ` of '${e.Name}'` : "";
      const problem = this.payloadProblem(p.kind, p.json, label);
      if (problem) return problem;
    }
    return undefined;
  }

  /**
   * Records one committed episode: its new events, the custom status, and the execution's history length.
   * A message is measured by its payload; the few hundred bytes of DurableTask's envelope are not modelled.
   */
  observe(name: string, events: readonly HistoryEvent[], customStatus: unknown, historyLength: number): void {
    const s = this.entry(name);
    for (const e of events) {
      const p = payloadOf(e);
      if (p) {
        const bytes = utf8Bytes(p.json);
        s.largestPayloadBytes[p.kind] = Math.max(s.largestPayloadBytes[p.kind] ?? 0, bytes);
        if (!s.largestPayload || bytes > s.largestPayload.bytes) s.largestPayload = { kind: p.kind, bytes };
      }
      if (this.profile !== "azureStorage") continue;
      if (p?.message && utf8Bytes(p.json) > AZURE_STORAGE_MAX_QUEUE_MESSAGE_BYTES) s.largeMessages++;
      for (const text of [e.Input, e.Result, e.Reason, e.Details])
        if (typeof text === "string" && utf16Bytes(text) > AZURE_STORAGE_MAX_TABLE_PROPERTY_BYTES)
          s.largeTableProperties++;
    }
    if (customStatus !== undefined && customStatus !== null)
      s.largestCustomStatusUtf16Bytes = Math.max(
        s.largestCustomStatusUtf16Bytes,
        utf16Bytes(JSON.stringify(customStatus)),
      );
    s.longestHistoryEvents = Math.max(s.longestHistoryEvents, historyLength);
  }

  report(): LimitsReport {
    const dts = this.profile === "durableTaskScheduler";
    const storage = this.profile === "azureStorage";
    return {
      profile: this.profile,
      limits: {
        customStatusMaxUtf16Bytes: (MAX_CUSTOM_STATUS_KB + 1) * 1024 - 1,
        maxPayloadBytes: dts ? DTS_MAX_PAYLOAD_BYTES : null,
        largeMessageBytes: storage ? AZURE_STORAGE_MAX_QUEUE_MESSAGE_BYTES : null,
        largeTablePropertyUtf16Bytes: storage ? AZURE_STORAGE_MAX_TABLE_PROPERTY_BYTES : null,
      },
      orchestrations: Object.fromEntries(
        [...this.seen].map(([name, s]) => [name, structuredClone(s)] as const),
      ),
    };
  }

  private entry(name: string): OrchestrationLimitsSeen {
    let s = this.seen.get(name);
    if (!s) {
      s = {
        largestPayloadBytes: {},
        largestPayload: null,
        largestCustomStatusUtf16Bytes: 0,
        longestHistoryEvents: 0,
        largeMessages: 0,
        largeTableProperties: 0,
      };
      this.seen.set(name, s);
    }
    return s;
  }
}
