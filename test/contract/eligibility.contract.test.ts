import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ActivityDeps } from "../../src/activities/deps.js";
import { loadInventory } from "../../src/activities/inventory.js";
import { preflight } from "../../src/activities/upgrade.js";
import { parsePolicyYaml, type Policy } from "../../src/config/policy.js";
import { isHoldCode } from "../../src/domain/codes.js";
import { planRollout, type PlanTarget } from "../../src/domain/planner.js";
import { activityDeps } from "../helpers/activity-deps.js";
import { startSimulator, SUB, type SimHarness } from "../helpers/simulator.js";

/**
 * The planner (forecast, from the inventory) and the preflight (right before writing, from the cluster as
 * AKS reports it) decide eligibility with one rule: given the same clusters they give the same codes. A
 * hold (the target not yet offered in a region) is planned, and refused — retriably — at write time.
 */
const IMAGE = (v: string) => `AKSUbuntu-2204gen2containerd-${v}`;
const pool = (image: string, k8s: string) =>
  `[{ name: system, mode: System, count: 1, nodeImageVersion: ${IMAGE(image)}, orchestratorVersion: ${k8s} }]`;
const cluster = (name: string, k8s: string, extra = "", location = "westeurope", image = "202611.03.0") => `
      - name: ${name}
        resourceGroup: rg
        location: ${location}
        kubernetesVersion: ${k8s}
        tags: { env: dev }
        nodePools: ${pool(image, name === "pools-behind" ? "1.30.4" : k8s)}${extra}`;

const FLEET = `apiVersion: ringmaster/v1
kind: SimulatedAzure
clock: { start: "2026-11-23T00:00:00Z", speed: 60000 }
subscriptions:
  - id: ${SUB}
    name: test
    clusters:${[
      cluster("ready", "1.30.4"),
      cluster("stopped", "1.30.4", "\n        powerState: Stopped"),
      cluster("same", "1.31.2", "", "westeurope", "202611.17.0"),
      cluster("newer", "1.32.1"),
      cluster("old", "1.29.9"),
      cluster("channel", "1.30.4", "\n        autoUpgradeProfile: { upgradeChannel: patch }"),
      cluster("os-channel", "1.30.4", "\n        autoUpgradeProfile: { nodeOSUpgradeChannel: NodeImage }"),
      cluster("north", "1.30.4", "", "northeurope"),
      cluster(
        "same-channel",
        "1.31.2",
        "\n        autoUpgradeProfile: { upgradeChannel: patch }",
        "westeurope",
        "202611.17.0",
      ),
      cluster("pools-behind", "1.31.2"),
    ].join("")}
releases:
  kubernetes:
    - { version: 1.30.5, regions: [westeurope, northeurope], at: "2026-11-01T00:00:00Z" }
    - { version: 1.31.2, regions: [westeurope], at: "2026-11-01T00:00:00Z" }
    - { version: 1.32.1, regions: [westeurope], at: "2026-11-01T00:00:00Z" }
  nodeImages:
    - { version: ${IMAGE("202611.10.0")}, regions: [northeurope], at: "2026-11-01T00:00:00Z" }
    - { version: ${IMAGE("202611.17.0")}, regions: [westeurope], at: "2026-11-01T00:00:00Z" }
`;

const policyYaml = (deny: string) => `apiVersion: ringmaster/v1
kind: RolloutPolicy
metadata: { name: parity }
spec:
  requireWindow: false
  versions: { deny: [${deny}] }
  rings:
    - name: dev
      selector: { tags: { env: dev } }
`;

