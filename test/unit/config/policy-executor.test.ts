import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parsePolicyYaml } from "../../../src/config/policy.js";
import { rolloutExecutor } from "../../../src/domain/executor-schema.js";

/** Issue 13: `executor: ringmaster | fleet` per policy, overridable per ring, and the Fleet resource id. */
const example = readFileSync("examples/policy.yaml", "utf8");
const fleetExample = readFileSync("examples/policy-fleet.yaml", "utf8");
const HUB =
  "/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg-fleet/providers/Microsoft.ContainerService/fleets/contoso-fleet";

const problems = (text: string): string[] => {
  try {
    parsePolicyYaml(text);
    return [];
  } catch (error) {
    return (error as { problems?: string[] }).problems ?? [String(error)];
  }
};

describe("policy: the executor", () => {
  it("defaults to Ringmaster, and the Fleet example runs on Fleet with its resource id", () => {
    expect(rolloutExecutor(parsePolicyYaml(example))).toBe("ringmaster");
    const fleet = parsePolicyYaml(fleetExample);
    expect(rolloutExecutor(fleet)).toBe("fleet");
    expect(fleet.spec.fleet).toEqual({ resourceId: HUB, upgradeType: "Full" });
  });

  it("needs the Fleet's id when a ring runs on Fleet, and a well-formed one", () => {
    const onFleet = example.replace("  manageWindows: true\n", "  manageWindows: true\n  executor: fleet\n");
    expect(problems(onFleet).join("\n")).toContain("spec.fleet.resourceId: required");
    const badId = onFleet.replace("  executor: fleet\n", "  executor: fleet\n  fleet: { resourceId: hub }\n");
    expect(problems(badId).join("\n")).toMatch(/spec\.fleet\.resourceId: expected "\/subscriptions\//);
    expect(problems(onFleet.replace("executor: fleet", "executor: azure")).join("\n")).toContain(
      'spec.executor: expected "ringmaster"',
    );
  });

  it("takes a per-ring override when every ring agrees, and refuses a mix (one rollout is one run)", () => {
    const allRings = fleetExample.replace(/\n {6}selector:/g, "\n      executor: fleet\n      selector:");
    expect(problems(allRings)).toEqual([]);
    const mixed = fleetExample.replace(
      "    - name: prod\n",
      "    - name: prod\n      executor: ringmaster\n",
    );
    expect(problems(mixed).join("\n")).toContain('spec.rings[2].executor: "ringmaster" differs');
  });
});
