import { createHash } from "node:crypto";
import { z } from "zod";
import { clusterId, clusterJson } from "./aks-state.js";
import { clusterAssignmentRows, ASSIGNMENT_COLUMNS } from "./arg-maintenance.js";
import { armError, ok, pathPattern, type Reply, type Route, type SimRequest } from "./http-kit.js";
import type { World } from "./world.js";

/**
 * Azure Resource Graph's `POST /providers/Microsoft.ResourceGraph/resources` (api-version 2024-04-01, the one
 * `@azure/arm-resourcegraph` 5.x sends), for the one query Ringmaster sends: the managed clusters of the
 * given subscriptions. The request and response keep Resource Graph's shape (`options.$top` ≤ 1,000,
 * `$skipToken`, `resultFormat`; `totalRecords`, `count`, `data`, `$skipToken`, `resultTruncated`), every
 * answer reflects the world at that instant, and the per-user quota (15 queries per 5-second window, the
 * documented example) is reported in `x-ms-user-quota-remaining` / `x-ms-user-quota-resets-after` and
 * answered with 429 when exceeded. Sources: research/performance.md §4.2; azure-rest-api-specs
 * specification/resourcegraph (QueryRequest, QueryResponse).
 */
export const GRAPH_QUOTA = { queries: 15, windowMs: 5_000 } as const;
export const GRAPH_MAX_TOP = 1_000;

/** The columns a `project` may name: what a managed cluster's row in the `resources` table holds. */
const COLUMNS = [
  "id",
  "name",
  "type",
  "tenantId",
  "kind",
  "location",
  "resourceGroup",
  "subscriptionId",
  "managedBy",
  "sku",
  "plan",
  "properties",
  "tags",
  "identity",
  "zones",
  "extendedLocation",
] as const;

const QUERY =
  /^resources\s*\|\s*where\s+type\s*(?:=~|==)\s*'microsoft\.containerservice\/managedclusters'\s*(?:\|\s*project\s+([\w\s,]+?))?\s*(?:\|\s*order\s+by\s+id(?:\s+asc)?)?\s*$/i;

/** Microsoft.Maintenance assignments on managed clusters, from the `maintenanceresources` table. */
const ASSIGNMENTS_QUERY =
  /^maintenanceresources\s*\|\s*where\s+type\s*(?:=~|==)\s*'microsoft\.maintenance\/configurationassignments'\s*\|\s*where\s+id\s+contains\s+'\/providers\/microsoft\.containerservice\/managedclusters\/'\s*(?:\|\s*project\s+([\w\s,]+?))?\s*(?:\|\s*order\s+by\s+id(?:\s+asc)?)?\s*$/i;

const RequestSchema = z.object({
  subscriptions: z.array(z.string()).optional(),
  managementGroups: z.array(z.string()).optional(),
  query: z.string({ error: "query: required, a Kusto query over the resources table" }),
  options: z
    .object({
      $top: z
        .number()
        .int()
        .min(1, `options.$top: must be between 1 and ${GRAPH_MAX_TOP}`)
        .max(GRAPH_MAX_TOP, `options.$top: must be between 1 and ${GRAPH_MAX_TOP}`)
        .optional(),
      $skip: z.number().int().min(0).optional(),
      $skipToken: z.string().optional(),
      resultFormat: z.enum(["objectArray", "table"]).optional(),
      allowPartialScopes: z.boolean().optional(),
      authorizationScopeFilter: z.string().optional(),
    })
    .optional(),
  facets: z.array(z.unknown()).optional(),
});

/** One user's quota window (fixed, as the headers describe it: "resets after"). */
interface QuotaWindow {
  start: number;
  used: number;
}

export function resourceGraphRoutes(world: World): Route[] {
  const quotas = new Map<string, QuotaWindow>();
  return [
    {
      method: "POST",
      pattern: pathPattern("/providers/Microsoft.ResourceGraph/resources"),
      api: "resourceGraph.resources",
      kind: "read",
      handler: (req) => {
        const now = world.clock.now();
        const user = userOf(req);
        let quota = quotas.get(user);
        if (!quota || now - quota.start >= GRAPH_QUOTA.windowMs) {
          quota = { start: now, used: 0 };
          quotas.set(user, quota);
        }
        const resetsMs = quota.start + GRAPH_QUOTA.windowMs - now;
        if (quota.used >= GRAPH_QUOTA.queries) {
          world.records.count("throttled:429");
          world.records.count("throttled:resourceGraph");
          const seconds = Math.max(1, Math.ceil(resetsMs / 1000));
          return {
            status: 429,
            headers: {
              ...quotaHeaders(0, resetsMs),
              "Retry-After": String(seconds),
              // Retry-After is simulated time; SDKs wait in real time (as the ARM throttle says it, server.ts).
              "retry-after-ms": String(Math.ceil(resetsMs / world.clock.speed)),
              "x-ms-error-code": "RateLimiting",
            },
            body: {
              error: {
                code: "RateLimiting",
                message: `Client application has been throttled and should not attempt to repeat the request until an amount of time has elapsed (${GRAPH_QUOTA.queries} queries per ${GRAPH_QUOTA.windowMs / 1000} seconds per user; resets after ${seconds} s).`,
              },
            },
          };
        }
        quota.used++;
        const reply = answer(world, req);
        return {
          ...reply,
          headers: { ...reply.headers, ...quotaHeaders(GRAPH_QUOTA.queries - quota.used, resetsMs) },
        };
      },
    },
  ];
}

