import { beforeAll, describe, expect, it } from "vitest";
import { realClock } from "../../src/clock/clock.js";
import { aksRoutes } from "../../src/simulator/arm-aks.js";
import { fleetRoutes } from "../../src/simulator/arm-fleet.js";
import { costRoutes } from "../../src/simulator/arm-cost.js";
import { insightRoutes } from "../../src/simulator/arm-insights.js";
import { resourceGraphRoutes } from "../../src/simulator/arm-resourcegraph.js";
import { maintenanceRoutes } from "../../src/simulator/arm-maintenance.js";
import type { Route } from "../../src/simulator/http-kit.js";
import { parseFleetYaml } from "../../src/simulator/load-fleet.js";
import { World } from "../../src/simulator/world.js";
import { testFleetYaml } from "../helpers/simulator.js";
import { tourAdapters, type TourResult } from "./adapter-tour.js";
import {
  allTemplates,
  compiledTemplate,
  moduleNamed,
  moduleOutputOf,
  ofType,
  resolveVariable,
  roleGuidOf,
  type ArmTemplate,
  type Compiled,
} from "./compiled-template.js";

/**
 * The custom role Ringmaster's identity gets on each managed subscription must be exactly the ARM
 * operations it calls. The adapter tour calls every ARM adapter method against the simulator; the
 * simulator's audit records each request with the route's API name, and each route becomes an RBAC
 * action by ARM's naming rule. The route table alone would overstate: the simulator also serves APIs no
 * adapter calls (fleets.get, update strategies).
 */
let compiled: Compiled | Error;
let tour: TourResult;
beforeAll(async () => {
  try {
    compiled = compiledTemplate();
  } catch (error) {
    compiled = error instanceof Error ? error : new Error(String(error));
  }
  tour = await tourAdapters();
}, 180_000);

/** The route's path template back from its regex, e.g. `/subscriptions/{sub}/providers/Microsoft.X/y`. */
function templateOf(route: Route): string {
  return route.pattern.source
    .replace(/^\^/, "")
    .replace(/\\\/\?\$$/, "")
    .replace(/\(\?<(\w+)>\[\^\/\]\+\)/g, "{$1}")
    .replace(/\\(.)/g, "$1");
}

/**
 * ARM's RBAC operation for a request: `<namespace>/<type>/<child type>…/<verb>`, where the namespace is the
 * one after the last `/providers/` (extension resources such as Maintenance assignments on a cluster take
 * the extension's), types are every other segment after it, and the verb is read (GET), write (PUT, PATCH),
 * delete (DELETE) or, for POST, `<action>/action`, or read for the POST queries ARM meters as reads
 * (Resource Graph, Cost Management).
 */
export function rbacAction(method: string, kind: Route["kind"], template: string): string {
  const segments = template.split("/").filter(Boolean);
  const at = segments.map((s) => s.toLowerCase()).lastIndexOf("providers");
  if (at < 0) throw new Error(`no /providers/ segment in ${template}`);
  const namespace = segments[at + 1]!;
  const types = segments.slice(at + 2).filter((_, i) => i % 2 === 0);
  const verb =
    method === "GET"
      ? "read"
      : method === "DELETE"
        ? "delete"
        : method === "PUT" || method === "PATCH"
          ? "write"
          : kind === "read"
            ? "read"
            : "action";
  return [namespace, ...types, verb].join("/");
}

function routeTable(): Route[] {
  const world = new World(parseFleetYaml(testFleetYaml()), realClock());
  return [
    ...aksRoutes(world),
    ...fleetRoutes(world),
    ...maintenanceRoutes(world),
    ...insightRoutes(world),
    ...costRoutes(world),
    ...resourceGraphRoutes(world),
  ];
}

/** RBAC actions of the ARM requests the simulator audited during the tour (ACS email is data plane). */
function operationsCalled(): string[] {
  const byApi = new Map(routeTable().map((r) => [`${r.method} ${r.api}`, r]));
  const arm = tour.requests.filter((e) => !e.what.includes(" emails."));
  const unknown = arm.filter((e) => !byApi.has(e.what)).map((e) => e.what);
  expect(unknown, "audited requests with no ARM route").toEqual([]);
  const actions = arm.map((e) => {
    const r = byApi.get(e.what)!;
    return rbacAction(r.method, r.kind, templateOf(r)).toLowerCase();
  });
  return [...new Set(actions)].sort();
}

function main(): ArmTemplate {
  if (compiled instanceof Error) throw new Error(`infra/build.sh failed: ${compiled.message}`);
  if (compiled.skipReason !== undefined) throw new Error(compiled.skipReason);
  return compiled.main;
}

