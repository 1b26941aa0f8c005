import { agentPoolJson } from "./aks-state.js";
import { asyncHeaders, type RouteOf, type WithCluster } from "./arm-aks-kit.js";
import { poolUpgradeProfile } from "./arm-aks-profiles.js";
import { checkPoolUpgrade, operationNotAllowed } from "./aks-rules.js";
import { AKS, armError, ok, type Route } from "./http-kit.js";
import type { World } from "./world.js";

/** Microsoft.ContainerService agent pools of a managed cluster: list, get, PUT (upgrade), upgrade profile, node image. */
export function agentPoolRoutes(world: World, route: RouteOf, withCluster: WithCluster): Route[] {
  return [
    route(
      "GET",
      `${AKS}/agentPools`,
      "agentPools.list",
      "read",
      withCluster((c) => ok({ value: c.pools.map((p) => agentPoolJson(c, p)) })),
      { bucket: "aksOther", scope: "subscription" },
    ),
    route(
      "GET",
      `${AKS}/agentPools/{pool}`,
      "agentPools.get",
      "read",
      withCluster((c, req) => {
        const p = c.pools.find((x) => x.name.toLowerCase() === req.params.pool!.toLowerCase());
        return p
          ? ok(agentPoolJson(c, p))
          : armError(404, "NotFound", `Agent pool ${req.params.pool} was not found.`);
      }),
      { bucket: "aksOther", scope: "subscription" },
    ),
    route(
      "PUT",
      `${AKS}/agentPools/{pool}`,
      "agentPools.createOrUpdate",
      "write",
      withCluster((c, req) => {
        const p = c.pools.find((x) => x.name.toLowerCase() === req.params.pool!.toLowerCase());
        if (!p)
          return armError(
            404,
            "NotFound",
            `Agent pool ${req.params.pool} was not found; the simulator does not create pools.`,
          );
        const props =
          (req.body as { properties?: { orchestratorVersion?: string; count?: number } } | undefined)
            ?.properties ?? {};
        const target = props.orchestratorVersion ?? p.orchestratorVersion;
        if (target === p.currentOrchestratorVersion && p.provisioningState !== "Failed") {
          if (c.runningOperation) return operationNotAllowed();
          if (typeof props.count === "number") p.count = props.count;
          return ok(agentPoolJson(c, p));
        }
        const refused = checkPoolUpgrade(c, p.name, target);
        if (refused) return refused;
        const op = world.operations.startPoolUpgrade(c, p, target);
        // An update of an existing resource answers 200 (201 is for a create), still as an LRO.
        return ok(agentPoolJson(c, p), 200, asyncHeaders(c, op, req));
      }),
      { bucket: "aksPutAgentPool", scope: "pool" },
    ),
    route(
      "GET",
      `${AKS}/agentPools/{pool}/upgradeProfiles/default`,
      "agentPools.getUpgradeProfile",
      "read",
      withCluster((c, req) => {
        const p = c.pools.find((x) => x.name.toLowerCase() === req.params.pool!.toLowerCase());
        if (!p) return armError(404, "NotFound", `Agent pool ${req.params.pool} was not found.`);
        return ok(poolUpgradeProfile(world, c, p));
      }),
      { bucket: "aksOther", scope: "subscription" },
    ),
    route(
      "POST",
      `${AKS}/agentPools/{pool}/upgradeNodeImageVersion`,
      "agentPools.upgradeNodeImageVersion",
      "write",
      withCluster((c, req) => {
        const p = c.pools.find((x) => x.name.toLowerCase() === req.params.pool!.toLowerCase());
        if (!p) return armError(404, "NotFound", `Agent pool ${req.params.pool} was not found.`);
        if (c.runningOperation) return operationNotAllowed();
        const op = world.operations.startNodeImageUpgrade(c, p);
        return ok(agentPoolJson(c, p), 202, asyncHeaders(c, op, req));
      }),
      { bucket: "aksPutAgentPool", scope: "pool" },
    ),
  ];
}
