import { agentPoolJson, clusterJson, etag, type SimCluster } from "./aks-state.js";
import { maintenanceRoutes } from "./arm-aks-maintenance.js";
import type { SimOperation } from "./aks-operations.js";
import {
  checkPoolUpgrade,
  checkUpgrade,
  legalUpgrades,
  operationNotAllowed,
  resolveTarget,
} from "./aks-rules.js";
import {
  AKS,
  armError,
  ok,
  pathPattern,
  SIM_ARM_BASE,
  type Reply,
  type Route,
  type SimRequest,
} from "./http-kit.js";
import { cmp, minor, minorNumber } from "./sim-versions.js";
import type { World } from "./world.js";

/** Microsoft.ContainerService: managed clusters, agent pools, upgrade profiles, maintenance configurations (arm-aks-maintenance.ts), operations. */
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
  const apiVersion = (req: SimRequest) => req.query.get("api-version") ?? "2026-06-01";
  const asyncHeaders = (c: SimCluster, op: SimOperation, req: SimRequest) => {
    const base = `${SIM_ARM_BASE}/subscriptions/${c.subscriptionId}/providers/Microsoft.ContainerService/locations/${c.location}`;
    return {
      "Azure-AsyncOperation": `${base}/operations/${op.id}?api-version=${apiVersion(req)}`,
      Location: `${base}/operationresults/${op.id}?api-version=${apiVersion(req)}`,
    };
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
        const upgrades = world
          .availableVersions(c.location)
          .filter((v) => cmp(v, p.currentOrchestratorVersion) > 0 && cmp(v, c.currentKubernetesVersion) <= 0);
        return ok({
          id: `${agentPoolJson(c, p).id as string}/upgradeProfiles/default`,
          name: "default",
          type: "Microsoft.ContainerService/managedClusters/agentPools/upgradeProfiles",
          properties: {
            kubernetesVersion: p.currentOrchestratorVersion,
            osType: "Linux",
            upgrades: upgrades.map((v) => ({ kubernetesVersion: v, isPreview: false })),
            latestNodeImageVersion: world.latestImage(c.location, p.nodeImageVersion),
          },
        });
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
    ...maintenanceRoutes(world, route, withCluster),
    route(
      "GET",
      "/subscriptions/{sub}/providers/Microsoft.ContainerService/locations/{location}/kubernetesVersions",
      "managedClusters.listKubernetesVersions",
      "read",
      (req) => ok(kubernetesVersions(world.availableVersions(req.params.location!))),
      { bucket: "aksOther", scope: "subscription" },
    ),
    route(
      "GET",
      "/subscriptions/{sub}/providers/Microsoft.ContainerService/locations/{location}/operations/{op}",
      "operations.get",
      "read",
      (req) => {
        const op = world.operations.all.get(req.params.op!);
        // Fleet's LROs report under the same Microsoft.ContainerService operations path.
        const fleetOp = op ? undefined : world.fleetManager.operations.get(req.params.op!);
        if (fleetOp) return ok(fleetOp);
        if (!op) return armError(404, "NotFound", `Operation ${req.params.op} was not found.`);
        world.records.countCluster(op.cluster.name, "polls");
        return ok(world.operations.statusBody(op));
      },
      { bucket: "aksOperationStatus", scope: "subscription" },
    ),
    route(
      "GET",
      "/subscriptions/{sub}/providers/Microsoft.ContainerService/locations/{location}/operationresults/{op}",
      "operations.getResult",
      "read",
      (req) => {
        const op = world.operations.all.get(req.params.op!);
        if (!op) return armError(404, "NotFound", `Operation ${req.params.op} was not found.`);
        world.records.countCluster(op.cluster.name, "polls");
        if (op.status === "InProgress")
          return { status: 202, headers: { Location: `${SIM_ARM_BASE}${req.path}?${req.query.toString()}` } };
        if (op.status === "Failed" || op.status === "Canceled")
          return armError(
            400,
            op.error?.code ?? "OperationFailed",
            op.error?.message ?? "The operation failed.",
          );
        return ok({});
      },
      { bucket: "aksOperationStatus", scope: "subscription" },
    ),
  ];
}

