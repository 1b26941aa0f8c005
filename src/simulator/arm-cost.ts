import { z } from "zod";
import { clusterId } from "./aks-state.js";
import type { Fleet } from "./fleet-schema.js";
import { armError, ok, pathPattern, type Reply, type Route, type SimRequest } from "./http-kit.js";
import { mulberry32 } from "./seeded-random.js";
import type { World } from "./world.js";

/**
 * Cost Management's Query API (`POST /subscriptions/{id}/providers/Microsoft.CostManagement/query`) over
 * the fleet file's cost model (fleet-schema.ts `costs`): daily cost per resource or per resource group,
 * `columns` + `rows` with `UsageDate` as the number yyyymmdd, pages of `pageSize` rows linked by `nextLink`
 * (POSTed again with the same body, as Azure does), only days whose data has landed, and Cost Management's
 * own throttle, which answers 429 with `x-ms-ratelimit-microsoft.costmanagement-*-retry-after` (seconds)
 * and no Retry-After.
 */
const DAY_MS = 86_400_000;
const QUERY_PATH = "/subscriptions/{sub}/providers/Microsoft.CostManagement/query";

const QueryBodySchema = z.object({
  type: z.enum(["ActualCost", "AmortizedCost", "Usage"]),
  timeframe: z.literal("Custom", { error: "only timeframe Custom is simulated; send timePeriod" }),
  timePeriod: z.object({ from: z.string(), to: z.string() }),
  dataset: z.object({
    granularity: z.literal("Daily", { error: "only granularity Daily is simulated" }),
    aggregation: z.record(z.string(), z.object({ name: z.string(), function: z.literal("Sum") })).optional(),
    grouping: z
      .array(z.object({ type: z.literal("Dimension"), name: z.enum(["ResourceId", "ResourceGroupName"]) }))
      .max(2, { error: "at most two groupings" })
      .default([]),
  }),
});

interface CostResource {
  readonly id: string;
  readonly group: string;
  readonly cluster: string;
  readonly pool?: string;
  readonly perDay: number;
}

/** The resources a subscription's clusters bill for, from the fleet file (not the live pool sizes). */
function resourcesOf(fleet: Fleet, sub: string): CostResource[] {
  const costs = fleet.costs;
  const subscription = fleet.subscriptions.find((s) => s.id.toLowerCase() === sub.toLowerCase());
  return (subscription?.clusters ?? []).flatMap((c) => {
    const nodeGroup = `MC_${c.resourceGroup}_${c.name}_${c.location}`;
    const inGroup = `/subscriptions/${subscription!.id}/resourceGroups/${nodeGroup}/providers`;
    return [
      {
        id: clusterId({ subscriptionId: subscription!.id, resourceGroup: c.resourceGroup, name: c.name }),
        group: c.resourceGroup,
        cluster: c.name,
        perDay: costs.controlPlaneHour * 24,
      },
      ...c.nodePools.map((p) => ({
        id: `${inGroup}/Microsoft.Compute/virtualMachineScaleSets/aks-${p.name}-vmss`,
        group: nodeGroup,
        cluster: c.name,
        pool: p.name,
        perDay: p.count * costs.perNodeHour * 24,
      })),
      {
        id: `${inGroup}/Microsoft.Network/loadBalancers/kubernetes`,
        group: nodeGroup,
        cluster: c.name,
        perDay: costs.loadBalancerDay,
      },
    ];
  });
}

const FNV_OFFSET = 0x811c9dc5;

/** FNV-1a over `text`, continuing from `h` (FNV-1a is a stream: hash(a + b) = fnv(fnv(offset, a), b)). */
function fnv(h: number, text: string): number {
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h;
}

/** FNV-1a, to seed one draw per resource and day. */
function hash(text: string): number {
  return fnv(FNV_OFFSET, text) >>> 0;
}

/**
 * The cost of any resource on one day (ms at 00:00 UTC). What does not depend on the resource — the
 * date, the weekday factor, the spikes active that day — is worked out once per day, and each resource's
 * hash prefix (`seed|id|`) once per resource: a 5,000-cluster query prices about 20,000 resources on 29
 * days, and this was most of the simulator's time. The arithmetic and its order are resourceDayCost's.
 */
function dayPricer(
  fleet: Fleet,
  dayMs: number,
  prefixes: Map<CostResource, number>,
): (r: CostResource) => number {
  const costs = fleet.costs;
  const day = new Date(dayMs).toISOString().slice(0, 10);
  const weekday = costs.weekday[(new Date(dayMs).getUTCDay() + 6) % 7]!;
  const spikes = costs.spikes
    .filter((s) => {
      const start = Date.parse(`${s.day}T00:00:00Z`);
      return dayMs >= start && dayMs < start + s.days * DAY_MS;
    })
    .map((s) => ({
      cluster: s.cluster.toLowerCase(),
      pools: s.pools?.map((p) => p.toLowerCase()),
      factor: s.factor,
    }));
  return (r) => {
    let noise = 0;
    if (costs.noise) {
      let prefix = prefixes.get(r);
      if (prefix === undefined) {
        prefix = fnv(FNV_OFFSET, `${costs.seed}|${r.id}|`);
        prefixes.set(r, prefix);
      }
      noise = (mulberry32(fnv(prefix, day) >>> 0)() * 2 - 1) * costs.noise;
    }
    let cost = r.perDay * weekday * (1 + noise);
    if (spikes.length > 0 && r.pool !== undefined) {
      const cluster = r.cluster.toLowerCase();
      const pool = r.pool.toLowerCase();
      for (const s of spikes)
        if (s.cluster === cluster && (!s.pools || s.pools.includes(pool))) cost *= s.factor;
    }
    return Math.round(cost * 100) / 100;
  };
}

