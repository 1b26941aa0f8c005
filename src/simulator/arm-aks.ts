import { clusterJson, etag, type SimCluster } from "./aks-state.js";
import { putCluster } from "./arm-aks-cluster-put.js";
import { asyncHeaders } from "./arm-aks-kit.js";
import { maintenanceRoutes } from "./arm-aks-maintenance.js";
import { operationRoutes } from "./arm-aks-operations.js";
import { agentPoolRoutes } from "./arm-aks-pools.js";
import { kubernetesVersions, upgradeProfile } from "./arm-aks-profiles.js";
import { AKS, armError, ok, pathPattern, type Reply, type Route, type SimRequest } from "./http-kit.js";
import type { World } from "./world.js";

/**
 * Microsoft.ContainerService: managed clusters (here), agent pools (arm-aks-pools.ts), upgrade profiles
 * (arm-aks-profiles.ts), maintenance configurations (arm-aks-maintenance.ts), operations (arm-aks-operations.ts).
 */
export function aksRoutes(world: World): Route[] {
  const find = (req: SimRequest): SimCluster | undefined =>
    world.cluster(req.params.sub!, req.params.rg!, req.params.cluster!);
  const notFound = (req: SimRequest) =>
    armError(
      404,
      "ResourceNotFound",
      `The Resource 'Microsoft.ContainerService/managedClusters/${req.params.cluster}' under resource group '${req.params.rg}' was not found.`,
    );
  const withCluster = (fn: (c: SimCluster, req: SimRequest) => Reply) => (req: SimRequest) => {
    const c = find(req);
    return c ? fn(c, req) : notFound(req);
  };
  const route = (
    method: string,
    template: string,
    api: string,
    kind: Route["kind"],
    handler: Route["handler"],
    aks?: Route["aks"],
  ): Route => ({
    method,
    pattern: pathPattern(template),
    api,
    kind,
    handler,
    ...(aks ? { aks } : {}),
  });

  return [
    route(
      "GET",
      "/subscriptions/{sub}/providers/Microsoft.ContainerService/managedClusters",
      "managedClusters.list",
      "read",
      (req) =>
        ok({
          value: world.clusters
            .filter((c) => c.subscriptionId.toLowerCase() === req.params.sub!.toLowerCase())
            .map(clusterJson),
        }),
      { bucket: "aksListSubscription", scope: "subscription" },
    ),
    route(
      "GET",
      "/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.ContainerService/managedClusters",
      "managedClusters.listByResourceGroup",
      "read",
      (req) =>
        ok({
          value: world.clusters
            .filter(
              (c) =>
                c.subscriptionId.toLowerCase() === req.params.sub!.toLowerCase() &&
                c.resourceGroup.toLowerCase() === req.params.rg!.toLowerCase(),
            )
            .map(clusterJson),
        }),
      { bucket: "aksListSubscription", scope: "subscription" },
    ),
    route(
      "GET",
      AKS,
      "managedClusters.get",
      "read",
      withCluster((c) => ok(clusterJson(c))),
      { bucket: "aksGetManagedCluster", scope: "cluster" },
    ),
    route(
      "PUT",
      AKS,
      "managedClusters.createOrUpdate",
      "write",
      withCluster((c, req) => putCluster(world, c, req, asyncHeaders)),
      { bucket: "aksPutManagedCluster", scope: "cluster" },
    ),
    route(
      "PATCH",
      AKS,
      "managedClusters.updateTags",
      "write",
      withCluster((c, req) => {
        const tags = (req.body as { tags?: Record<string, string> } | undefined)?.tags;
        if (tags) c.tags = { ...tags };
        c.eTag = etag();
        return ok(clusterJson(c));
      }),
      { bucket: "aksPutManagedCluster", scope: "cluster" },
    ),
    route(
      "GET",
      `${AKS}/upgradeProfiles/default`,
      "managedClusters.getUpgradeProfile",
      "read",
      withCluster((c) => ok(upgradeProfile(world, c))),
      { bucket: "aksOther", scope: "subscription" },
    ),
    route(
      "POST",
      `${AKS}/abort`,
      "managedClusters.abortLatestOperation",
      "write",
      withCluster((c) => {
        const op = world.operations.abort(c);
        return op
          ? { status: 204 }
          : armError(
              409,
              "OperationNotAllowed",
              "There is no operation in progress to abort on this managed cluster.",
            );
      }),
      { bucket: "aksOther", scope: "subscription" },
    ),
    ...agentPoolRoutes(world, route, withCluster),
    ...maintenanceRoutes(world, route, withCluster),
    route(
      "GET",
      "/subscriptions/{sub}/providers/Microsoft.ContainerService/locations/{location}/kubernetesVersions",
      "managedClusters.listKubernetesVersions",
      "read",
      (req) => ok(kubernetesVersions(world.availableVersions(req.params.location!))),
      { bucket: "aksOther", scope: "subscription" },
    ),
    ...operationRoutes(world, route),
  ];
}
