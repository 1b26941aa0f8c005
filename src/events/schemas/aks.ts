import { z } from "zod";
import { parseClusterId } from "../../domain/cluster-ref.js";
import { EventKind, type AcceptedEvent } from "../domain-event.js";
import { describeIssues, kubernetesVersion } from "../field-schemas.js";
import type { EnvelopeView } from "../envelopes/envelope-view.js";

/**
 * `data` of the six Microsoft.ContainerService events (and the spec examples' NodePoolRollingProgress). Every property is a string and optional in the SDK
 * types; Ringmaster requires the one field each event exists to carry.
 * @see https://learn.microsoft.com/azure/event-grid/event-schema-aks
 */
const NewVersionDataSchema = z
  .object(
    {
      latestSupportedKubernetesVersion: kubernetesVersion.optional(),
      latestStableKubernetesVersion: kubernetesVersion.optional(),
      lowestMinorKubernetesVersion: kubernetesVersion.optional(),
      latestPreviewKubernetesVersion: kubernetesVersion.optional(),
    },
    { error: "expected an object with the available Kubernetes versions" },
  )
  .refine(
    (d) =>
      d.latestSupportedKubernetesVersion ?? d.latestStableKubernetesVersion ?? d.lowestMinorKubernetesVersion,
    {
      message:
        "carries no version; expected latestSupportedKubernetesVersion, latestStableKubernetesVersion or lowestMinorKubernetesVersion",
    },
  );

const SupportDataSchema = z.object(
  {
    kubernetesVersion: kubernetesVersion
      .optional()
      .refine((v) => v !== undefined, "missing; expected e.g. 1.24.10"),
  },
  { error: "expected an object with kubernetesVersion" },
);

const RollingDataSchema = z.object(
  { nodePoolName: z.string({ error: "missing; expected the node pool name" }).min(1, "must not be empty") },
  { error: "expected an object with nodePoolName" },
);

export const AKS_EVENT_TYPES: Readonly<Record<string, EventKind>> = {
  "microsoft.containerservice.newkubernetesversionavailable": EventKind.NewKubernetesVersionAvailable,
  "microsoft.containerservice.clustersupportending": EventKind.ClusterSupportEnding,
  "microsoft.containerservice.clustersupportended": EventKind.ClusterSupportEnded,
  "microsoft.containerservice.nodepoolrollingstarted": EventKind.NodePoolRollingStarted,
  "microsoft.containerservice.nodepoolrollingsucceeded": EventKind.NodePoolRollingSucceeded,
  "microsoft.containerservice.nodepoolrollingfailed": EventKind.NodePoolRollingFailed,
};

export type Built = { ok: true; event: AcceptedEvent } | { ok: false; reason: string };

/**
 * `Microsoft.ContainerService.NodePoolRollingProgress`: the REST spec's examples carry it (event-grid-schema
 * and cloud-events-schema `node_pool_rolling_progress.json`) with `data.rollingProgressState` "Started";
 * no SDK ships it. Should AKS send it, it is read as the NodePoolRolling* event its state names.
 */
export const ROLLING_PROGRESS_TYPE = "microsoft.containerservice.nodepoolrollingprogress";

const ROLLING_PROGRESS_KIND: Readonly<Record<string, EventKind>> = {
  started: EventKind.NodePoolRollingStarted,
  succeeded: EventKind.NodePoolRollingSucceeded,
  failed: EventKind.NodePoolRollingFailed,
};

const RollingProgressDataSchema = z.object(
  {
    rollingProgressState: z.string({
      error: "missing; expected Started, Succeeded or Failed",
    }),
  },
  { error: "expected an object with nodePoolName and rollingProgressState" },
);

export function buildRollingProgressEvent(view: EnvelopeView): Built {
  const data = RollingProgressDataSchema.safeParse(view.data);
  if (!data.success) return { ok: false, reason: describeIssues(data.error.issues, "data") };
  const state = data.data.rollingProgressState;
  const kind = ROLLING_PROGRESS_KIND[state.toLowerCase()];
  if (!kind)
    return {
      ok: false,
      reason: `data.rollingProgressState: "${state.slice(0, 40)}" is not Started, Succeeded or Failed`,
    };
  return buildAksEvent(kind, view);
}

export function buildAksEvent(kind: EventKind, view: EnvelopeView): Built {
  const sourceField = view.schema === "EventGrid" ? "topic" : "source";
  if (!view.source) {
    return {
      ok: false,
      reason: `${sourceField}: missing; AKS events carry the managed cluster's ARM id there`,
    };
  }
  const cluster = parseClusterId(view.source);
  if (!cluster) {
    return {
      ok: false,
      reason: `${sourceField}: "${view.source.slice(0, 120)}" is not a managed cluster ARM id (…/providers/Microsoft.ContainerService/managedClusters/{name})`,
    };
  }
  const base = { key: `${kind}:${view.id}`, time: view.time, id: view.id, clusterId: cluster.id };
  switch (kind) {
    case EventKind.NewKubernetesVersionAvailable: {
      const data = NewVersionDataSchema.safeParse(view.data);
      if (!data.success) return { ok: false, reason: describeIssues(data.error.issues, "data") };
      return { ok: true, event: { kind, ...base, ...definedOnly(data.data) } };
    }
    case EventKind.ClusterSupportEnding:
    case EventKind.ClusterSupportEnded: {
      const data = SupportDataSchema.safeParse(view.data);
      if (!data.success) return { ok: false, reason: describeIssues(data.error.issues, "data") };
      return { ok: true, event: { kind, ...base, kubernetesVersion: data.data.kubernetesVersion ?? "" } };
    }
    case EventKind.NodePoolRollingStarted:
    case EventKind.NodePoolRollingSucceeded:
    case EventKind.NodePoolRollingFailed: {
      const data = RollingDataSchema.safeParse(view.data);
      if (!data.success) return { ok: false, reason: describeIssues(data.error.issues, "data") };
      return { ok: true, event: { kind, ...base, nodePoolName: data.data.nodePoolName } };
    }
    default:
      return { ok: false, reason: `type: ${kind} is not an AKS event` };
  }
}

function definedOnly<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