function roleActions(): string[] {
  const roles = ofType(main(), "Microsoft.Authorization/roleDefinitions").filter((d) =>
    d.resource.name.includes("ringmaster-operator"),
  );
  expect(roles).toHaveLength(1);
  const { resource, template } = roles[0]!;
  const permissions = (resource.properties as { permissions: { actions: unknown; dataActions?: unknown }[] })
    .permissions;
  expect(permissions).toHaveLength(1);
  expect(permissions[0]!.dataActions ?? []).toEqual([]);
  return resolveVariable(permissions[0]!.actions, template) as string[];
}

describe("Role: Ringmaster AKS operator (infra/app/managed-subscription.bicep)", () => {
  describe("Method: rbacAction", () => {
    it("names operations as ARM's RBAC does", () => {
      const aks =
        "/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.ContainerService/managedClusters/{c}";
      expect(rbacAction("GET", "read", aks)).toBe("Microsoft.ContainerService/managedClusters/read");
      expect(rbacAction("PATCH", "write", aks)).toBe("Microsoft.ContainerService/managedClusters/write");
      expect(rbacAction("POST", "write", `${aks}/agentPools/{p}/upgradeNodeImageVersion`)).toBe(
        "Microsoft.ContainerService/managedClusters/agentPools/upgradeNodeImageVersion/action",
      );
      expect(rbacAction("GET", "read", `${aks}/upgradeProfiles/default`)).toBe(
        "Microsoft.ContainerService/managedClusters/upgradeProfiles/read",
      );
      expect(
        rbacAction("DELETE", "delete", `${aks}/providers/Microsoft.Maintenance/configurationAssignments/{n}`),
      ).toBe("Microsoft.Maintenance/configurationAssignments/delete");
      expect(rbacAction("POST", "read", "/providers/Microsoft.ResourceGraph/resources")).toBe(
        "Microsoft.ResourceGraph/resources/read",
      );
    });
  });

  it("tours every ARM adapter method", () => {
    // A method the tour does not call could need an operation the role lacks.
    expect(tour.uncalled).toEqual([]);
  });

  it("grants exactly the ARM operations the adapters call, as the simulator audited them", () => {
    // Prepare
    const granted = roleActions();
    const called = operationsCalled();
    // Assess: nothing missing (a 403 in Azure) and nothing extra (not least privilege)
    expect(
      granted.every((a) => !a.includes("*")),
      "no wildcards",
    ).toBe(true);
    expect([...new Set(granted.map((a) => a.toLowerCase()))].sort()).toEqual(called);
    expect(granted).toHaveLength(called.length);
  });
});

/** Key Vault Secrets User: read secret values, nothing else (Azure built-in role). */
const KEY_VAULT_SECRETS_USER = "4633458b-17de-408a-b874-0445c86b69e6";

describe("Role: Key Vault Secrets User for the link-signing key (infra/app/rbac.bicep)", () => {
  it("grants the app's identity Key Vault Secrets User on the template's vault, the only role on it", () => {
    // Prepare
    const template = main();
    const rbac = moduleNamed(template, "rbac");
    const onVaults = allTemplates(template)
      .flatMap((t) => ofType(t, "Microsoft.Authorization/roleAssignments").filter((d) => d.template === t))
      .filter((d) => String(d.resource.scope).includes("Microsoft.KeyVault/vaults"));
    // Assess: one assignment, of that role, scoped to the vault the rbac module is handed
    expect(onVaults).toHaveLength(1);
    const assignment = onVaults[0]!;
    expect(roleGuidOf(assignment)).toBe(KEY_VAULT_SECRETS_USER);
    expect(assignment.template).toBe(rbac.template);
    expect(assignment.resource.scope).toBe(
      "[resourceId('Microsoft.KeyVault/vaults', parameters('keyVaultName'))]",
    );
    expect(moduleOutputOf(rbac.parameters.keyVaultName)).toEqual({ module: "keyvault", output: "name" });
    // …to the principal of the identity the site runs as and resolves references with
    expect(assignment.resource.properties).toMatchObject({
      principalId: "[parameters('principalId')]",
      principalType: "ServicePrincipal",
    });
    expect(moduleOutputOf(rbac.parameters.principalId)).toEqual({
      module: "identity",
      output: "principalId",
    });
    expect(moduleOutputOf(moduleNamed(template, "api").parameters.identityId)).toEqual({
      module: "identity",
      output: "id",
    });
    // guid(scope, principal, role): a re-deploy is a no-op, not a second assignment
    expect(assignment.resource.name).toBe(
      "[guid(resourceId('Microsoft.KeyVault/vaults', parameters('keyVaultName')), parameters('principalId'), variables('roles').keyVaultSecretsUser)]",
    );
  });
});
