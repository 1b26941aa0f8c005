import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { loadPolicyFile } from "../../../src/config/policy.js";
import { decideEligibility, type EligibilityFacts } from "../../../src/domain/eligibility.js";
import { planRollout } from "../../../src/domain/planner.js";
import { mustParseVersion, sameMinor, upgradeLevel } from "../../../src/domain/versions.js";
import { cluster } from "../../helpers/inventory.js";

/**
 * A rollout's level is the policy's (spec.versions.patch / .minor): a patch rollout must never take a
 * cluster across a minor, or `minor: never` and `minor: approval` are bypassed in a fleet across two
 * minors (issue 15, safety seed 20261202015). The planner and the preflight share the rule.
 */
const example = loadPolicyFile("examples/policy.yaml");
/** Without denied versions, so every skip of a one-level step is the level's. */
const policy = {
  ...example,
  spec: { ...example.spec, versions: { ...example.spec.versions, deny: [] } },
};
const NOW = Date.parse("2026-11-23T00:00:00Z");
const IMG = "AKSUbuntu-2204gen2containerd-202611.03.0";

function facts(version: string, target: string): EligibilityFacts {
  return {
    location: "westeurope",
    powerState: "Running",
    provisioningState: "Succeeded",
    kubernetesVersion: version,
    upgradeChannel: "none",
    pools: [{ name: "system", orchestratorVersion: version, nodeImageVersion: IMG }],
    availableVersions: [target],
  };
}

describe("Function: decideEligibility (the rollout's level)", () => {
  it("a patch rollout of 1.30.5 leaves a 1.29 cluster to the minor rollout, and the reverse", () => {
    const patch = decideEligibility(
      facts("1.29.9", "1.30.5"),
      { kind: "kubernetes", version: "1.30.5", level: "patch" },
      { deny: [] },
    );
    expect(patch).toMatchObject({ ok: false, code: "OtherLevel" });
    expect(!patch.ok && patch.message).toBe(
      "on 1.29.9, 1.30.5 is a minor upgrade; this patch rollout leaves it to the minor rollout of 1.30.5 (spec.versions.minor)",
    );
    const minor = decideEligibility(
      facts("1.30.4", "1.30.5"),
      { kind: "kubernetes", version: "1.30.5", level: "minor" },
      { deny: [] },
    );
    expect(minor).toMatchObject({ ok: false, code: "OtherLevel" });
    for (const [from, level] of [
      ["1.30.4", "patch"],
      ["1.29.9", "minor"],
    ] as const)
      expect(
        decideEligibility(
          facts(from, "1.30.5"),
          { kind: "kubernetes", version: "1.30.5", level },
          { deny: [] },
        ).ok,
      ).toBe(true);
    // A start by hand (no level) takes any single step, as before.
    expect(
      decideEligibility(facts("1.29.9", "1.30.5"), { kind: "kubernetes", version: "1.30.5" }, { deny: [] })
        .ok,
    ).toBe(true);
  });
});

describe("Function: planRollout (the rollout's level)", () => {
  const version = fc
    .record({ minor: fc.integer({ min: 28, max: 32 }), patch: fc.integer({ min: 0, max: 9 }) })
    .map((v) => `1.${v.minor}.${v.patch}`);
  const fleet = fc.array(fc.record({ version, env: fc.constantFrom("dev", "staging", "prod") }), {
    minLength: 1,
    maxLength: 12,
  });

  it("for any fleet and target, a rollout schedules exactly the clusters whose step has its level", () => {
    fc.assert(
      fc.property(
        fleet,
        version,
        fc.constantFrom("patch" as const, "minor" as const),
        (members, target, level) => {
          const clusters = members.map((m, i) =>
            cluster(`c${i}`, { kubernetesVersion: m.version, tags: { env: m.env } }),
          );
          const plan = planRollout({
            policy,
            inventory: { clusters, availableVersions: { westeurope: [target] } },
            target: { kind: "kubernetes", version: target, level },
            now: NOW,
          });
          for (const c of plan.clusters) {
            const step = upgradeLevel(mustParseVersion(c.currentVersion), mustParseVersion(target));
            if (c.status === "scheduled") expect(step).toBe(level);
            if (level === "patch" && c.status === "scheduled")
              expect(sameMinor(mustParseVersion(c.currentVersion), mustParseVersion(target))).toBe(true);
            if ((step === "patch" || step === "minor") && step !== level)
              expect(c.reasonCode).toBe("OtherLevel");
          }
        },
      ),
    );
  });
});
