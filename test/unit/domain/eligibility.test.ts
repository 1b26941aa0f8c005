import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { loadPolicyFile } from "../../../src/config/policy.js";
import { Code, Codes, isCode, isHoldCode, isQuietSkip, isSkipCode } from "../../../src/domain/codes.js";
import { decideEligibility, type EligibilityFacts } from "../../../src/domain/eligibility.js";
import { planRollout } from "../../../src/domain/planner.js";
import { mustParseVersion, upgradeLevel } from "../../../src/domain/versions.js";
import { FailureCode } from "../../../src/contracts/failure-codes.js";
import { cluster } from "../../helpers/inventory.js";

const IMG = (v: string) => `AKSUbuntu-2204gen2containerd-${v}`;
const NO_DENY = { deny: [] };

function facts(overrides: Partial<EligibilityFacts> = {}): EligibilityFacts {
  return {
    location: "westeurope",
    powerState: "Running",
    provisioningState: "Succeeded",
    kubernetesVersion: "1.30.4",
    upgradeChannel: "none",
    nodeOSUpgradeChannel: "None",
    pools: [{ name: "system", orchestratorVersion: "1.30.4", nodeImageVersion: IMG("202611.03.0") }],
    availableVersions: ["1.30.5", "1.31.2"],
    ...overrides,
  };
}
const codeOf = (v: ReturnType<typeof decideEligibility>) => (v.ok ? "ok" : v.code);

describe("Table: one code table", () => {
  it("names each code as itself, with a meaning and an outcome", () => {
    for (const [name, info] of Object.entries(Codes)) {
      expect(Code[name as keyof typeof Code]).toBe(name);
      expect(name).toMatch(/^[A-Z][A-Za-z]+$/);
      expect(info.meaning.length).toBeGreaterThan(10);
    }
  });

  it("holds the workflows' write-time code, and knows AKS's codes are not ours", () => {
    expect(isCode(FailureCode.missedWindow)).toBe(true);
    expect(isHoldCode(FailureCode.missedWindow)).toBe(true);
    expect(isSkipCode("OperationNotAllowed")).toBe(false);
    expect(isSkipCode(Code.HeldAtQualifiedImage)).toBe(true);
    expect(isHoldCode(Code.TargetNotAvailable)).toBe(true);
    expect(["AlreadyAtTarget", "NewerThanTarget", "NoRing"].every(isQuietSkip)).toBe(true);
    expect(isQuietSkip(Code.AutoUpgradeChannelConflict)).toBe(false);
  });
});

