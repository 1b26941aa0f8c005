import { z } from "zod";
import { parseClusterId } from "../../domain/cluster-ref.js";
import { EventKind } from "../domain-event.js";
import { describeIssues, optional, toIsoInstant } from "../field-schemas.js";
import type { EnvelopeView } from "../envelopes/envelope-view.js";
import type { Built } from "./aks.js";

/**
 * Azure Resource Notifications payloads. The wire names are `resourceInfo`/`operationalInfo`; the
 * `@azure/eventgrid` interfaces rename them, which is why these schemas are our own.
 * @see https://learn.microsoft.com/azure/event-grid/event-schema-containerservice-resources
 * @see https://learn.microsoft.com/azure/event-grid/event-schema-aks-resources
 */
const ScheduledPropertiesSchema = z.object({
  description: z.string().optional(),
  eventId: z.string({ error: "missing; expected the scheduled event id" }).min(1),
  eventSource: z.string({ error: "missing; expected AutoUpgrader or EOLNotification" }),
  eventStatus: z.string({ error: "missing; expected Scheduled, Started, Completed, Canceled or Failed" }),
  eventDetails: z.union([z.string(), z.record(z.string(), z.unknown())]).optional(),
  scheduledTime: z.string().optional(),
  startTime: z.string().optional(),
  lastUpdateTime: z.string().optional(),
  resources: z.array(z.string(), { error: "expected an array of cluster ARM ids" }).optional(),
  resourceType: z.string().optional(),
});

const ScheduledDataSchema = z.object(
  {
    resourceInfo: z.object(
      {
        id: z.string().optional(),
        name: z.string().optional(),
        location: z.string().optional(),
        properties: ScheduledPropertiesSchema,
      },
      { error: "missing; expected the scheduled event resource" },
    ),
  },
  { error: "expected an object with resourceInfo" },
);

const GateDataSchema = z.object(
  {
    resourceInfo: z.object(
      {
        id: z.string({ error: "missing; expected the gate's ARM id" }).min(1),
        name: z.string().optional(),
        properties: z
          .object({
            displayName: z.string().optional(),
            gateType: z.string().optional(),
            state: z.string().optional(),
            target: z
              .object({
                id: z.string().optional(),
                updateRunProperties: z
                  .object({
                    name: z.string().optional(),
                    stage: z.string().optional(),
                    group: z.string().optional(),
                    timing: z.string().optional(),
                  })
                  .optional(),
              })
              .optional(),
          })
          .optional(),
      },
      { error: "missing; expected the gate resource" },
    ),
  },
  { error: "expected an object with resourceInfo" },
);

export const SCHEDULED_EVENT_TYPE =
  "microsoft.resourcenotifications.containerserviceeventresources.scheduledeventemitted";

/** Fleet gate types, compared in lower case: the docs say `AKSResources`, the samples `AksResources`. */
export const FLEET_GATE_TYPES: Readonly<Record<string, "Created" | "Updated" | "Deleted">> = {
  "microsoft.resourcenotifications.aksresources.fleetgatecreated": "Created",
  "microsoft.resourcenotifications.aksresources.fleetgateupdated": "Updated",
  "microsoft.resourcenotifications.aksresources.fleetgatedeleted": "Deleted",
};

const UNSET_TIME = "0001-01-01T00:00:00.000Z";

export function buildScheduledEvent(view: EnvelopeView): Built {
  const parsed = ScheduledDataSchema.safeParse(view.data);
  if (!parsed.success) return { ok: false, reason: describeIssues(parsed.error.issues, "data") };
  const info = parsed.data.resourceInfo;
  const p = info.properties;
  const candidates = p.resources?.length ? p.resources : [info.id ?? view.subject ?? ""];
  const clusterIds = unique(
    candidates.map((id) => parseClusterId(id)?.id).filter((id): id is string => !!id),
  );
  if (clusterIds.length === 0) {
    return {
      ok: false,
      reason:
        "data.resourceInfo.properties.resources: no managed cluster ARM id found; expected at least one impacted cluster",
    };
  }
  return {
    ok: true,
    event: {
      kind: EventKind.ScheduledEvent,
      // ARN repeats a notice per status change; the status is part of what makes it news.
      key: `ScheduledEvent:${p.eventId}:${p.eventStatus}`.toLowerCase(),
      time: view.time,
      id: view.id,
      clusterIds,
      eventId: p.eventId,
      eventSource: p.eventSource,
      eventStatus: p.eventStatus,
      ...optional("description", p.description),
      ...optional("eventDetails", readDetails(p.eventDetails)),
      ...optional("scheduledTime", readTime(p.scheduledTime)),
      ...optional("startTime", readTime(p.startTime)),
      ...optional("lastUpdateTime", readTime(p.lastUpdateTime)),
      ...optional("location", info.location),
    },
  };
}

export function buildFleetGate(action: "Created" | "Updated" | "Deleted", view: EnvelopeView): Built {
  const parsed = GateDataSchema.safeParse(view.data);
  if (!parsed.success) return { ok: false, reason: describeIssues(parsed.error.issues, "data") };
  const info = parsed.data.resourceInfo;
  const gateMatch = /^(.*\/fleets\/[^/]+)\/gates\/([^/]+)$/i.exec(info.id);
  if (!gateMatch) {
    return {
      ok: false,
      reason: `data.resourceInfo.id: "${info.id.slice(0, 120)}" is not a Fleet gate id (…/fleets/{fleet}/gates/{gate})`,
    };
  }
  const [, fleetId = "", gateName = ""] = gateMatch;
  const props = info.properties;
  const run = props?.target?.updateRunProperties;
  return {
    ok: true,
    event: {
      kind: EventKind.FleetGate,
      key: `FleetGate:${gateName}:${action}:${props?.state ?? ""}`.toLowerCase(),
      time: view.time,
      id: view.id,
      action,
      gateId: info.id,
      gateName: info.name ?? gateName,
      fleetId,
      ...optional("displayName", props?.displayName),
      ...optional("gateType", props?.gateType),
      ...optional("state", props?.state),
      ...optional("updateRunId", props?.target?.id),
      ...optional("updateRunName", run?.name),
      ...optional("stage", run?.stage),
      ...optional("group", run?.group),
      ...optional("timing", run?.timing),
    },
  };
}

/** End-of-support details arrive as an object or as a JSON-encoded string; free text stays text. */
function readDetails(
  details: string | Record<string, unknown> | undefined,
): string | Record<string, unknown> | undefined {
  if (typeof details !== "string") return details;
  const trimmed = details.trim();
  if (!trimmed.startsWith("{")) return details;
  try {
    const parsed: unknown = JSON.parse(trimmed);
    return parsed && typeof parsed === "object" && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : details;
  } catch {
    return details;
  }
}

/** ARN writes `0001-01-01T00:00:00` for "not set"; that is no time at all. */
function readTime(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const iso = toIsoInstant(value);
  return iso === UNSET_TIME ? undefined : iso;
}

function unique(values: string[]): string[] {
  const seen = new Set<string>();
  return values.filter((v) => {
    const k = v.toLowerCase();
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
