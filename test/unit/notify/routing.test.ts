import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { parsePolicyYaml } from "../../../src/config/policy.js";
import { digestSlot, recipientsFor } from "../../../src/notify/routing.js";
import { readFileSync } from "node:fs";

const policy = parsePolicyYaml(readFileSync("examples/policy.yaml", "utf8"));

describe("Notify: routing and digest slots", () => {
  it("sends to the named teams, once per address, and to every team when none is named", () => {
    expect(recipientsFor(policy, ["platform"])).toEqual(["platform-oncall@contoso.example"]);
    expect(recipientsFor(policy, ["platform", "sre-prod"])).toEqual([
      "platform-oncall@contoso.example",
      "sre-lead@contoso.example",
      "sre-prod@contoso.example",
    ]);
    expect(recipientsFor(policy, [])).toEqual(recipientsFor(policy, ["sre-prod", "platform"]));
    expect(recipientsFor(policy, ["nobody"])).toEqual([]);
  });

  it("puts every instant in exactly one slot that ends after it, within one slot length", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 4_102_444_800_000 }),
        fc.constantFrom(60_000, 1_800_000, 3_600_000),
        (t, slot) => {
          const end = digestSlot(t, slot);
          expect(end).toBeGreaterThan(t);
          expect(end - t).toBeLessThanOrEqual(slot);
          expect(end % slot).toBe(0);
          expect(digestSlot(end - 1, slot)).toBe(end);
        },
      ),
    );
  });
});