describe("Function: decideEligibility", () => {
  it("compares node images as versions: a pool on 202611.03.9 takes 202611.03.10", () => {
    const pools = [
      {
        name: "system",
        orchestratorVersion: "1.30.4",
        nodeImageVersion: IMG("202611.03.9"),
        latestNodeImageVersion: IMG("202611.03.10"),
      },
    ];
    expect(decideEligibility(facts({ pools }), { kind: "nodeImage" }, NO_DENY)).toEqual({
      ok: true,
      pools: [{ pool: "system", from: IMG("202611.03.9"), to: IMG("202611.03.10") }],
      heldPools: [],
    });
  });

  it("the planner schedules that pool too (text order called it already there)", () => {
    const policy = loadPolicyFile("examples/policy.yaml");
    const c = cluster("img", {
      nodePools: [
        {
          name: "system",
          mode: "System",
          count: 2,
          orchestratorVersion: "1.30.4",
          nodeImageVersion: IMG("202611.03.9"),
          latestNodeImageVersion: IMG("202611.03.10"),
        },
      ],
    });
    const plan = planRollout({
      policy,
      inventory: { clusters: [c], availableVersions: {} },
      target: { kind: "nodeImage" },
      now: Date.parse("2026-11-23T00:00:00Z"),
    });
    expect(plan.clusters[0]).toMatchObject({ status: "scheduled", target: IMG("202611.03.10") });
  });

  it("a control plane on the target with a pool behind, or left Failed, still takes the write", () => {
    const behind = facts({
      kubernetesVersion: "1.31.2",
      pools: [{ name: "apps", orchestratorVersion: "1.30.4", nodeImageVersion: IMG("202611.03.0") }],
    });
    expect(decideEligibility(behind, { kind: "kubernetes", version: "1.31.2" }, NO_DENY)).toEqual({
      ok: true,
      pools: [{ pool: "apps", from: "1.30.4", to: "1.31.2" }],
      heldPools: [],
    });
    const failed = facts({
      kubernetesVersion: "1.31.2",
      provisioningState: "Failed",
      pools: [{ name: "system", orchestratorVersion: "1.31.2", nodeImageVersion: IMG("202611.03.0") }],
    });
    expect(codeOf(decideEligibility(failed, { kind: "kubernetes", version: "1.31.2" }, NO_DENY))).toBe("ok");
  });

  it("decides in one order: stopped, denied, at target, AKS's channel, availability", () => {
    const k = (f: Partial<EligibilityFacts>, deny: string[] = []) =>
      codeOf(decideEligibility(facts(f), { kind: "kubernetes", version: "1.31.2" }, { deny }));
    expect(k({ powerState: "Stopped" }, ["1.31"])).toBe("ClusterStopped");
    expect(k({ upgradeChannel: "stable" }, ["1.31.2"])).toBe("DeniedVersion");
    const atTarget = {
      kubernetesVersion: "1.31.2",
      upgradeChannel: "patch",
      pools: [{ name: "s", orchestratorVersion: "1.31.2", nodeImageVersion: IMG("202611.03.0") }],
    };
    expect(k(atTarget)).toBe("AlreadyAtTarget");
    expect(k({ upgradeChannel: "patch", availableVersions: ["1.30.5"] })).toBe("AutoUpgradeChannelConflict");
    expect(k({ availableVersions: ["1.30.5"] })).toBe("TargetNotAvailable");
    // Unknown availability is not judged.
    expect(k({ availableVersions: undefined })).toBe("ok");
  });

  it("holds pools whose region offers another image than the qualified one; all held is HeldAtQualifiedImage", () => {
    const pinned = { "AKSUbuntu-2204gen2containerd": IMG("202611.10.0") };
    const pool = (name: string, latest: string) => ({
      name,
      orchestratorVersion: "1.30.4",
      nodeImageVersion: IMG("202611.03.0"),
      latestNodeImageVersion: IMG(latest),
    });
    const mixed = decideEligibility(
      facts({ pools: [pool("a", "202611.10.0"), pool("b", "202611.17.0")] }),
      { kind: "nodeImage", pinned },
      NO_DENY,
    );
    expect(mixed).toMatchObject({ ok: true, pools: [{ pool: "a", to: IMG("202611.10.0") }] });
    expect(mixed.ok && mixed.heldPools[0]?.reason).toContain("westeurope now offers");
    const held = decideEligibility(
      facts({ pools: [pool("b", "202611.17.0")] }),
      { kind: "nodeImage", pinned },
      NO_DENY,
    );
    expect(codeOf(held)).toBe("HeldAtQualifiedImage");
  });

  it("for any versions, a Kubernetes target gets the code its upgrade level says", () => {
    const v = fc.record({
      minor: fc.integer({ min: 27, max: 33 }),
      patch: fc.integer({ min: 0, max: 12 }),
    });
    fc.assert(
      fc.property(v, v, fc.constantFrom("none", "patch", "stable"), (cur, tgt, channel) => {
        const current = `1.${cur.minor}.${cur.patch}`;
        const target = `1.${tgt.minor}.${tgt.patch}`;
        const verdict = decideEligibility(
          facts({
            kubernetesVersion: current,
            upgradeChannel: channel,
            pools: [{ name: "s", orchestratorVersion: current, nodeImageVersion: IMG("202611.03.0") }],
            availableVersions: [target],
          }),
          { kind: "kubernetes", version: target },
          NO_DENY,
        );
        const level = upgradeLevel(mustParseVersion(current), mustParseVersion(target));
        const expected =
          level === "none"
            ? "AlreadyAtTarget"
            : level === "downgrade"
              ? "NewerThanTarget"
              : level === "skip"
                ? "WouldSkipMinor"
                : channel === "none"
                  ? "ok"
                  : "AutoUpgradeChannelConflict";
        expect(codeOf(verdict)).toBe(expected);
      }),
    );
  });
});
