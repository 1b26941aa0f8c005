import { describe, expect, it } from "vitest";
import { CostAttribution, grownResources } from "../../../src/activities/cost-attribution.js";

/** Cost rows to clusters (activities/cost-attribution.ts): the cluster resource and its node resource group. */
const SUB = "/subscriptions/11111111-1111-1111-1111-111111111111";
const alpha = {
  id: `${SUB}/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/alpha`,
  name: "alpha",
  resourceGroup: "rg",
  location: "westeurope",
};
const beta = {
  ...alpha,
  id: alpha.id.replace("alpha", "beta"),
  name: "beta",
  nodeResourceGroup: "beta-nodes",
};
const row = (resourceId: string, day: string, cost: number) => ({ resourceId, day, cost, currency: "EUR" });

describe("cost attribution", () => {
  it("counts the cluster resource and its node resource group (default or named), nothing else", () => {
    const t = new CostAttribution([alpha, beta], "2026-11-21");
    t.add([
      row(alpha.id.toLowerCase(), "2026-11-21", 2.4),
      row(
        `${SUB}/resourcegroups/mc_rg_alpha_westeurope/providers/microsoft.compute/virtualmachinescalesets/aks-apps-vmss`,
        "2026-11-21",
        30,
      ),
      row(`${SUB}/resourcegroups/beta-nodes/providers/microsoft.compute/disks/d1`, "2026-11-21", 5),
      // beta's default-named group is not its node group once ARM names another one.
      row(
        `${SUB}/resourcegroups/mc_rg_beta_westeurope/providers/microsoft.compute/disks/d2`,
        "2026-11-21",
        7,
      ),
      row(`${SUB}/resourcegroups/rg/providers/microsoft.storage/storageaccounts/logs`, "2026-11-21", 9),
      row(
        `${SUB}/resourcegroups/mc_rg_alpha_westeurope/providers/microsoft.compute/virtualmachinescalesets/aks-apps-vmss`,
        "2026-11-20",
        10,
      ),
    ]);
    const byName = Object.fromEntries(
      [...t.clusters()].map((c) => [c.cluster.name, Object.fromEntries(c.daily)]),
    );
    expect(byName).toEqual({ alpha: { "2026-11-21": 32.4, "2026-11-20": 10 }, beta: { "2026-11-21": 5 } });
    expect({ rows: t.rows, targetRows: t.targetRows, unattributed: t.unattributed }).toEqual({
      rows: 6,
      targetRows: 5,
      unattributed: 2,
    });
    expect(t.clusters().next().value!.currency).toBe("EUR");
  });

  it("names only the resources that carry a fifth of the excess", () => {
    const t = new CostAttribution([alpha], "2026-11-21");
    const vmss = (pool: string) =>
      `${SUB}/resourcegroups/mc_rg_alpha_westeurope/providers/microsoft.compute/virtualmachinescalesets/aks-${pool}-vmss`;
    for (const day of ["2026-11-19", "2026-11-20"])
      t.add([row(vmss("apps"), day, 10), row(vmss("system"), day, 10)]);
    t.add([row(vmss("apps"), "2026-11-21", 30), row(vmss("system"), "2026-11-21", 11)]);
    const c = t.clusters().next().value!;
    expect(grownResources(c, 2, 21)).toEqual([{ resourceId: vmss("apps"), amount: 30, usual: 10 }]);
  });
});