/** One resource's cost on one day (ms at 00:00 UTC). */
export function resourceDayCost(fleet: Fleet, r: CostResource, dayMs: number): number {
  return dayPricer(fleet, dayMs, new Map())(r);
}

export function costRoutes(world: World): Route[] {
  const costs = world.fleet.costs;
  // The rows of the last query, so its pages (the same body POSTed to each nextLink) are sliced, not rebuilt.
  const cache: RowCache = { key: "", rows: [] };
  return [
    {
      method: "POST",
      pattern: pathPattern(QUERY_PATH),
      api: "costManagement.query",
      kind: "read",
      handler: (req) => {
        const spec = { size: costs.queriesPerMinute, refillPerSecond: costs.queriesPerMinute / 60 };
        const wait = world.throttle.take("costmanagement:tenant", spec);
        if (wait !== undefined) {
          world.records.countThrottled("costmanagement-qpu");
          return {
            ...armError(429, "429", `Too many requests. Please retry after ${wait} seconds.`),
            headers: {
              "x-ms-error-code": "429",
              "x-ms-ratelimit-microsoft.costmanagement-qpu-retry-after": String(wait),
              "x-ms-ratelimit-microsoft.costmanagement-qpu-remaining": "QueryQpu:0",
            },
          };
        }
        return query(world, req, cache);
      },
    },
  ];
}

interface RowCache {
  key: string;
  rows: unknown[][];
}

function query(world: World, req: SimRequest, cache: RowCache): Reply {
  const parsed = QueryBodySchema.safeParse(req.body);
  if (!parsed.success)
    return armError(
      400,
      "BadRequest",
      `Invalid query: ${parsed.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; ")}`,
    );
  const body = parsed.data;
  const from = Date.parse(body.timePeriod.from);
  const to = Date.parse(body.timePeriod.to);
  if (Number.isNaN(from) || Number.isNaN(to) || from > to)
    return armError(400, "BadRequest", "timePeriod.from and timePeriod.to: ISO dates, from before to");
  const sub = req.params.sub!;
  const fleet = world.fleet;
  const costs = fleet.costs;
  const byGroup = body.dataset.grouping.map((g) => g.name);
  const costColumn = Object.values(body.dataset.aggregation ?? {})[0]?.name ?? "Cost";
  // A day has landed once its end plus the latency has passed; later days have no rows yet.
  const landedBefore = world.clock.now() - costs.dataLatencyHours * 3_600_000;
  const key = `${sub.toLowerCase()}|${Math.floor(landedBefore / DAY_MS)}|${JSON.stringify(body)}`;
  if (cache.key !== key) {
    cache.key = key;
    cache.rows = buildRows(fleet, sub, from, to, landedBefore, byGroup);
  }
  const rows = cache.rows;
  const offset = skipOffset(req.query.get("$skiptoken"));
  const page = rows.slice(offset, offset + costs.pageSize);
  const next = offset + costs.pageSize < rows.length ? offset + costs.pageSize : undefined;
  const version = req.query.get("api-version") ?? "";
  return ok({
    id: `subscriptions/${sub}/providers/Microsoft.CostManagement/query/${hash(JSON.stringify(body)).toString(16)}`,
    name: hash(JSON.stringify(body)).toString(16),
    type: "Microsoft.CostManagement/query",
    properties: {
      nextLink:
        next === undefined
          ? null
          : `${req.origin}${QUERY_PATH.replace("{sub}", sub)}?api-version=${encodeURIComponent(version)}&$skiptoken=${Buffer.from(JSON.stringify({ offset: next })).toString("base64url")}`,
      columns: [
        { name: costColumn, type: "Number" },
        { name: "UsageDate", type: "Number" },
        ...byGroup.map((g) => ({ name: g, type: "String" })),
        { name: "Currency", type: "String" },
      ],
      rows: page,
    },
  });
}

function skipOffset(token: string | null): number {
  if (!token) return 0;
  try {
    const offset = (JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as { offset?: unknown })
      .offset;
    return typeof offset === "number" && Number.isInteger(offset) && offset >= 0 ? offset : 0;
  } catch {
    return 0;
  }
}

function buildRows(
  fleet: Fleet,
  sub: string,
  from: number,
  to: number,
  landedBefore: number,
  byGroup: readonly string[],
): unknown[][] {
  const costs = fleet.costs;
  const rows: unknown[][] = [];
  const resources = resourcesOf(fleet, sub);
  // Each resource's grouping key and hash prefix are the same on every day.
  const keys = resources.map((r) =>
    byGroup.map((g) => (g === "ResourceId" ? r.id.toLowerCase() : r.group.toLowerCase())).join("|"),
  );
  const prefixes = new Map<CostResource, number>();
  for (
    let day = Math.floor(from / DAY_MS) * DAY_MS;
    day <= to && day + DAY_MS <= landedBefore;
    day += DAY_MS
  ) {
    const date = Number(new Date(day).toISOString().slice(0, 10).replaceAll("-", ""));
    const price = dayPricer(fleet, day, prefixes);
    const sums = new Map<string, number>();
    for (let i = 0; i < resources.length; i++) {
      const key = keys[i]!;
      sums.set(key, (sums.get(key) ?? 0) + price(resources[i]!));
    }
    for (const [key, sum] of sums)
      rows.push([Math.round(sum * 100) / 100, date, ...(key ? key.split("|") : []), costs.currency]);
  }
  return rows;
}
