import { describe, expect, it } from "vitest";
import { loadPolicyFile } from "../../../src/config/policy.js";
import { planRollout, RingOverlapError, type PlanInput } from "../../../src/domain/planner.js";
import { inventoryFromFleet } from "../../../src/cli/fleet-inventory.js";
import { loadFleetFile } from "../../../src/simulator/load-fleet.js";
import { cluster } from "../../helpers/inventory.js";

const policy = loadPolicyFile("examples/policy.yaml");
const fleet = loadFleetFile("examples/fleet.yaml");
const at = Date.parse;

function plan(overrides: Partial<PlanInput> = {}) {
  const now = overrides.now ?? at("2026-11-23T06:00:00Z");
  return planRollout({
    policy,
    inventory: inventoryFromFleet(fleet, now),
    target: { kind: "kubernetes", version: "1.30.5" },
    now,
    ...overrides,
  });
}

describe("Function: planRollout (example fleet)", () => {
  it("schedules dev in Tuesday's Berlin window, staging after dev's soak, prod on the first Sunday in New York", () => {
    const p = plan();
    const byName = Object.fromEntries(p.clusters.map((c) => [c.name, c]));
    expect(byName["aks-dev-weu-1"]).toMatchObject({
      ring: "dev",
      status: "scheduled",
      predictedStart: "2026-11-24T08:00:00.000Z",
      predictedEnd: "2026-11-24T08:55:00.000Z",
      durationMinutes: 55,
    });
    expect(byName["aks-stg-weu-1"]).toMatchObject({
      ring: "staging",
      predictedStart: "2026-11-25T21:00:00.000Z",
      durationMinutes: 15 + 8 * 9,
    });
    expect(byName["aks-prod-eus-1"]).toMatchObject({
      ring: "prod",
      predictedStart: "2026-12-06T06:00:00.000Z",
    });
    expect(p.rings.map((r) => [r.name, r.readyAt, r.approvalRequired])).toEqual([
      ["dev", "2026-11-23T06:00:00.000Z", false],
      ["staging", "2026-11-25T08:55:00.000Z", false],
      ["prod", "2026-11-27T22:27:00.000Z", true],
    ]);
  });

  it("explains the auto-upgrade conflict with what AKS's channel would do", () => {
    const dev = plan().clusters.find((c) => c.name === "aks-dev-neu-1")!;
    expect(dev).toMatchObject({
      status: "skipped",
      reasonCode: "AutoUpgradeChannelConflict",
      reason: expect.stringContaining('channel "patch" is set (AKS would take it to 1.30.5 on its own)'),
    });
  });

  it("reports at-target, newer, minor skips and denied versions", () => {
    const inventory = {
      clusters: [
        cluster("same", { kubernetesVersion: "1.31.2" }),
        cluster("newer", { kubernetesVersion: "1.32.0" }),
        cluster("old", { kubernetesVersion: "1.29.9" }),
      ],
      availableVersions: {},
    };
    const p = planRollout({
      policy,
      inventory,
      target: { kind: "kubernetes", version: "1.31.2" },
      now: at("2026-11-23T00:00:00Z"),
    });
    expect(p.clusters.map((c) => [c.name, c.reasonCode])).toEqual([
      ["newer", "NewerThanTarget"],
      ["old", "WouldSkipMinor"],
      ["same", "AlreadyAtTarget"],
    ]);
    const denied = planRollout({
      policy,
      inventory,
      target: { kind: "kubernetes", version: "1.31.0" },
      now: at("2026-11-23T00:00:00Z"),
    });
    expect(denied.clusters.every((c) => c.reasonCode === "DeniedVersion")).toBe(true);
  });

  it("skips clusters without any window when requireWindow is true, and frozen or windowless horizons", () => {
    const noRingWindow = {
      ...policy,
      spec: { ...policy.spec, rings: policy.spec.rings.map((r) => ({ ...r, maintenanceWindow: undefined })) },
    };
    const inventory = { clusters: [cluster("a")], availableVersions: {} };
    const p = planRollout({
      policy: noRingWindow,
      inventory,
      target: { kind: "kubernetes", version: "1.30.5" },
      now: at("2026-11-23T00:00:00Z"),
    });
    expect(p.clusters[0]).toMatchObject({ reasonCode: "NoWindow" });
    const frozen = planRollout({
      policy,
      inventory,
      target: { kind: "kubernetes", version: "1.30.5" },
      now: at("2026-12-20T00:00:00Z"),
      horizonDays: 14,
    });
    expect(frozen.clusters[0]).toMatchObject({ reasonCode: "Frozen" });
    const tooShort = planRollout({
      policy,
      inventory,
      target: { kind: "kubernetes", version: "1.30.5" },
      now: at("2026-11-25T00:00:00Z"),
      horizonDays: 5,
    });
    expect(tooShort.clusters[0]).toMatchObject({ reasonCode: "NoWindowInHorizon" });
  });

  it("does not plan a cluster whose assignments could not be read, even with a ring window (WindowUnknown)", () => {
    const inventory = {
      clusters: [
        cluster("unread", { assignmentsUnreadable: "HTTP 500 InternalServerError: try again" }),
        cluster("unread-at-target", { kubernetesVersion: "1.30.5", assignmentsUnreadable: "HTTP 500" }),
        cluster("read"),
      ],
      availableVersions: {},
    };
    const p = planRollout({
      policy,
      inventory,
      target: { kind: "kubernetes", version: "1.30.5" },
      now: at("2026-11-23T00:00:00Z"),
    });
    const byName = Object.fromEntries(p.clusters.map((c) => [c.name, c]));
    expect(byName.unread).toMatchObject({
      status: "skipped",
      reasonCode: "WindowUnknown",
      reason:
        "window unknown: Microsoft.Maintenance assignments could not be read: HTTP 500 InternalServerError: try again; retried at the next inventory",
    });
    // A cluster with nothing to do says so first; the window question does not arise.
    expect(byName["unread-at-target"]?.reasonCode).toBe("AlreadyAtTarget");
    expect(byName.read?.status).toBe("scheduled");
  });

  it("uses the cluster's own window when manageWindows is false", () => {
    const own = { ...policy, spec: { ...policy.spec, manageWindows: false } };
    const stg = plan({ policy: own }).clusters.find((c) => c.name === "aks-stg-weu-1")!;
    // Thursday 20:00 +01:00 (its aksManagedAutoUpgradeSchedule), after dev's soak.
    expect(stg).toMatchObject({ windowSource: "cluster", predictedStart: "2026-11-26T19:00:00.000Z" });
  });

  it("caps concurrency per subscription-region", () => {
    const many = Array.from({ length: 5 }, (_, i) => cluster(`c${i}`, { tags: { env: "prod" } }));
    const p = planRollout({
      policy,
      inventory: { clusters: many, availableVersions: {} },
      target: { kind: "kubernetes", version: "1.30.5" },
      now: at("2026-11-23T00:00:00Z"),
    });
    const starts = p.clusters.map((c) => c.predictedStart);
    expect(starts.filter((s) => s === "2026-12-06T06:00:00.000Z")).toHaveLength(2);
    expect(p.clusters.every((c) => c.status === "scheduled")).toBe(true);
  });

  it("refuses a policy whose rings overlap, naming both rings", () => {
    const overlapping = {
      ...policy,
      spec: {
        ...policy.spec,
        rings: [...policy.spec.rings, { name: "canary", selector: { names: ["aks-dev-weu-1"] } }],
      },
    };
    expect(() => plan({ policy: overlapping })).toThrow(RingOverlapError);
    expect(() => plan({ policy: overlapping })).toThrow(/aks-dev-weu-1 \(rings "dev" and "canary"\)/);
  });

  it("plans node-image refreshes from the pools' latest images, skipping clusters AKS reimages itself", () => {
    const p = plan({ target: { kind: "nodeImage" }, now: at("2026-11-24T01:00:00Z") });
    const byName = Object.fromEntries(p.clusters.map((c) => [c.name, c]));
    expect(byName["aks-dev-weu-1"]).toMatchObject({
      status: "scheduled",
      target: "AKSUbuntu-2204gen2containerd-202611.17.0",
      durationMinutes: 8 * 5,
    });
    expect(byName["aks-dev-neu-1"]).toMatchObject({ reasonCode: "AutoUpgradeChannelConflict" });
    expect(byName["aks-prod-eus-1"]).toMatchObject({ reasonCode: "AlreadyAtTarget" });
  });

  it("is deterministic", () => {
    expect(plan()).toEqual(plan());
  });
});
