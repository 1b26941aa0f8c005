import { describe, expect, it } from "vitest";
import { inventoryFromFleet } from "../../../src/cli/fleet-inventory.js";
import { parsePolicyYaml } from "../../../src/config/policy.js";
import { planRollout } from "../../../src/domain/planner.js";
import { parseFleetYaml } from "../../../src/simulator/load-fleet.js";
import { testFleetYaml } from "../../helpers/simulator.js";

/**
 * `ringmaster plan` reads a fleet file's `maintenanceAssignments` as the inventory activity reads Azure's:
 * an aks-mrp-cfg assignment is the cluster's window where it has no AKS-native one.
 */
const fleet = parseFleetYaml(
  testFleetYaml().replace(
    "        tags: { env: dev }\n",
    "        tags: { env: dev }\n        maintenanceAssignments:\n          - { configuration: aks-mrp-cfg-weekend_utc-5 }\n",
  ),
);
const policy = parsePolicyYaml(`apiVersion: ringmaster/v1
kind: RolloutPolicy
metadata: { name: legacy }
spec:
  manageWindows: false
  rings:
    - name: all
      selector: { tags: { env: dev } }
`);

describe("Plan from a fleet file: legacy Microsoft.Maintenance assignments", () => {
  it("schedules the cluster in the assignment's first weekend night at UTC−5", () => {
    const now = Date.parse("2026-11-23T12:00:00Z"); // Monday 07:00 at UTC−5
    const inventory = inventoryFromFleet(fleet, now);
    const alpha = inventory.clusters.find((c) => c.name === "alpha")!;
    expect(alpha.windows.autoUpgrade?.kind).toBe("assignment");
    expect(alpha.maintenanceAssignments?.[0]?.maintenanceConfigurationId).toMatch(
      /publicMaintenanceConfigurations\/aks-mrp-cfg-weekend_utc-5$/,
    );
    const plan = planRollout({ policy, inventory, target: { kind: "kubernetes", version: "1.30.5" }, now });
    const row = plan.clusters.find((c) => c.name === "alpha")!;
    expect(row.status).toBe("scheduled");
    // Friday 2026-11-27 22:00 at UTC−5.
    expect(row.predictedStart).toBe("2026-11-28T03:00:00.000Z");
  });

  it("refuses a fleet file naming a public configuration that does not exist", () => {
    expect(() =>
      parseFleetYaml(
        testFleetYaml().replace(
          "        tags: { env: dev }\n",
          "        tags: { env: dev }\n        maintenanceAssignments:\n          - { configuration: aks-mrp-cfg-weekend_utc-13 }\n",
        ),
      ),
    ).toThrow(/maintenanceAssignments\[0\]\.configuration: expected an AKS public configuration/);
  });
});