describe("Contract: planner and preflight decide eligibility alike", () => {
  let h: SimHarness;
  const depsFor = (policy: Policy): ActivityDeps => activityDeps(h, policy);

  beforeAll(async () => {
    h = await startSimulator(FLEET);
  });
  afterAll(() => h.stop());

  /** Each cluster's code from the plan and from the preflight: "ok" where it would be upgraded. */
  async function both(deny: string, target: PlanTarget) {
    const policy = parsePolicyYaml(policyYaml(deny));
    const deps = depsFor(policy);
    const inventory = await loadInventory(deps, { withNodeImages: target.kind === "nodeImage" });
    const plan = planRollout({ policy, inventory, target, now: h.clock.now() });
    const planned: Record<string, string> = {};
    const preflighted: Record<string, string> = {};
    for (const c of plan.clusters) {
      planned[c.name] = c.status === "skipped" ? c.reasonCode! : "ok";
      const pre = await preflight(deps, {
        clusterId: c.clusterId,
        kind: target.kind,
        ...(target.kind === "kubernetes" && target.level ? { level: target.level } : {}),
        target: target.kind === "kubernetes" ? target.version : "node-image",
        pinnedImages: target.kind === "nodeImage" ? { ...target.pinned } : {},
      });
      preflighted[c.name] = pre.ok ? "ok" : pre.code;
      if (!pre.ok) expect(pre.retriable, `${c.name} ${pre.code}`).toBe(isHoldCode(pre.code));
    }
    // The same code from both, except that a hold is planned (the planner forecasts; AKS may offer it by then).
    const expectedPlan = Object.fromEntries(
      Object.entries(preflighted).map(([name, code]) => [name, isHoldCode(code) ? "ok" : code]),
    );
    expect(planned).toEqual(expectedPlan);
    return preflighted;
  }

  it("Kubernetes: stopped, at target, newer, a minor skipped, AKS's channel, not in the region", async () => {
    expect(await both("", { kind: "kubernetes", version: "1.31.2" })).toEqual({
      ready: "ok",
      stopped: "ClusterStopped",
      same: "AlreadyAtTarget",
      newer: "NewerThanTarget",
      old: "WouldSkipMinor",
      channel: "AutoUpgradeChannelConflict",
      "os-channel": "ok",
      north: "TargetNotAvailable",
      // Already there wins over AKS's channel; a control plane on the target with a pool behind takes the write.
      "same-channel": "AlreadyAtTarget",
      "pools-behind": "ok",
    });
  });

  it("Kubernetes: a patch rollout of 1.30.5 never takes 1.29 across a minor; the minor rollout takes only it", async () => {
    const codes = (level: "patch" | "minor") => both("", { kind: "kubernetes", version: "1.30.5", level });
    expect(await codes("patch")).toMatchObject({ ready: "ok", north: "ok", old: "OtherLevel" });
    expect(await codes("minor")).toMatchObject({ ready: "OtherLevel", north: "OtherLevel", old: "ok" });
  });

  it("Kubernetes: a denied target is refused for every running cluster", async () => {
    expect(await both('"1.31"', { kind: "kubernetes", version: "1.31.2" })).toEqual({
      ready: "DeniedVersion",
      stopped: "ClusterStopped",
      same: "DeniedVersion",
      newer: "DeniedVersion",
      old: "DeniedVersion",
      channel: "DeniedVersion",
      "os-channel": "DeniedVersion",
      north: "DeniedVersion",
      "same-channel": "DeniedVersion",
      "pools-behind": "DeniedVersion",
    });
  });

  it("node images: the region's newest image, AKS's node OS channel, already there", async () => {
    expect(await both("", { kind: "nodeImage" })).toEqual({
      ready: "ok",
      stopped: "ClusterStopped",
      same: "AlreadyAtTarget",
      newer: "ok",
      old: "ok",
      channel: "ok",
      "os-channel": "AutoUpgradeChannelConflict",
      north: "ok",
      "same-channel": "AlreadyAtTarget",
      "pools-behind": "ok",
    });
  });

  it("node images pinned to what an earlier ring qualified: held where the region offers another image", async () => {
    const pinned = { "AKSUbuntu-2204gen2containerd": IMAGE("202611.10.0") };
    expect(await both("", { kind: "nodeImage", pinned })).toEqual({
      ready: "HeldAtQualifiedImage",
      stopped: "ClusterStopped",
      same: "AlreadyAtTarget",
      newer: "HeldAtQualifiedImage",
      old: "HeldAtQualifiedImage",
      channel: "HeldAtQualifiedImage",
      "os-channel": "AutoUpgradeChannelConflict",
      north: "ok",
      "same-channel": "AlreadyAtTarget",
      "pools-behind": "HeldAtQualifiedImage",
    });
  });
});
