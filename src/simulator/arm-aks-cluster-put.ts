import { clusterJson, etag, type SimCluster } from "./aks-state.js";
import { checkUpgrade, operationNotAllowed, resolveTarget } from "./aks-rules.js";
import type { AsyncHeaders } from "./arm-aks-kit.js";
import { armError, ok, type Reply, type SimRequest } from "./http-kit.js";
import type { World } from "./world.js";

/**
 * A managed cluster PUT: settings only (tags, upgrade channels) answer at once; a version change (or a
 * reconcile of a Failed cluster) passes AKS's upgrade rules and starts an upgrade operation.
 */
export function putCluster(world: World, c: SimCluster, req: SimRequest, asyncHeaders: AsyncHeaders): Reply {
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