function putCluster(
  world: World,
  c: SimCluster,
  req: SimRequest,
  asyncHeaders: (c: SimCluster, op: SimOperation, req: SimRequest) => Record<string, string>,
): Reply {
  const body = (req.body ?? {}) as {
    tags?: Record<string, string>;
    properties?: {
      kubernetesVersion?: string;
      agentPoolProfiles?: { name: string; orchestratorVersion?: string }[];
      autoUpgradeProfile?: { upgradeChannel?: string; nodeOSUpgradeChannel?: string };
      upgradeSettings?: { overrideSettings?: { forceUpgrade?: boolean; until?: string } };
    };
  };
  if (!body.properties)
    return armError(
      400,
      "InvalidParameter",
      "The request body must contain the managed cluster's properties.",
    );
  const props = body.properties;
  const available = world.availableVersions(c.location);
  const requested = props.kubernetesVersion ?? c.kubernetesVersion;
  const target = resolveTarget(requested, available) ?? requested;
  const poolTargets = new Map<string, string>();
  for (const p of props.agentPoolProfiles ?? []) {
    const existing = c.pools.find((x) => x.name === p.name);
    if (!existing)
      return armError(
        400,
        "InvalidParameter",
        `Agent pool ${p.name} does not exist; the simulator does not add pools through the managed cluster.`,
      );
    poolTargets.set(p.name, p.orchestratorVersion ?? existing.orchestratorVersion);
  }
  const override = props.upgradeSettings?.overrideSettings;
  const forceUpgrade =
    override?.forceUpgrade === true && !!override.until && Date.parse(override.until) > world.clock.now();
  const versionsChange =
    target !== c.currentKubernetesVersion ||
    [...poolTargets].some(
      ([name, v]) => c.pools.find((p) => p.name === name)!.currentOrchestratorVersion !== v,
    );
  const reconcile = c.provisioningState === "Failed";
  if (!versionsChange && !reconcile) {
    if (c.runningOperation) return operationNotAllowed();
    applySettings(c, body);
    return ok(clusterJson(c));
  }
  const refused = checkUpgrade(c, { target, poolTargets, forceUpgrade }, available);
  if (refused) return refused;
  applySettings(c, body);
  const op = world.operations.startUpgrade(c, target, poolTargets);
  // The cluster exists, so this PUT is an update: AKS answers 200 with the LRO headers (201 only on create;
  // azure-rest-api-specs ManagedClustersCreate_Update.json shows 200 for the update, 201 for the create).
  return ok(clusterJson(c), 200, asyncHeaders(c, op, req));
}

function applySettings(
  c: SimCluster,
  body: {
    tags?: Record<string, string>;
    properties?: { autoUpgradeProfile?: { upgradeChannel?: string; nodeOSUpgradeChannel?: string } };
  },
): void {
  if (body.tags) c.tags = { ...body.tags };
  const auto = body.properties?.autoUpgradeProfile;
  if (auto?.upgradeChannel) c.upgradeChannel = auto.upgradeChannel;
  if (auto?.nodeOSUpgradeChannel) c.nodeOSUpgradeChannel = auto.nodeOSUpgradeChannel;
  c.eTag = etag();
}

function upgradeProfile(world: World, c: SimCluster): Record<string, unknown> {
  const available = world.availableVersions(c.location);
  const upgrades = legalUpgrades(c, available).map((v) => ({ kubernetesVersion: v, isPreview: false }));
  return {
    id: `${clusterJson(c).id as string}/upgradeProfiles/default`,
    name: "default",
    type: "Microsoft.ContainerService/managedClusters/upgradeProfiles",
    properties: {
      controlPlaneProfile: {
        kubernetesVersion: c.currentKubernetesVersion,
        // `name` is "The Agent Pool name" (ManagedClusterPoolUpgradeProfile); the control plane has none.
        // Captured `az aks get-upgrades` output shows null; the REST spec example's "master" is a sample
        // value, and nothing documents "default" here (that is the upgrade profile resource's own name).
        name: null,
        osType: "Linux",
        upgrades,
      },
      agentPoolProfiles: c.pools.map((p) => ({
        kubernetesVersion: p.currentOrchestratorVersion,
        name: p.name,
        osType: "Linux",
        upgrades: available
          .filter((v) => cmp(v, p.currentOrchestratorVersion) > 0 && cmp(v, c.currentKubernetesVersion) <= 0)
          .map((v) => ({ kubernetesVersion: v })),
      })),
    },
  };
}

function kubernetesVersions(available: readonly string[]): Record<string, unknown> {
  const minors = [...new Set(available.map(minor))].sort(cmp);
  const newest = minors[minors.length - 1];
  return {
    values: minors.map((m) => ({
      version: m,
      isDefault: m === (minors[minors.length - 2] ?? newest),
      isPreview: false,
      capabilities: { supportPlan: ["KubernetesOfficial"] },
      patchVersions: Object.fromEntries(
        available
          .filter((v) => minor(v) === m)
          .map((v) => [
            v,
            { upgrades: available.filter((u) => cmp(u, v) > 0 && minorNumber(u) - minorNumber(v) <= 1) },
          ]),
      ),
    })),
  };
}
