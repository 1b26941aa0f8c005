import type { Fleet } from "./fleet-schema.js";

/**
 * Cross-field rules of a fleet file that zod cannot say per field. A fault that can never fire, or a
 * cluster listed twice, makes a test or a demo silently prove nothing, so each is refused with its path.
 */

/** Every API name the simulator serves (route `api` names plus Communication Services' send). */
export const SIMULATED_APIS: ReadonlySet<string> = new Set([
  "managedClusters.list",
  "managedClusters.listByResourceGroup",
  "managedClusters.get",
  "managedClusters.createOrUpdate",
  "managedClusters.updateTags",
  "managedClusters.getUpgradeProfile",
  "managedClusters.abortLatestOperation",
  "managedClusters.listKubernetesVersions",
  "agentPools.list",
  "agentPools.get",
  "agentPools.createOrUpdate",
  "agentPools.getUpgradeProfile",
  "agentPools.upgradeNodeImageVersion",
  "maintenanceConfigurations.listByManagedCluster",
  "maintenanceConfigurations.get",
  "maintenanceConfigurations.createOrUpdate",
  "maintenanceConfigurations.delete",
  "operations.get",
  "operations.getResult",
  "fleets.get",
  "fleetMembers.listByFleet",
  "fleetMembers.get",
  "fleetMembers.update",
  "fleetUpdateStrategies.createOrUpdate",
  "fleetUpdateStrategies.get",
  "updateRuns.createOrUpdate",
  "updateRuns.get",
  "updateRuns.listByFleet",
  "updateRuns.start",
  "updateRuns.stop",
  "updateRuns.skip",
  "gates.listByFleet",
  "gates.get",
  "gates.update",
  "configurationAssignments.list",
  "configurationAssignments.get",
  "configurationAssignments.createOrUpdate",
  "configurationAssignments.delete",
  "publicMaintenanceConfigurations.list",
  "publicMaintenanceConfigurations.get",
  "resourceGraph.resources",
  "costManagement.query",
  "alerts.getAll",
  "emails.send",
]);

/** Error codes an operation fault may fail with: the AKS upgrade failures its troubleshooting guides name. */
export const OPERATION_ERROR_CODES: ReadonlySet<string> = new Set([
  "PodDrainFailure",
  "UpgradeFailed",
  "VMExtensionProvisioningError",
  "K8sAPIServerConnFailVMExtensionError",
  "AllocationFailed",
  "ZonalAllocationFailed",
  "OverconstrainedAllocationRequest",
  "SubnetIsFull",
  "QuotaExceeded",
  "InternalOperationError",
]);

/** Event types the simulator raises; an event fault's `eventType` must end one of them (as it is matched). */
const EVENT_TYPES = [
  "Microsoft.ContainerService.NewKubernetesVersionAvailable",
  "Microsoft.ContainerService.ClusterSupportEnding",
  "Microsoft.ContainerService.ClusterSupportEnded",
  "Microsoft.ContainerService.NodePoolRollingStarted",
  "Microsoft.ContainerService.NodePoolRollingSucceeded",
  "Microsoft.ContainerService.NodePoolRollingFailed",
];

const OPERATION_FIELDS = ["cluster", "pool", "on", "error", "message", "slowMinutes"] as const;
const API_FIELDS = ["api", "status", "retryAfterSeconds"] as const;
const EVENT_FIELDS = ["event", "eventType"] as const;

type Fault = Fleet["faults"][number];

const list = (names: Iterable<string>) => [...names].join(", ");

