import type { World } from "./world.js";

/**
 * Microsoft.Maintenance as the simulator holds it: the AKS public configurations (`aks-mrp-cfg-weekday_utc{n}`
 * and `aks-mrp-cfg-weekend_utc{n}`, n from −12 to 12, `_utc` alone for UTC+0; research/aks-apis.md §5) and the
 * configuration assignments on managed clusters as rows of Resource Graph's `maintenanceresources` table.
 * The simulator is the oracle, so it keeps its own table of zones (design §3: no window math shared).
 */
export const ASSIGNMENT_COLUMNS = [
  "id",
  "name",
  "type",
  "tenantId",
  "location",
  "resourceGroup",
  "subscriptionId",
  "properties",
] as const;

/** A Windows time zone without daylight saving time for each whole offset (what a public config names). */
const ZONES: Readonly<Record<number, string>> = {
  [-12]: "Dateline Standard Time",
  [-11]: "UTC-11",
  [-10]: "Hawaiian Standard Time",
  [-9]: "UTC-09",
  [-8]: "UTC-08",
  [-7]: "US Mountain Standard Time",
  [-6]: "Central America Standard Time",
  [-5]: "SA Pacific Standard Time",
  [-4]: "SA Western Standard Time",
  [-3]: "SA Eastern Standard Time",
  [-2]: "UTC-02",
  [-1]: "Cape Verde Standard Time",
  0: "UTC",
  1: "W. Central Africa Standard Time",
  2: "South Africa Standard Time",
  3: "Arab Standard Time",
  4: "Arabian Standard Time",
  5: "West Asia Standard Time",
  6: "Central Asia Standard Time",
  7: "SE Asia Standard Time",
  8: "China Standard Time",
  9: "Tokyo Standard Time",
  10: "West Pacific Standard Time",
  11: "Central Pacific Standard Time",
  12: "UTC+12",
};

export interface PublicConfigFacts {
  readonly name: string;
  readonly weekday: boolean;
  readonly offsetHours: number;
  readonly timeZone: string;
}

/** Every AKS public configuration, by name. */
export const PUBLIC_CONFIGS: ReadonlyMap<string, PublicConfigFacts> = new Map(
  (["weekday", "weekend"] as const).flatMap((kind) =>
    Object.entries(ZONES).map(([hours, timeZone]) => {
      const n = Number(hours);
      const name = `aks-mrp-cfg-${kind}_utc${n === 0 ? "" : n}`;
      return [name, { name, weekday: kind === "weekday", offsetHours: n, timeZone }] as const;
    }),
  ),
);

export function publicConfigId(sub: string, name: string): string {
  return `/subscriptions/${sub}/providers/Microsoft.Maintenance/publicMaintenanceConfigurations/${name}`;
}

/** A public configuration at the REST shape (Microsoft.Maintenance 2023-04-01, PublicMaintenanceConfigurations_Get). */
export function publicConfigJson(sub: string, facts: PublicConfigFacts): Record<string, unknown> {
  return {
    id: publicConfigId(sub, facts.name),
    name: facts.name,
    type: "Microsoft.Maintenance/publicMaintenanceConfigurations",
    location: "westeurope",
    properties: {
      namespace: "Microsoft.Maintenance",
      maintenanceScope: "Resource",
      visibility: "Public",
      extensionProperties: { maintenanceSubScope: "AKS" },
      maintenanceWindow: {
        startDateTime: "2022-08-01 22:00",
        expirationDateTime: "9999-12-31 23:59:59",
        duration: "08:00",
        timeZone: facts.timeZone,
        recurEvery: facts.weekday ? "Week Monday,Tuesday,Wednesday,Thursday" : "Week Friday,Saturday,Sunday",
      },
    },
  };
}

/** The assignments on managed clusters as `maintenanceresources` rows (lower-case type and group). */
export function clusterAssignmentRows(world: World): { key: string; row: Record<string, unknown> }[] {
  const out: { key: string; row: Record<string, unknown> }[] = [];
  for (const [key, a] of world.assignments) {
    if (!key.includes("/providers/microsoft.containerservice/managedclusters/")) continue;
    const id = String(a.id);
    const sub = /^\/subscriptions\/([^/]+)/i.exec(id)?.[1] ?? "";
    const rg = /\/resourceGroups\/([^/]+)/i.exec(id)?.[1] ?? "";
    out.push({
      key,
      row: {
        id,
        name: a.name,
        type: "microsoft.maintenance/configurationassignments",
        tenantId: "00000000-0000-0000-0000-000000000000",
        location: typeof a.location === "string" ? a.location.toLowerCase() : "",
        resourceGroup: rg.toLowerCase(),
        subscriptionId: sub,
        properties: a.properties,
      },
    });
  }
  return out;
}
