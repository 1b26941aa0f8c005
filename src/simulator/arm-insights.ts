import { clusterId } from "./aks-state.js";
import { armError, ok, pathPattern, type Route } from "./http-kit.js";
import type { World } from "./world.js";

/** Azure Monitor's alert `timeRange` values, in hours (the API's default is a day). */
const ALERT_TIME_RANGES: Readonly<Record<string, number>> = { "1h": 1, "1d": 24, "7d": 168, "30d": 720 };

/**
 * The read-side services Ringmaster queries besides Resource Graph (arm-resourcegraph.ts) and Cost
 * Management (arm-cost.ts): fired Azure Monitor alerts for a cluster.
 */

export function insightRoutes(world: World): Route[] {
  return [
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
