import { AKS, armError, ok, pathPattern, type Route } from "./http-kit.js";
import { PUBLIC_CONFIGS, publicConfigId, publicConfigJson } from "./arg-maintenance.js";
import type { World } from "./world.js";

/**
 * Microsoft.Maintenance (REST 2023-04-01): configuration assignments on a managed cluster, and the public
 * configurations AKS once used for weekly releases (`aks-mrp-cfg-*`, arg-maintenance.ts), at the shapes of
 * research/aks-apis.md §5. A fleet file's `maintenanceAssignments` are there from the start.
 */
export function seedAssignments(world: World): void {
  for (const sub of world.fleet.subscriptions)
    for (const c of sub.clusters)
      for (const a of c.maintenanceAssignments ?? []) {
        const name = a.name ?? a.configuration;
        const resourceId = `/subscriptions/${sub.id}/resourceGroups/${c.resourceGroup}/providers/Microsoft.ContainerService/managedClusters/${c.name}`;
        const id = `${resourceId}/providers/Microsoft.Maintenance/configurationAssignments/${name}`;
        world.assignments.set(id.toLowerCase(), {
          id,
          name,
          type: "Microsoft.Maintenance/configurationAssignments",
          location: c.location,
          properties: { maintenanceConfigurationId: publicConfigId(sub.id, a.configuration), resourceId },
        });
      }
}

export function maintenanceRoutes(world: World): Route[] {
  const ASSIGNMENTS = `${AKS}/providers/Microsoft.Maintenance/configurationAssignments`;
  const cluster = (p: Record<string, string>) => world.cluster(p.sub!, p.rg!, p.cluster!);
  return [
    {
      method: "GET",
      pattern: pathPattern(ASSIGNMENTS),
      api: "configurationAssignments.list",
      kind: "read",
      handler: (req) => {
        const c = cluster(req.params);
        if (!c) return armError(404, "ResourceNotFound", "managed cluster not found");
        const prefix = `${req.path.toLowerCase()}/`;
        return ok({
          value: [...world.assignments.entries()].filter(([id]) => id.startsWith(prefix)).map(([, a]) => a),
        });
      },
    },
    {
      method: "GET",
      pattern: pathPattern(`${ASSIGNMENTS}/{name}`),
      api: "configurationAssignments.get",
      kind: "read",
      handler: (req) => {
        const a = world.assignments.get(req.path.toLowerCase());
        return a
          ? ok(a)
          : armError(404, "NotFound", `Configuration assignment ${req.params.name} was not found.`);
      },
    },
    {
      method: "PUT",
      pattern: pathPattern(`${ASSIGNMENTS}/{name}`),
      api: "configurationAssignments.createOrUpdate",
      kind: "write",
      handler: (req) => {
        const c = cluster(req.params);
        if (!c) return armError(404, "ResourceNotFound", "managed cluster not found");
        const body = req.body as
          { location?: string; properties?: { maintenanceConfigurationId?: string } } | undefined;
        const configId = body?.properties?.maintenanceConfigurationId;
        if (
          !configId ||
          !/\/providers\/Microsoft\.Maintenance\/(public)?[mM]aintenanceConfigurations\//i.test(configId)
        ) {
          return armError(
            400,
            "InvalidParameter",
            "properties.maintenanceConfigurationId: expected the id of a Microsoft.Maintenance configuration",
          );
        }
        const publicName = /\/publicMaintenanceConfigurations\/([^/]+)$/i.exec(configId)?.[1];
        if (publicName !== undefined && !PUBLIC_CONFIGS.has(publicName))
          return armError(
            404,
            "ResourceNotFound",
            `The public maintenance configuration '${publicName}' was not found.`,
          );
        const existed = world.assignments.has(req.path.toLowerCase());
        const resourceId = req.path.split("/providers/Microsoft.Maintenance")[0]!;
        const assignment = {
          id: req.path,
          name: req.params.name,
          type: "Microsoft.Maintenance/configurationAssignments",
          location: body?.location ?? c.location,
          properties: { maintenanceConfigurationId: configId, resourceId },
        };
        world.assignments.set(req.path.toLowerCase(), assignment);
        world.records.log("change", `${c.name}: maintenance assignment ${req.params.name} → ${configId}`);
        return ok(assignment, existed ? 200 : 201);
      },
    },
    {
      method: "DELETE",
      pattern: pathPattern(`${ASSIGNMENTS}/{name}`),
      api: "configurationAssignments.delete",
      kind: "delete",
      handler: (req) => {
        const a = world.assignments.get(req.path.toLowerCase());
        world.assignments.delete(req.path.toLowerCase());
        return a ? ok(a) : { status: 204 };
      },
    },
    {
      method: "GET",
      pattern: pathPattern(
        "/subscriptions/{sub}/providers/Microsoft.Maintenance/publicMaintenanceConfigurations",
      ),
      api: "publicMaintenanceConfigurations.list",
      kind: "read",
      handler: (req) =>
        ok({ value: [...PUBLIC_CONFIGS.values()].map((f) => publicConfigJson(req.params.sub!, f)) }),
    },
    {
      method: "GET",
      pattern: pathPattern(
        "/subscriptions/{sub}/providers/Microsoft.Maintenance/publicMaintenanceConfigurations/{name}",
      ),
      api: "publicMaintenanceConfigurations.get",
      kind: "read",
      handler: (req) =>
        PUBLIC_CONFIGS.has(req.params.name!)
          ? ok(publicConfigJson(req.params.sub!, PUBLIC_CONFIGS.get(req.params.name!)!))
          : armError(404, "NotFound", `Public maintenance configuration ${req.params.name} was not found.`),
    },
  ];
}
