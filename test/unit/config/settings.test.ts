import { describe, expect, it } from "vitest";
import { parseSettings } from "../../../src/config/settings.js";
import { SettingsError } from "../../../src/config/errors.js";

const SIM = {
  RINGMASTER_MODE: "simulator",
  RINGMASTER_POLICY_FILE: "examples/policy.yaml",
  RINGMASTER_SUBSCRIPTION_IDS: "11111111-1111-1111-1111-111111111111, 22222222-2222-2222-2222-222222222222",
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

describe("Function: parseSettings", () => {
  it("reads simulator settings with defaults filled in", () => {
    const s = parseSettings(SIM);
    expect(s).toMatchObject({
      RINGMASTER_MODE: "simulator",
      RINGMASTER_SUBSCRIPTION_IDS: [
        "11111111-1111-1111-1111-111111111111",
        "22222222-2222-2222-2222-222222222222",
      ],
      RINGMASTER_LRO_POLL_SECONDS: 30,
      TASKHUB_NAME: "ringmaster",
      RINGMASTER_NODE_IMAGE_SCHEDULE: "0 0 5 * * Mon",
    });
  });

  it("names a missing mode and what a valid value is", () => {
    const [line] = problems({ ...SIM, RINGMASTER_MODE: undefined });
    expect(line).toMatch(/^RINGMASTER_MODE: expected "simulator" .* or "azure" .* \(it is not set\)$/);
  });

  it("names every bad setting at once with the value it got", () => {
    const lines = problems({
      ...SIM,
      RINGMASTER_SUBSCRIPTION_IDS: "abc",
      RINGMASTER_ARM_ENDPOINT: "ftp://x",
      RINGMASTER_NODE_IMAGE_SCHEDULE: "0 5 * * 1",
    });
    expect(
      lines.some((l) =>
        /^RINGMASTER_SUBSCRIPTION_IDS\.0: each entry must be a GUID .* \(got "abc"\)$/.test(l),
      ),
    ).toBe(true);
    expect(lines.some((l) => /^RINGMASTER_ARM_ENDPOINT: expected an http\(s\) URL/.test(l))).toBe(true);
    expect(lines.some((l) => /^RINGMASTER_NODE_IMAGE_SCHEDULE: expected a six-field NCRONTAB/.test(l))).toBe(
      true,
    );
  });

  it("requires the ACS endpoint in azure mode and refuses polling faster than 30 s there", () => {
    const lines = problems({ ...SIM, RINGMASTER_MODE: "azure", RINGMASTER_LRO_POLL_SECONDS: "5" });
    expect(lines.some((l) => l.startsWith("RINGMASTER_ACS_ENDPOINT: expected an http(s) URL"))).toBe(true);
    expect(
      lines.some((l) => l.startsWith("RINGMASTER_LRO_POLL_SECONDS: must be at least 30 in azure mode")),
    ).toBe(true);
    expect(
      parseSettings({
        ...SIM,
        RINGMASTER_MODE: "azure",
        RINGMASTER_ARM_ENDPOINT: undefined,
        RINGMASTER_ACS_ENDPOINT: "https://x.communication.azure.com",
      }).RINGMASTER_MODE,
    ).toBe("azure");
  });

  it("takes an https ARM endpoint override in azure mode (sovereign clouds) and refuses plain http", () => {
    const azure = {
      ...SIM,
      RINGMASTER_MODE: "azure",
      RINGMASTER_ACS_ENDPOINT: "https://x.communication.azure.com",
    };
    expect(
      parseSettings({ ...azure, RINGMASTER_ARM_ENDPOINT: undefined }).RINGMASTER_ARM_ENDPOINT,
    ).toBeUndefined();
    expect(parseSettings({ ...azure, RINGMASTER_ARM_ENDPOINT: "" }).RINGMASTER_ARM_ENDPOINT).toBeUndefined();
    expect(
      parseSettings({ ...azure, RINGMASTER_ARM_ENDPOINT: "https://management.usgovcloudapi.net" })
        .RINGMASTER_ARM_ENDPOINT,
    ).toBe("https://management.usgovcloudapi.net");
    const [line] = problems({ ...azure, RINGMASTER_ARM_ENDPOINT: "http://127.0.0.1:7080" });
    expect(line).toMatch(
      /^RINGMASTER_ARM_ENDPOINT: expected an https URL such as https:\/\/management\.usgovcloudapi\.net/,
    );
  });

  it("treats empty optional connection settings as absent", () => {
    expect(parseSettings({ ...SIM, RINGMASTER_EVENTHUB: "" }).RINGMASTER_EVENTHUB).toBeUndefined();
  });

  it("refuses a Key Vault reference App Service left unresolved as the link-signing key", () => {
    // The literal reference is long enough for the length rule, and anyone could compute links with it.
    const reference =
      "@Microsoft.KeyVault(SecretUri=https://kv-abc.vault.azure.net/secrets/ringmaster-action-link-key)";
    const [line] = problems({ ...SIM, RINGMASTER_ACTION_LINK_KEY: reference });
    expect(line).toMatch(
      /^RINGMASTER_ACTION_LINK_KEY: a Key Vault reference App Service could not resolve: /,
    );
    expect(line).toContain("Key Vault Secrets User");
    const key = "k".repeat(48);
    expect(parseSettings({ ...SIM, RINGMASTER_ACTION_LINK_KEY: key }).RINGMASTER_ACTION_LINK_KEY).toBe(key);
  });
});
