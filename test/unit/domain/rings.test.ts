import { describe, expect, it } from "vitest";
import { loadPolicyFile } from "../../../src/config/policy.js";
import { assignRings, effectiveRings, globMatches, selectorMatches } from "../../../src/domain/rings.js";
import { cluster } from "../../helpers/inventory.js";

const policy = loadPolicyFile("examples/policy.yaml");

describe("Module: rings", () => {
  it("selects by tags, subscription, resource group, location and name patterns (AND across, OR within)", () => {
    const c = cluster("aks-prod-weu-1", {
      tags: { Env: "prod" },
      location: "West Europe",
      resourceGroup: "RG-Prod",
    });
    expect(selectorMatches({ tags: { env: "prod" } }, c)).toBe(true);
    expect(selectorMatches({ tags: { env: "PROD" } }, c)).toBe(false);
    expect(selectorMatches({ locations: ["westeurope", "eastus"] }, c)).toBe(true);
    expect(selectorMatches({ resourceGroups: ["rg-prod"], names: ["aks-prod-*"] }, c)).toBe(true);
    expect(selectorMatches({ resourceGroups: ["rg-prod"], names: ["aks-dev-*"] }, c)).toBe(false);
    expect(selectorMatches({ subscriptions: ["11111111-1111-1111-1111-111111111111"] }, c)).toBe(true);
    expect(globMatches("aks-*-weu-?", "aks-prod-weu-1")).toBe(false);
  });

  it("puts each cluster in at most one ring and reports overlaps and strays", () => {
    const clusters = [cluster("a", { tags: { env: "dev" } }), cluster("b", { tags: { env: "qa" } })];
    const overlapping = {
      ...policy,
      spec: {
        ...policy.spec,
        rings: [...policy.spec.rings, { name: "all-dev", selector: { names: ["a"] } }],
      },
    };
    const result = assignRings(overlapping, clusters);
    expect(result.overlaps).toEqual([{ clusterId: clusters[0]!.id, rings: ["dev", "all-dev"] }]);
    expect(result.unassigned.map((c) => c.name)).toEqual(["b"]);
  });

  it("inherits defaults into each ring", () => {
    const [dev, staging, prod] = effectiveRings(policy);
    expect(dev).toMatchObject({
      soakMs: 24 * 3_600_000,
      failureBudget: 1,
      maxConcurrentPerSubscriptionRegion: 3,
      gates: ["provisioningState", "nodePoolEvents"],
      approval: { required: false },
    });
    expect(staging).toMatchObject({ soakMs: 48 * 3_600_000, failureBudget: 0 });
    expect(prod).toMatchObject({
      maxConcurrentPerSubscriptionRegion: 2,
      approval: { required: true, timeoutMs: 48 * 3_600_000, onTimeout: "reject" },
    });
  });
});
