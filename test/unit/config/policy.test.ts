import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadPolicyFile, parsePolicyYaml, policyJsonSchema } from "../../../src/config/policy.js";
import { PolicyError } from "../../../src/config/errors.js";

const EXAMPLE = readFileSync("examples/policy.yaml", "utf8");

function problemsOf(yaml: string): string[] {
  try {
    parsePolicyYaml(yaml, "test.yaml");
  } catch (error) {
    expect(error).toBeInstanceOf(PolicyError);
    return [...(error as PolicyError).problems];
  }
  throw new Error("expected the policy to be rejected");
}

describe("Function: parsePolicyYaml", () => {
  it("loads examples/policy.yaml unchanged, with defaults inherited", () => {
    const p = loadPolicyFile("examples/policy.yaml");
    expect(p.metadata.name).toBe("contoso-platform");
    expect(p.spec.rings.map((r) => r.name)).toEqual(["dev", "staging", "prod"]);
    expect(p.spec.rings[2]!.approval).toEqual({
      required: true,
      timeout: { iso: "PT48H", ms: 48 * 3_600_000 },
      onTimeout: "reject",
      requireIdentity: false,
    });
    expect(p.spec.versions).toEqual({
      patch: "auto",
      minor: "approval",
      deny: ["1.31.0"],
      approval: { timeout: { iso: "P7D", ms: 7 * 86_400_000 }, onTimeout: "reject", requireIdentity: false },
    });
    expect(p.spec.freezes[0]).toMatchObject({ name: "year-end", timeZone: "Europe/Berlin" });
  });

  it("names the path and the expectation of every problem", () => {
    const bad = EXAMPLE.replace("timeout: PT48H", "timeout: 2 days")
      .replace("durationHours: 4\n", "durationHours: 2\n")
      .replace("timeZone: America/New_York", "timeZone: Mars/Olympus");
    const lines = problemsOf(bad);
    expect(lines).toContain(
      'spec.rings[2].approval.timeout: expected an ISO 8601 duration in weeks, days, hours, minutes or seconds, such as "PT48H"',
    );
    expect(
      lines.some((l) => l.startsWith("spec.rings[1].maintenanceWindow.durationHours: must be at least 4")),
    ).toBe(true);
    expect(
      lines.some((l) => l.startsWith("spec.rings[2].maintenanceWindow.timeZone: is not an IANA time zone")),
    ).toBe(true);
  });

  it("refuses unknown fields, so typos do not silently do nothing", () => {
    const lines = problemsOf(EXAMPLE.replace("failureBudget: 1", "failureBuget: 1"));
    expect(
      lines.some((l) => l.startsWith("spec.rings[0]: Unrecognized key") && l.includes("failureBuget")),
    ).toBe(true);
  });

  it("reports duplicate ring names and unknown on-call teams", () => {
    const lines = problemsOf(
      EXAMPLE.replace("- name: staging", "- name: dev").replace(
        "notify: [platform, sre-prod]",
        "notify: [platform, dba]",
      ),
    );
    expect(lines).toContain('spec.rings[1].name: "dev" is already the name of spec.rings[0]');
    expect(
      lines.some((l) => l.startsWith('spec.rings[2].notify[1]: "dba" is not defined under spec.onCall')),
    ).toBe(true);
  });

  it("names the YAML line of a syntax error", () => {
    expect(problemsOf("apiVersion: ringmaster/v1\nspec: [unclosed\n")[0]).toMatch(/^line \d+: /);
  });

  it("publishes a JSON Schema that describes rings and windows", () => {
    const schema = JSON.stringify(policyJsonSchema());
    expect(schema).toContain('"rings"');
    expect(schema).toContain('"relativeMonthly"');
  });
});
