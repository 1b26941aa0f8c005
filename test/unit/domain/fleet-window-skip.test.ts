import { describe, expect, it } from "vitest";
import { loadPolicyFile } from "../../../src/config/policy.js";
import type { InventoryCluster } from "../../../src/domain/inventory.js";
import { planRollout } from "../../../src/domain/planner.js";
import type { PlanTarget } from "../../../src/domain/plan-types.js";
import { cluster } from "../../helpers/inventory.js";

/**
 * executor fleet: Fleet honours only a member's aksManagedAutoUpgradeSchedule (Full, ControlPlaneOnly) or
 * aksManagedNodeOSUpgradeSchedule (NodeImageOnly). A cluster whose planned window is another one would be
 * upgraded at any time, so the plan leaves it out with FleetIgnoresWindow and says how to fix it.
 */
const fleetPolicy = loadPolicyFile("examples/policy-fleet.yaml");
const NOW = Date.parse("2026-11-23T00:00:00Z");
const own = {
  kind: "window" as const,
  spec: {
    schedule: { weekly: { dayOfWeek: "Tuesday" as const, intervalWeeks: 1 } },
    startTime: "08:00",
    durationHours: 4,
    zone: "UTC",
  },
};
const assignment = {
  kind: "assignment" as const,
  window: {
    configuration: "aks-mrp-cfg-weekend_utc0",
    days: ["Saturday" as const],
    startTime: "00:00",
    durationMinutes: 1440,
    utcOffset: "+00:00",
  },
};

function planOf(
  c: InventoryCluster,
  manageWindows: boolean,
  target: PlanTarget = { kind: "kubernetes", version: "1.30.5" },
) {
  const policy = { ...fleetPolicy, spec: { ...fleetPolicy.spec, manageWindows } };
  return planRollout({ policy, inventory: { clusters: [c], availableVersions: {} }, target, now: NOW })
    .clusters[0]!;
}

describe("Planner (executor fleet): windows Fleet does not honour", () => {
  it("leaves out a cluster governed by its ring's policy window when Ringmaster does not write it", () => {
    const p = planOf(cluster("a"), false);
    expect(p).toMatchObject({ status: "skipped", reasonCode: "FleetIgnoresWindow" });
    expect(p.reason).toMatch(/spec\.manageWindows: true/);
    expect(planOf(cluster("a"), true)).toMatchObject({ status: "scheduled", windowSource: "ring" });
  });

  it("leaves out a cluster whose window is a Microsoft.Maintenance assignment", () => {
    const p = planOf(cluster("a", { windows: { autoUpgrade: assignment } }), false);
    expect(p).toMatchObject({ status: "skipped", reasonCode: "FleetIgnoresWindow" });
    expect(p.reason).toMatch(/Microsoft\.Maintenance assignment/);
  });

  it("keeps a cluster's own aksManagedAutoUpgradeSchedule for Kubernetes, but not for a node-image run", () => {
    const c = cluster("a", { windows: { autoUpgrade: own } });
    expect(planOf(c, false)).toMatchObject({ status: "scheduled", windowSource: "cluster" });
    const image = planOf(c, false, { kind: "nodeImage" });
    expect(image).toMatchObject({ status: "skipped", reasonCode: "FleetIgnoresWindow" });
    expect(image.reason).toMatch(/aksManagedNodeOSUpgradeSchedule/);
    expect(planOf(cluster("a", { windows: { nodeOS: own } }), false, { kind: "nodeImage" })).toMatchObject({
      status: "scheduled",
    });
  });
});
