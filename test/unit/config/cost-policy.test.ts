import { describe, expect, it } from "vitest";
import { parsePolicy } from "../../../src/config/policy.js";
import { PolicyError } from "../../../src/config/errors.js";

/** `spec.cost.anomaly` (domain/cost-policy-schema.ts), validated like the rest of the policy. */
const minimal = (spec: Record<string, unknown> = {}) => ({
  apiVersion: "ringmaster/v1",
  kind: "RolloutPolicy",
  metadata: { name: "minimal" },
  spec: { rings: [{ name: "dev", selector: { names: ["*"] } }], ...spec },
});

const problems = (spec: Record<string, unknown>): readonly string[] => {
  try {
    parsePolicy(minimal(spec));
  } catch (error) {
    if (error instanceof PolicyError) return error.problems;
    throw error;
  }
  throw new Error("the policy was accepted");
};

describe("policy cost.anomaly", () => {
  it("is on with its defaults when the policy says nothing", () => {
    expect(parsePolicy(minimal()).spec.cost.anomaly).toEqual({
      enabled: true,
      historyDays: 28,
      minHistoryDays: 14,
      sensitivity: 4,
      minIncreasePercent: 25,
      minIncreaseAmount: 10,
      minSpreadPercent: 5,
      maxPerDay: 20,
    });
    expect(parsePolicy(minimal({ cost: { anomaly: { enabled: false } } })).spec.cost.anomaly.enabled).toBe(
      false,
    );
  });

  it("names the field and a valid value when one is wrong", () => {
    expect(problems({ cost: { anomaly: { historyDays: 400 } } }).join("\n")).toMatch(
      /spec\.cost\.anomaly\.historyDays.*at most 90 days/,
    );
    expect(problems({ cost: { anomaly: { sensitivity: "high" } } }).join("\n")).toMatch(
      /spec\.cost\.anomaly\.sensitivity.*number such as 4/,
    );
    expect(problems({ cost: { anomaly: { minHistoryDays: 20, historyDays: 14 } } }).join("\n")).toMatch(
      /spec\.cost\.anomaly\.minHistoryDays.*must not exceed historyDays/,
    );
    expect(problems({ cost: { anomaly: { threshold: 3 } } }).join("\n")).toMatch(
      /spec\.cost\.anomaly.*threshold/,
    );
  });
});
