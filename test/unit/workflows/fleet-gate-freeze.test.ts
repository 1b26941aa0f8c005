import { describe, expect, it } from "vitest";
import { preparedFrom } from "../../../src/activities/prepare.js";
import { loadPolicyFile } from "../../../src/config/policy.js";
import type { FleetRunStatus } from "../../../src/contracts/fleet-run.js";
import type { PreparedRollout } from "../../../src/contracts/prepared-rollout.js";
import { clusterRef } from "../../../src/domain/cluster-ref.js";
import { ringmasterGateName } from "../../../src/domain/fleet-run-plan.js";
import type { Inventory } from "../../../src/domain/inventory.js";
import { planRollout } from "../../../src/domain/planner.js";
import { rolloutWorkflow } from "../../../src/workflows/rollout.js";
import { cluster } from "../../helpers/inventory.js";
import { runOrchestration, type Scenario } from "../../helpers/orchestration-driver.js";

/**
 * The Fleet executor does not pass a gate during a freeze: prod's approval (here: its timeout, which
 * approves) comes inside a freeze that began while the rollout waited for it; the gate is PATCHed only
 * once the freeze has ended.
 */
const ID = "rollout:contoso-platform:kubernetes:1.30.5";
const T0 = Date.parse("2026-11-23T00:00:00Z");
const H = 3_600_000;
const SUB = "11111111-1111-1111-1111-111111111111";
const FREEZE = {
  name: "change-freeze",
  start: new Date(T0 + H).toISOString(),
  end: new Date(T0 + 72 * H).toISOString(),
};

function prepared(freeze = FREEZE): PreparedRollout {
  const policy = loadPolicyFile("examples/policy.yaml");
  const inventory: Inventory = {
    clusters: ["dev", "prod"].map((env) => {
      const name = `aks-${env}-weu-1`;
      return {
        ...cluster(name, {
          subscriptionId: SUB,
          resourceGroup: `rg-${env}`,
          location: "westeurope",
          tags: { env },
        }),
        id: clusterRef(SUB, `rg-${env}`, name).id,
      };
    }),
    availableVersions: { westeurope: ["1.30.4", "1.30.5"] },
  };
  const plan = planRollout({ policy, inventory, target: { kind: "kubernetes", version: "1.30.5" }, now: T0 });
  const p = preparedFrom(
    { rolloutId: ID, kind: "kubernetes", target: "1.30.5", nowMs: T0 },
    plan,
    policy,
    inventory,
    "https://ringmaster.example.net",
  ).prepared;
  return {
    ...p,
    plan: { ...p.plan, rings: p.plan.rings.map((r) => ({ ...r, firstStart: new Date(T0).toISOString() })) },
    settings: {
      ...p.settings,
      manageWindows: false,
      executor: "fleet",
      freezes: [freeze],
      rings: p.settings.rings.map((r) =>
        r.name === "prod" ? { ...r, approvalTimeoutMs: 2 * H, onTimeout: "approve" as const } : r,
      ),
    },
  };
}

const FLEET_ID = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService/fleets/hub";
const counts = { total: 1, notStarted: 1, pending: 0, running: 0, completed: 0, failed: 0, skipped: 0 };

describe("Workflow (Fleet): no gate is passed in a freeze", () => {
  it("holds prod's approval gate until the freeze that began meanwhile has ended", () => {
    const clock = { now: T0 };
    const approvedAt: number[] = [];
    const gate = {
      gateId: "g-prod",
      displayName: ringmasterGateName("approval", "prod", ID),
      stage: "prod",
      timing: "Before" as const,
    };
    const scenario: Scenario = {
      activity(_id, name, _raw, now) {
        if (name === "prepareRollout") return prepared();
        if (name === "createFleetRun")
          return {
            fleetId: FLEET_ID,
            upgradeType: "Full",
            stages: [{ name: "prod", ring: "prod", groups: 1, members: 1, approval: true, health: false }],
            members: 1,
            notMembers: { count: 0, names: [] },
          };
        if (name === "pollFleetRun") {
          const done = approvedAt.length > 0;
          const run: FleetRunStatus = {
            runName: "r",
            state: done ? "Completed" : "Running",
            gates: done ? [] : [gate],
            stages: [
              {
                name: "prod",
                state: done ? "Completed" : "NotStarted",
                counts: done ? { ...counts, notStarted: 0, completed: 1 } : counts,
                failed: [],
              },
            ],
          };
          return run;
        }
        if (name === "approveFleetGate") approvedAt.push(now);
        if (name === "targetAvailability") return { regions: ["westeurope"], missing: [] };
        if (name === "queueNotification") return { digest: "d" };
        return {};
      },
      nextEvent: () => undefined,
    };
    runOrchestration(
      rolloutWorkflow,
      ID,
      { policy: "contoso-platform", kind: "kubernetes", target: "1.30.5", requiresApproval: false },
      scenario,
      clock,
    );
    expect(approvedAt).toHaveLength(1);
    expect(approvedAt[0]).toBeGreaterThanOrEqual(Date.parse(FREEZE.end));
  });

  it("wakes at a freeze's start, even less than a minute after a poll, and stops the run then", () => {
    const clock = { now: T0 };
    const freeze = {
      name: "f",
      start: new Date(T0 + 30_000).toISOString(),
      end: new Date(T0 + H).toISOString(),
    };
    const stoppedAt: number[] = [];
    const scenario: Scenario = {
      activity(_id, name, raw, now) {
        if (name === "prepareRollout") return prepared(freeze);
        if (name === "createFleetRun")
          return {
            fleetId: FLEET_ID,
            upgradeType: "Full",
            stages: [{ name: "dev", ring: "dev", groups: 1, members: 1, approval: false, health: false }],
            members: 1,
            notMembers: { count: 0, names: [] },
          };
        if (name === "fleetRunAction" && (raw as { action: string }).action === "stop") stoppedAt.push(now);
        if (name === "pollFleetRun") {
          const done = now >= Date.parse(freeze.end);
          const run: FleetRunStatus = {
            runName: "r",
            state: done ? "Completed" : stoppedAt.length ? "Stopped" : "Running",
            gates: [],
            stages: [
              {
                name: "dev",
                state: done ? "Completed" : "Running",
                counts: done
                  ? { ...counts, notStarted: 0, completed: 1 }
                  : { ...counts, notStarted: 0, running: 1 },
                failed: [],
              },
            ],
          };
          return run;
        }
        if (name === "queueNotification") return { digest: "d" };
        return {};
      },
      nextEvent: () => undefined,
    };
    runOrchestration(
      rolloutWorkflow,
      ID,
      { policy: "contoso-platform", kind: "kubernetes", target: "1.30.5", requiresApproval: false },
      scenario,
      clock,
    );
    expect(stoppedAt[0]).toBe(Date.parse(freeze.start));
  });
});