function answer(world: World, req: SimRequest): Reply {
  const parsed = RequestSchema.safeParse(req.body ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.path.join(".");
    return armError(
      400,
      "BadRequest",
      issue.message.includes(":") ? issue.message : `${path || "body"}: ${issue.message}`,
    );
  }
  const body = parsed.data;
  const assignmentsMatch = ASSIGNMENTS_QUERY.exec(body.query.trim());
  const match = assignmentsMatch ?? QUERY.exec(body.query.trim());
  if (!match)
    return armError(
      400,
      "BadRequest",
      "The simulated Resource Graph understands only Ringmaster's inventory query and its maintenance-assignment query: \"resources | where type =~ 'microsoft.containerservice/managedclusters' | project <columns>\" and \"maintenanceresources | where type =~ 'microsoft.maintenance/configurationassignments' | where id contains '/providers/microsoft.containerservice/managedclusters/' | project <columns>\" (each optionally \"| order by id asc\").",
    );
  const table: readonly string[] = assignmentsMatch ? ASSIGNMENT_COLUMNS : COLUMNS;
  const columns = match[1] ? match[1].split(",").map((c) => c.trim()) : [...table];
  const unknown = columns.find((c) => !table.includes(c));
  if (unknown)
    return armError(
      400,
      "BadRequest",
      `project: unknown column '${unknown}'; ${assignmentsMatch ? "a configuration assignment's" : "a managed cluster's"} row has ${table.join(", ")}`,
    );
  if (body.options?.resultFormat === "table")
    return armError(400, "BadRequest", "options.resultFormat: the simulator answers objectArray only");
  if (body.managementGroups?.length)
    return armError(
      400,
      "BadRequest",
      "managementGroups: the simulator scopes queries by subscriptions only",
    );

  const subs = new Set((body.subscriptions ?? []).map((s) => s.toLowerCase()));
  const rows = (
    assignmentsMatch
      ? clusterAssignmentRows(world).filter(
          (r) => subs.size === 0 || subs.has(String(r.row.subscriptionId).toLowerCase()),
        )
      : world.clusters
          .filter((c) => subs.size === 0 || subs.has(c.subscriptionId.toLowerCase()))
          .map((c) => ({ key: clusterId(c).toLowerCase(), row: rowOf(c) }))
  ).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const top = body.options?.$top ?? GRAPH_MAX_TOP;
  const after = body.options?.$skipToken ? decodeToken(body.options.$skipToken) : undefined;
  if (body.options?.$skipToken && after === undefined)
    return armError(400, "BadRequest", "options.$skipToken: not a token this service issued");
  const from = after === undefined ? (body.options?.$skip ?? 0) : rows.findIndex((r) => r.key > after);
  const rest = from < 0 ? [] : rows.slice(from);
  const page = rest.slice(0, top);
  const more = rest.length > page.length;
  // Resource Graph pages by id: without it in the projection, a long result is cut, not paged.
  const pageable = columns.includes("id");
  const data = page.map(({ row }) => Object.fromEntries(columns.map((c) => [c, row[c] ?? null])));
  return ok({
    totalRecords: rows.length,
    count: data.length,
    data,
    facets: [],
    resultTruncated: more && !pageable ? "true" : "false",
    ...(more && pageable ? { $skipToken: encodeToken(page[page.length - 1]!.key) } : {}),
  });
}

/** A managed cluster as the `resources` table holds it: ARM's resource with lower-case type and group. */
function rowOf(c: World["clusters"][number]): Record<string, unknown> {
  const arm = clusterJson(c);
  return {
    id: arm.id,
    name: arm.name,
    type: "microsoft.containerservice/managedclusters",
    tenantId: "00000000-0000-0000-0000-000000000000",
    kind: "",
    location: c.location.toLowerCase(),
    resourceGroup: c.resourceGroup.toLowerCase(),
    subscriptionId: c.subscriptionId,
    managedBy: "",
    sku: arm.sku,
    plan: null,
    properties: arm.properties,
    tags: c.tags,
    identity: { type: "SystemAssigned" },
    zones: null,
    extendedLocation: null,
  };
}

const encodeToken = (afterKey: string) =>
  Buffer.from(JSON.stringify({ after: afterKey })).toString("base64url");

function decodeToken(token: string): string | undefined {
  try {
    const v = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as { after?: unknown };
    return typeof v.after === "string" ? v.after : undefined;
  } catch {
    return undefined;
  }
}

/** The quota is per user: here, per bearer token (never kept: only its hash names the window). */
function userOf(req: SimRequest): string {
  return createHash("sha256")
    .update(req.headers.authorization ?? "")
    .digest("hex")
    .slice(0, 16);
}

function quotaHeaders(remaining: number, resetsMs: number): Record<string, string> {
  const s = Math.max(0, Math.ceil(resetsMs / 1000));
  const hh = String(Math.floor(s / 3600)).padStart(2, "0");
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, "0");
  const ss = String(s % 60).padStart(2, "0");
  return {
    "x-ms-user-quota-remaining": String(remaining),
    "x-ms-user-quota-resets-after": `${hh}:${mm}:${ss}`,
  };
}