function faultProblems(fault: Fault, at: string, clusters: ReadonlyMap<string, Set<string>>): string[] {
  const has = (fields: readonly (keyof Fault)[]) => fields.filter((f) => fault[f] !== undefined);
  const kinds = [
    has(OPERATION_FIELDS).length ? "operation (cluster, pool, on, error, slowMinutes)" : undefined,
    has(API_FIELDS).length ? "API (api, status, retryAfterSeconds)" : undefined,
    has(EVENT_FIELDS).length ? "event (event, eventType)" : undefined,
  ].filter((k): k is string => k !== undefined);
  if (kinds.length !== 1) {
    return [
      kinds.length === 0
        ? `${at}: a fault must say what fails: an operation (cluster + error or slowMinutes), an API (api + status) or events (event)`
        : `${at}: mixes fields of different fault kinds (${kinds.join("; ")}); write one fault per kind`,
    ];
  }
  const problems: string[] = [];
  if (fault.api !== undefined || fault.status !== undefined) {
    if (fault.api === undefined) problems.push(`${at}.api: required with status (which API answers it)`);
    else if (!SIMULATED_APIS.has(fault.api))
      problems.push(
        `${at}.api: "${fault.api}" is not an API the simulator serves (known: ${list(SIMULATED_APIS)})`,
      );
    if (fault.status === undefined) problems.push(`${at}.status: required with api, e.g. 429 or 503`);
    else if (fault.status < 400 || fault.status > 599)
      problems.push(
        `${at}.status: ${fault.status} is not an error status; expected 400-599, e.g. 429 or 503`,
      );
  } else if (fault.event !== undefined || fault.eventType !== undefined) {
    if (fault.event === undefined)
      problems.push(`${at}.event: required with eventType: "lost" or "duplicate"`);
    const type = fault.eventType?.toLowerCase();
    if (type !== undefined && !EVENT_TYPES.some((t) => t.toLowerCase().endsWith(type)))
      problems.push(
        `${at}.eventType: "${fault.eventType}" is no event the simulator raises (known: ${list(EVENT_TYPES)})`,
      );
  } else {
    const pools = fault.cluster === undefined ? undefined : clusters.get(fault.cluster.toLowerCase());
    if (fault.cluster === undefined)
      problems.push(`${at}.cluster: required: the cluster whose operation fails`);
    else if (!pools) problems.push(`${at}.cluster: "${fault.cluster}" is not a cluster of this fleet file`);
    else if (fault.pool !== undefined && !pools.has(fault.pool.toLowerCase()))
      problems.push(
        `${at}.pool: "${fault.pool}" is not a node pool of ${fault.cluster} (pools: ${list(pools)})`,
      );
    if (fault.pool !== undefined && fault.on === "controlPlane")
      problems.push(`${at}.pool: a controlPlane fault has no pool`);
    if (fault.error === undefined && fault.slowMinutes === undefined)
      problems.push(`${at}: an operation fault needs error (a failure) or slowMinutes (a slow operation)`);
    if (fault.error !== undefined && !OPERATION_ERROR_CODES.has(fault.error))
      problems.push(
        `${at}.error: "${fault.error}" is not an AKS operation error the simulator raises (known: ${list(OPERATION_ERROR_CODES)})`,
      );
  }
  return problems;
}

/** Every problem of an already schema-valid fleet, each starting with its path. */
export function fleetProblems(fleet: Fleet): string[] {
  const problems: string[] = [];
  const byName = new Map<string, string>();
  const pools = new Map<string, Set<string>>();
  const subs = new Map<string, number>();
  fleet.subscriptions.forEach((sub, i) => {
    const first = subs.get(sub.id.toLowerCase());
    if (first !== undefined)
      problems.push(`subscriptions[${i}].id: "${sub.id}" is already subscriptions[${first}]; list it once`);
    else subs.set(sub.id.toLowerCase(), i);
    sub.clusters.forEach((c, j) => {
      const at = `subscriptions[${i}].clusters[${j}]`;
      const key = c.name.toLowerCase();
      const earlier = byName.get(key);
      // Faults, alerts, costs and fleet members name clusters by name alone, so a name is one cluster.
      if (earlier !== undefined)
        problems.push(
          `${at}.name: "${c.name}" is already the name of ${earlier}; cluster names must be unique`,
        );
      else byName.set(key, at);
      const poolNames = new Set<string>();
      c.nodePools.forEach((p, k) => {
        if (poolNames.has(p.name.toLowerCase()))
          problems.push(`${at}.nodePools[${k}].name: "${p.name}" is listed twice in ${c.name}`);
        poolNames.add(p.name.toLowerCase());
      });
      if (earlier === undefined) pools.set(key, poolNames);
    });
  });
  fleet.faults.forEach((f, i) => problems.push(...faultProblems(f, `faults[${i}]`, pools)));
  const known = (name: string, at: string) => {
    if (!pools.has(name.toLowerCase())) problems.push(`${at}: "${name}" is not a cluster of this fleet file`);
  };
  fleet.alerts.forEach((a, i) => known(a.cluster, `alerts[${i}].cluster`));
  fleet.costs.spikes.forEach((s, i) => {
    known(s.cluster, `costs.spikes[${i}].cluster`);
    const own = pools.get(s.cluster.toLowerCase());
    s.pools?.forEach((p, j) => {
      if (own && !own.has(p.toLowerCase()))
        problems.push(
          `costs.spikes[${i}].pools[${j}]: "${p}" is not a pool of ${s.cluster} (${[...own].join(", ")})`,
        );
    });
  });
  fleet.fleets.forEach((f, i) =>
    f.members.forEach((m, j) => known(m.cluster, `fleets[${i}].members[${j}].cluster`)),
  );
  return problems;
}
