import type { InvocationContext } from "@azure/functions";
import { describe, expect, it } from "vitest";
import type { ActivityDeps } from "../../../src/activities/deps.js";
import { preparedFrom } from "../../../src/activities/prepare.js";
import { targetAvailability } from "../../../src/activities/target-availability.js";
import { loadPolicyFile } from "../../../src/config/policy.js";
import { planRollout } from "../../../src/domain/planner.js";
import { cluster } from "../../helpers/inventory.js";
import { FakeDurable } from "../../helpers/fake-durable.js";

/**
 * The target-availability wait reads a ring's subscription-regions from its lanes, or (executor fleet,
 * which starts no lanes) from the plan; a ring whose lanes cannot be read is not "available everywhere".
 */
const SUB = "11111111-1111-1111-1111-111111111111";
function deps(offered: Record<string, string[]>): ActivityDeps {
  return {
    durable: () => new FakeDurable(),
    adapters: () => ({
      aks: {
        listKubernetesVersions: (_sub: string, region: string) => Promise.resolve(offered[region] ?? []),
      },
    }),
  } as unknown as ActivityDeps;
}
const context = {} as InvocationContext;

describe("Activity: targetAvailability", () => {
  it("asks AKS for the subscription-regions it is given (the Fleet executor's rings, no lanes)", async () => {
    const got = await targetAvailability(
      deps({ westeurope: ["1.30.5"], eastus: ["1.30.4"] }),
      { buckets: [`${SUB}|westeurope`, `${SUB}|eastus`], target: "1.30.5" },
      context,
    );
    expect(got).toEqual({ regions: ["eastus", "westeurope"], missing: ["eastus"] });
  });

  it("keeps waiting when the ring has lanes but none could be read (unknown is not available)", async () => {
    const got = await targetAvailability(
      deps({}),
      { laneIds: ["lane:rollout:p:kubernetes:1.30.5@00:0000"], target: "1.30.5" },
      context,
    );
    expect(got.missing.length).toBeGreaterThan(0);
  });

  it("the prepared plan of a Fleet rollout keeps each ring's subscription-regions", () => {
    const policy = loadPolicyFile("examples/policy-fleet.yaml");
    const inventory = { clusters: [cluster("aks-dev-1", { tags: { env: "dev" } })], availableVersions: {} };
    const now = Date.parse("2026-11-23T00:00:00Z");
    const plan = planRollout({ policy, inventory, target: { kind: "kubernetes", version: "1.30.5" }, now });
    const { prepared } = preparedFrom(
      { rolloutId: "rollout:p:kubernetes:1.30.5", kind: "kubernetes", target: "1.30.5", nowMs: now },
      plan,
      policy,
      inventory,
      "https://rm.example.net",
    );
    const withLanes = prepared.plan.rings.filter((r) => r.lanes > 0);
    expect(withLanes.length).toBeGreaterThan(0);
    for (const r of withLanes) expect(r.bucketKeys).toEqual([`${SUB}|westeurope`]);
  });
});
