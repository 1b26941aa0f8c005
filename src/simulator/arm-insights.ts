import { clusterId } from "./aks-state.js";
import { armError, ok, pathPattern, type Route } from "./http-kit.js";
import type { World } from "./world.js";

/** Azure Monitor's alert `timeRange` values, in hours (the API's default is a day). */
const ALERT_TIME_RANGES: Readonly<Record<string, number>> = { "1h": 1, "1d": 24, "7d": 168, "30d": 720 };

/**
 * The read-side services Ringmaster queries besides Resource Graph (arm-resourcegraph.ts): Cost
 * Management daily cost per cluster, and fired Azure Monitor alerts for a cluster.
 */
const DAY = 86_400_000;

export function insightRoutes(world: World): Route[] {
  return [
    {
      method: "POST",
      pattern: pathPattern("/subscriptions/{sub}/providers/Microsoft.CostManagement/query"),
      api: "costManagement.query",
      kind: "read",
      handler: (req) => {
        const body = (req.body ?? {}) as { timePeriod?: { from?: string; to?: string } };
        const from = Date.parse(body.timePeriod?.from ?? "");
        const to = Date.parse(body.timePeriod?.to ?? "");
        if (Number.isNaN(from) || Number.isNaN(to))
          return armError(
            400,
            "BadRequest",
            "timePeriod.from and timePeriod.to: required ISO dates (timeframe Custom)",
          );
        const costs = world.fleet.costs;
        const rows: unknown[][] = [];
        for (let day = Math.floor(from / DAY) * DAY; day <= to; day += DAY) {
          const date = new Date(day).toISOString().slice(0, 10);
          for (const c of world.clusters.filter(
            (x) => x.subscriptionId.toLowerCase() === req.params.sub!.toLowerCase(),
          )) {
            const nodes = c.pools.reduce((n, p) => n + p.count, 0);
            const spike =
              costs.spikes.find((s) => s.cluster.toLowerCase() === c.name.toLowerCase() && s.day === date)
                ?.factor ?? 1;
            rows.push([
              Math.round(nodes * costs.perNodeHour * 24 * spike * 100) / 100,
              Number(date.replaceAll("-", "")),
              clusterId(c).toLowerCase(),
              costs.currency,
            ]);
          }
        }
        return ok({
          id: `subscriptions/${req.params.sub}/providers/Microsoft.CostManagement/query/sim`,
          type: "Microsoft.CostManagement/query",
          properties: {
            nextLink: null,
            columns: [
              { name: "Cost", type: "Number" },
              { name: "UsageDate", type: "Number" },
              { name: "ResourceId", type: "String" },
              { name: "Currency", type: "String" },
            ],
            rows,
          },
        });
      },
    },
    {
      method: "GET",
      pattern: pathPattern("/subscriptions/{sub}/providers/Microsoft.AlertsManagement/alerts"),
      api: "alerts.getAll",
      kind: "read",
      handler: (req) => {
        const target = (req.query.get("targetResource") ?? "").toLowerCase();
        const range = req.query.get("timeRange") ?? "1d";
        const hours = ALERT_TIME_RANGES[range];
        if (hours === undefined)
          return armError(
            400,
            "InvalidParameter",
            `timeRange '${range}' is not valid; use one of ${Object.keys(ALERT_TIME_RANGES).join(", ")}.`,
          );
        const now = world.clock.now();
        const value = world.fleet.alerts
          .map((a, i) => ({
            a,
            i,
            c: world.clusters.find((c) => c.name.toLowerCase() === a.cluster.toLowerCase()),
          }))
          .filter(
            ({ a, c }) =>
              c &&
              (!target || clusterId(c).toLowerCase() === target) &&
              Date.parse(a.at) <= now &&
              Date.parse(a.at) + a.minutes * 60_000 >= now - hours * 3_600_000,
          )
          .map(({ a, i, c }) => {
            const start = Date.parse(a.at);
            const resolved = start + a.minutes * 60_000 <= now;
            return {
              id: `/subscriptions/${req.params.sub}/providers/Microsoft.AlertsManagement/alerts/sim-${i}`,
              name: a.rule,
              type: "Microsoft.AlertsManagement/alerts",
              properties: {
                essentials: {
                  severity: a.severity,
                  signalType: "Metric",
                  alertState: resolved ? "Closed" : "New",
                  monitorCondition: resolved ? "Resolved" : "Fired",
                  targetResource: clusterId(c!),
                  targetResourceType: "managedclusters",
                  alertRule: a.rule,
                  startDateTime: new Date(start).toISOString(),
                  lastModifiedDateTime: new Date(resolved ? start + a.minutes * 60_000 : start).toISOString(),
                  ...(resolved
                    ? { monitorConditionResolvedDateTime: new Date(start + a.minutes * 60_000).toISOString() }
                    : {}),
                },
              },
            };
          });
        return ok({ value });
      },
    },
  ];
}
