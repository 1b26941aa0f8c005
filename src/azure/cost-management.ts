import { z } from "zod";
import { parseClusterId } from "../domain/cluster-ref.js";
import type { ArmRestClient } from "./arm-rest.js";
import { naming } from "./errors.js";

/**
 * Cost Management's Query API over REST (arm-rest.ts; no SDK for it here): daily actual cost of one
 * subscription, grouped by resource, page after page (`nextLink`, POSTed again with the same body). The
 * answer is `properties.columns` + `properties.rows`, found by column name (Azure orders them as it
 * likes), with `UsageDate` as the number yyyymmdd. Throttling answers 429 with the
 * `x-ms-ratelimit-microsoft.costmanagement-*-retry-after` headers; the shared throttle retry (retry.ts)
 * waits that long, as every ARM client of Ringmaster's does.
 */
export const COST_API_VERSION = "2025-03-01";

/** More pages than this is the service looping on its token (at 1,000 rows a page, 2 million rows). */
const MAX_PAGES = 2000;

export interface CostRow {
  readonly resourceId: string;
  /** UTC day, YYYY-MM-DD. */
  readonly day: string;
  readonly cost: number;
  readonly currency: string;
}

/** The shape of an answer Ringmaster reads; anything else fails naming the field. */
const QueryResultSchema = z.object({
  properties: z.object(
    {
      nextLink: z.string().nullish(),
      columns: z.array(z.object({ name: z.string(), type: z.string().optional() }), {
        error: "missing; expected the query's columns",
      }),
      rows: z.array(z.array(z.unknown()), { error: "missing; expected the query's rows" }),
    },
    { error: "missing; expected the query result's properties" },
  ),
});

/** A Daily ActualCost query of `from`..`to` (YYYY-MM-DD, inclusive) grouped by ResourceId. */
export function dailyCostQuery(from: string, to: string) {
  return {
    type: "ActualCost",
    timeframe: "Custom",
    timePeriod: { from: `${from}T00:00:00Z`, to: `${to}T23:59:59Z` },
    dataset: {
      granularity: "Daily",
      aggregation: { totalCost: { name: "PreTaxCost", function: "Sum" } },
      grouping: [{ type: "Dimension", name: "ResourceId" }],
    },
  } as const;
}

/** yyyymmdd (number or text) as YYYY-MM-DD, or undefined. */
export function usageDay(value: unknown): string | undefined {
  const text = String(value);
  return /^\d{8}$/.test(text) ? `${text.slice(0, 4)}-${text.slice(4, 6)}-${text.slice(6, 8)}` : undefined;
}

export class CostManagementAdapter {
  constructor(private readonly rest: ArmRestClient) {}

  /**
   * Every page of daily cost per resource of one subscription, as it arrives: callers fold pages into
   * what they keep (activities/cost-anomalies.ts keeps per-cluster sums), so memory does not grow with
   * the number of rows.
   */
  async *dailyCostPages(subscriptionId: string, from: string, to: string): AsyncGenerator<CostRow[]> {
    const path = `/subscriptions/${subscriptionId}/providers/Microsoft.CostManagement/query`;
    const body = dailyCostQuery(from, to);
    let link: { path: string; apiVersion: string; query: Record<string, string> } = {
      path,
      apiVersion: COST_API_VERSION,
      query: {},
    };
    for (let pages = 0; ; pages++) {
      if (pages >= MAX_PAGES) throw new Error(`Cost Management returned more than ${MAX_PAGES} pages`);
      const raw = await naming(`Cost Management query of subscription ${subscriptionId}`, () =>
        this.rest.post<unknown>(link.path, link.apiVersion, body, link.query),
      );
      const parsed = QueryResultSchema.safeParse(raw);
      if (!parsed.success)
        throw new Error(
          `Cost Management query of ${subscriptionId}: unexpected answer: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
        );
      yield rowsOf(parsed.data.properties.columns, parsed.data.properties.rows);
      const next = parsed.data.properties.nextLink;
      if (!next) return;
      link = fromNextLink(next);
    }
  }

  /** All rows between two days (inclusive): for small reads; the anomaly check uses the pages. */
  async dailyCosts(subscriptionId: string, from: string, to: string): Promise<CostRow[]> {
    const out: CostRow[] = [];
    for await (const page of this.dailyCostPages(subscriptionId, from, to)) out.push(...page);
    return out;
  }
}

function rowsOf(columns: readonly { name: string }[], rows: readonly unknown[][]): CostRow[] {
  const names = columns.map((c) => c.name.toLowerCase());
  const at = (...candidates: string[]) => names.findIndex((n) => candidates.includes(n));
  const cost = at("pretaxcost", "cost", "costusd", "totalcost");
  const date = at("usagedate");
  const resource = at("resourceid");
  const currency = at("currency");
  if (cost < 0 || date < 0 || resource < 0)
    throw new Error(
      `Cost Management answered columns [${columns.map((c) => c.name).join(", ")}]; expected a cost column, UsageDate and ResourceId`,
    );
  const out: CostRow[] = [];
  for (const row of rows) {
    const day = usageDay(row[date]);
    const amount = Number(row[cost]);
    if (!day || !Number.isFinite(amount) || typeof row[resource] !== "string") continue;
    out.push({
      resourceId: row[resource],
      day,
      cost: amount,
      currency: currency >= 0 && typeof row[currency] === "string" ? row[currency] : "USD",
    });
  }
  return out;
}

/** A nextLink names the public host; its path and query go to our own endpoint (and transport). */
function fromNextLink(next: string): { path: string; apiVersion: string; query: Record<string, string> } {
  const url = new URL(next);
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) if (k !== "api-version") query[k] = v;
  return { path: url.pathname, apiVersion: url.searchParams.get("api-version") ?? COST_API_VERSION, query };
}

/** Whether a cost row is the cluster resource itself (its control plane). */
export const isClusterResource = (resourceId: string) => parseClusterId(resourceId) !== undefined;
