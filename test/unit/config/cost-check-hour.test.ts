import { describe, expect, it } from "vitest";
import { parseSettings } from "../../../src/config/settings.js";
import { SettingsError } from "../../../src/config/errors.js";

/** RINGMASTER_COST_CHECK_HOUR: the UTC hour of the daily cost-anomaly check (functions/schedules.ts). */
const SIM = {
  RINGMASTER_MODE: "simulator",
  RINGMASTER_POLICY_FILE: "examples/policy.yaml",
  RINGMASTER_SUBSCRIPTION_IDS: "11111111-1111-1111-1111-111111111111",
  RINGMASTER_ARM_ENDPOINT: "http://127.0.0.1:7080",
  RINGMASTER_ACS_CONNECTION_STRING: "endpoint=http://127.0.0.1:7080/;accesskey=a2V5",
};

function problems(env: Record<string, string | undefined>): string[] {
  try {
    parseSettings(env);
  } catch (error) {
    expect(error).toBeInstanceOf(SettingsError);
    return [...(error as SettingsError).problems];
  }
  throw new Error("expected settings to be rejected");
}

describe("setting RINGMASTER_COST_CHECK_HOUR", () => {
  it("defaults to 10:00 UTC and reads an hour", () => {
    expect(parseSettings(SIM).RINGMASTER_COST_CHECK_HOUR).toBe(10);
    expect(parseSettings({ ...SIM, RINGMASTER_COST_CHECK_HOUR: "6" }).RINGMASTER_COST_CHECK_HOUR).toBe(6);
    expect(parseSettings({ ...SIM, RINGMASTER_COST_CHECK_HOUR: "0" }).RINGMASTER_COST_CHECK_HOUR).toBe(0);
    // A blank App Setting is unset, not midnight (z.coerce alone reads "" as 0).
    expect(parseSettings({ ...SIM, RINGMASTER_COST_CHECK_HOUR: " " }).RINGMASTER_COST_CHECK_HOUR).toBe(10);
  });

  it("names the setting and a valid value when it is not an hour", () => {
    for (const bad of ["24", "-1", "9.5", "ten"])
      expect(problems({ ...SIM, RINGMASTER_COST_CHECK_HOUR: bad }).join("\n")).toMatch(
        /^RINGMASTER_COST_CHECK_HOUR: expected a (whole )?UTC hour from 0 to 23, e\.g\. 10/,
      );
  });
});
