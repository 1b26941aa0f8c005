import { describe, expect, it } from "vitest";
import { preparedFrom } from "../../../src/activities/prepare.js";
import { loadPolicyFile } from "../../../src/config/policy.js";
import { parseActivityInput } from "../../../src/contracts/activities.js";
import { PreparedRolloutSchema } from "../../../src/contracts/prepared-rollout.js";
import { planRollout } from "../../../src/domain/planner.js";
import { cluster } from "../../helpers/inventory.js";

/**
 * The lanes' shapes as contracts (the merge of lanes into the contracts table): what prepareRollout returns
 * is what the rollout workflow's schema says, and the lane activities' inputs survive validation whole —
 * a ring's gate input keeps its lane ids (a union that stripped them would gate nothing).
 */
const T0 = Date.parse("2026-11-23T00:00:00Z");

describe("lane contracts", () => {
  it("the prepared rollout (plan summary, settings) parses with PreparedRolloutSchema unchanged", () => {
    const policy = loadPolicyFile("examples/policy.yaml");
    const inventory = {
      clusters: ["dev", "staging", "prod"].map((env) => cluster(`aks-${env}-1`, { tags: { env } })),
      availableVersions: { westeurope: ["1.29.9", "1.30.4", "1.30.5"] },
    };
    const plan = planRollout({
      policy,
      inventory,
      target: { kind: "kubernetes", version: "1.30.5" },
      now: T0,
    });
    const input = { rolloutId: "r1", kind: "kubernetes" as const, target: "1.30.5", nowMs: T0 };
    const { prepared } = preparedFrom(input, plan, policy, inventory, "https://ringmaster.example.net");
    const json = JSON.parse(JSON.stringify(prepared)) as unknown;
    expect(PreparedRolloutSchema.parse(json)).toEqual(json);
    expect(prepared.plan.rings.length).toBeGreaterThan(0);
  });

  it("evaluateGates keeps a ring's lane ids and a fleet gate's cluster ids", () => {
    const ring = {
      gates: ["provisioningState"],
      laneIds: ["lane:r1@00:0000"],
      runId: "2026-11-23T00:00:00.000Z",
    };
    expect(parseActivityInput("evaluateGates", ring)).toEqual(ring);
    const fleet = { gates: ["nodePoolEvents"], clusterIds: ["/subscriptions/s/x"], poolEvents: {} };
    expect(parseActivityInput("evaluateGates", fleet)).toEqual(fleet);
    expect(() => parseActivityInput("evaluateGates", { gates: [] })).toThrow(/activity evaluateGates/);
  });

  it("the lane activities validate their inputs, naming the field", () => {
    expect(parseActivityInput("startLanes", { laneIds: ["a"], runId: "t" })).toEqual({
      laneIds: ["a"],
      runId: "t",
      pinnedImages: {},
    });
    expect(() => parseActivityInput("signalLanes", { laneIds: ["a"], data: {} })).toThrow(/data\.action/);
    expect(() => parseActivityInput("laneOutcomes", { laneIds: "a", runId: "t" })).toThrow(/laneIds/);
    expect(() => parseActivityInput("reportLaneResult", { rolloutId: "r1" })).toThrow(/result/);
    expect(parseActivityInput("rolloutState", { rolloutId: "r1" })).toEqual({ rolloutId: "r1" });
  });
});
