import type { HttpRequest, HttpResponseInit } from "@azure/functions";
import { z } from "zod";
import { clusterInstanceId } from "../contracts/instance-ids.js";
import {
  LaneClusterEntrySchema,
  LaneInputSchema,
  LANE_SIZE,
  laneIdPrefix,
  LaneStatusSchema,
  type LaneClusterEntry,
} from "../contracts/lanes.js";
import {
  ClusterWorkflowStatusSchema,
  readRolloutStatus,
  type RolloutClusterItem,
} from "../contracts/rollout-status.js";
import type { ApiDeps } from "./deps.js";
import { issues, json, rolloutIdParam, shown } from "./http.js";

/**
 * `GET /api/rollouts/{id}/clusters?ring=&status=&continuationToken=`: a rollout's clusters a page at a
 * time, from its lanes' statuses (contracts/lanes.ts), paged by the durable instance query (lane ids share
 * the rollout's prefix). Clusters in flight carry their own workflow's status (`live`). A page holds up to
 * `PAGE_CLUSTERS` clusters (fewer when `status` filters them); follow `continuationToken` until it is null.
 */
const LANES_PER_QUERY = 5;
const PAGE_CLUSTERS = 100;
/** Lanes looked at per request when a filter leaves pages empty (each lane holds ≤ 20 clusters). */
const MAX_LANES_SCANNED = 50;

export const ClusterQuerySchema = z.strictObject({
  ring: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, "expected a ring name of this rollout, such as prod")
    .optional(),
  status: LaneClusterEntrySchema.shape.status.optional(),
  continuationToken: z
    .string()
    .min(1)
    .max(4096)
    .regex(/^[\x21-\x7e]+$/, "expected the continuationToken of the previous page, unchanged")
    .optional(),
  /** A function key given in the query, as Azure accepts it (checked by the host, not here). */
  code: z.string().optional(),
});

export async function listRolloutClusters(req: HttpRequest, deps: ApiDeps): Promise<HttpResponseInit> {
  const param = rolloutIdParam(req);
  if (!param.ok) return param.response;
  const query = ClusterQuerySchema.safeParse(Object.fromEntries(req.query.entries()));
  if (!query.success) return json(400, { error: issues(query.error) });
  return rolloutClusterPage(deps, param.id, query.data);
}

/** One page of a rollout's clusters for a valid query (the dashboard's clusters page renders the same). */
export async function rolloutClusterPage(
  deps: ApiDeps,
  id: string,
  query: z.infer<typeof ClusterQuerySchema>,
): Promise<HttpResponseInit> {
  const param = { id };
  const { ring, status, continuationToken } = query;

  const view = await deps.port.describe(param.id);
  if (!view) return json(404, { error: `no rollout with id ${shown(param.id)}` });
  const read = readRolloutStatus(view.customStatus);
  const rings = (read.ok ? read.status?.rings : undefined) ?? [];
  const ringIndex = ring === undefined ? undefined : rings.findIndex((r) => r.name === ring);
  if (ringIndex === -1)
    return json(400, {
      error: `ring: this rollout has no ring ${shown(ring!)}; its rings are ${rings.map((r) => r.name).join(", ") || "not planned yet"}`,
    });

  const clusters: RolloutClusterItem[] = [];
  let token = continuationToken;
  // A lane holds at most LANE_SIZE clusters and a token resumes after whole lanes, so a query asks only for
  // as many lanes as can still fit the page: lanes that are not full (most of a real fleet's) no longer
  // push a page past PAGE_CLUSTERS (a 5,000-cluster generated fleet gave pages of 152).
  for (let scanned = 0; scanned < MAX_LANES_SCANNED && clusters.length + LANE_SIZE <= PAGE_CLUSTERS;) {
    const page = await deps.instances({
      instanceIdPrefix: laneIdPrefix(param.id, ringIndex),
      top: Math.min(LANES_PER_QUERY, Math.floor((PAGE_CLUSTERS - clusters.length) / LANE_SIZE)),
      showInput: true,
      ...(token ? { continuationToken: token } : {}),
    });
    scanned += Math.max(page.instances.length, 1);
    for (const lane of page.instances) clusters.push(...laneClusters(lane, status));
    token = page.continuationToken;
    if (!token) break;
  }
  for (const c of clusters)
    if (c.workflow && (c.status === "started" || c.status === "waiting"))
      c.live =
        ClusterWorkflowStatusSchema.safeParse((await deps.port.describe(c.workflow))?.customStatus).data ??
        null;

  return json(200, {
    rollout: param.id,
    ring: ring ?? null,
    status: status ?? null,
    clusters,
    continuationToken: token ?? null,
  });
}

/** A lane's clusters as the page shows them: its status once it has one, its input before. */
function laneClusters(
  lane: { instanceId: string; input?: unknown; customStatus?: unknown },
  status: LaneClusterEntry["status"] | undefined,
): RolloutClusterItem[] {
  const input = LaneInputSchema.safeParse(lane.input);
  if (!input.success) return [];
  const ids = new Map<string, string | undefined>([
    ...input.data.clusters.map((c) => [c.name, c.clusterId] as const),
    ...input.data.skipped.map((c) => [c.name, c.clusterId] as const),
  ]);
  const shown = LaneStatusSchema.safeParse(lane.customStatus);
  const entries: Record<string, LaneClusterEntry> = {};
  if (shown.success) Object.assign(entries, shown.data.clusters);
  else {
    for (const c of input.data.clusters) entries[c.name] = { status: "scheduled" };
    for (const c of input.data.skipped)
      entries[c.name] = { status: "skipped", code: c.code, reason: c.reason };
  }
  return Object.entries(entries)
    .filter(([, e]) => status === undefined || e.status === status)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, e]) => {
      const clusterId = ids.get(name);
      return {
        name,
        ring: input.data.ring,
        lane: lane.instanceId,
        clusterId: clusterId ?? null,
        workflow: (clusterId && clusterInstanceId(clusterId)) ?? null,
        ...e,
      };
    });
}
