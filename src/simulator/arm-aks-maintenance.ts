import { maintenanceConfigJson } from "./aks-state.js";
import type { RouteOf, WithCluster } from "./arm-aks-kit.js";
import { AKS, armError, ok, type Route } from "./http-kit.js";
import type { World } from "./world.js";

/** Microsoft.ContainerService maintenance configurations of a managed cluster: list, get, PUT, delete. */
export function maintenanceRoutes(world: World, route: RouteOf, withCluster: WithCluster): Route[] {
  return [
    route(
      "GET",
      `${AKS}/maintenanceConfigurations`,
      "maintenanceConfigurations.listByManagedCluster",
      "read",
      withCluster((c) =>
        ok({
          value: [...c.maintenanceConfigs].map(([name, props]) => maintenanceConfigJson(c, name, props)),
        }),
      ),
      { bucket: "aksOther", scope: "subscription" },
    ),
    route(
      "GET",
      `${AKS}/maintenanceConfigurations/{config}`,
      "maintenanceConfigurations.get",
      "read",
      withCluster((c, req) => {
        const props = c.maintenanceConfigs.get(req.params.config!);
        return props
          ? ok(maintenanceConfigJson(c, req.params.config!, props))
          : armError(404, "NotFound", `Maintenance configuration ${req.params.config} was not found.`);
      }),
      { bucket: "aksOther", scope: "subscription" },
    ),
    route(
      "PUT",
      `${AKS}/maintenanceConfigurations/{config}`,
      "maintenanceConfigurations.createOrUpdate",
      "write",
      withCluster((c, req) => {
        const name = req.params.config!;
        if (!["default", "aksManagedAutoUpgradeSchedule", "aksManagedNodeOSUpgradeSchedule"].includes(name)) {
          return armError(
            400,
            "InvalidParameter",
            `Maintenance configuration name must be default, aksManagedAutoUpgradeSchedule or aksManagedNodeOSUpgradeSchedule; got ${name}.`,
          );
        }
        const props = (req.body as { properties?: Record<string, unknown> } | undefined)?.properties;
        const problem = validateMaintenance(props);
        if (problem) return armError(400, "InvalidParameter", problem);
        const stored = withMaintenanceDefaults(props!, world.clock.now());
        const existed = c.maintenanceConfigs.has(name);
        c.maintenanceConfigs.set(name, stored);
        world.records.log("change", `${c.name}: maintenance configuration ${name} written`, {
          properties: stored,
        });
        return ok(maintenanceConfigJson(c, name, stored), existed ? 200 : 201);
      }),
      { bucket: "aksOther", scope: "subscription" },
    ),
    route(
      "DELETE",
      `${AKS}/maintenanceConfigurations/{config}`,
      "maintenanceConfigurations.delete",
      "delete",
      withCluster((c, req) => {
        const existed = c.maintenanceConfigs.delete(req.params.config!);
        return { status: existed ? 200 : 204 };
      }),
      { bucket: "aksOther", scope: "subscription" },
    ),
  ];
}

/** The parts of a maintenance configuration AKS validates first; the error names the field. */
function validateMaintenance(props: Record<string, unknown> | undefined): string | undefined {
  if (!props) return "properties: required";
  const w = props.maintenanceWindow as Record<string, unknown> | undefined;
  if (!w)
    return props.timeInWeek ? undefined : "properties.maintenanceWindow: required (or the legacy timeInWeek)";
  const schedule = w.schedule as Record<string, unknown> | undefined;
  if (!schedule || Object.keys(schedule).filter((k) => schedule[k]).length !== 1)
    return "properties.maintenanceWindow.schedule: set exactly one of daily, weekly, absoluteMonthly, relativeMonthly";
  if (
    w.durationHours !== undefined &&
    (typeof w.durationHours !== "number" ||
      !Number.isInteger(w.durationHours) ||
      w.durationHours < 4 ||
      w.durationHours > 24)
  )
    return "properties.maintenanceWindow.durationHours: must be a whole number between 4 and 24 (default 24)";
  if (
    w.startDate !== undefined &&
    (typeof w.startDate !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(w.startDate))
  )
    return 'properties.maintenanceWindow.startDate: must be a date "YYYY-MM-DD"';
  if (typeof w.startTime !== "string" || !/^\d{2}:\d{2}$/.test(w.startTime))
    return 'properties.maintenanceWindow.startTime: must match "HH:MM"';
  if (
    w.utcOffset !== undefined &&
    (typeof w.utcOffset !== "string" || !/^[+-]\d{2}:\d{2}$/.test(w.utcOffset))
  )
    return 'properties.maintenanceWindow.utcOffset: must match "+HH:MM" or "-HH:MM"';
  return undefined;
}

/**
 * What AKS stores for a maintenance window written without the optional fields: `durationHours` defaults
 * to 24 (REST spec, MaintenanceWindow.durationHours `"default": 24`) and `startDate` to the date of the
 * write (AKS planned-maintenance docs: default "The current date at creation time"; their `show` example
 * returns a `startDate` for a configuration written without one). The simulator takes the UTC date of
 * the PUT; the docs do not say in which offset AKS reckons "current".
 */
function withMaintenanceDefaults(props: Record<string, unknown>, now: number): Record<string, unknown> {
  const w = props.maintenanceWindow as Record<string, unknown> | undefined;
  if (!w) return props;
  return {
    ...props,
    maintenanceWindow: {
      ...w,
      durationHours: w.durationHours ?? 24,
      startDate: w.startDate ?? new Date(now).toISOString().slice(0, 10),
    },
  };
}
