import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SettingsError } from "../../../src/config/errors.js";
import { describeSettingValue, redactSecrets } from "../../../src/shared/redact.js";
import { exportDefaults, parseSettings } from "../../../src/config/settings.js";

const SIM = {
  RINGMASTER_MODE: "simulator",
  RINGMASTER_POLICY_FILE: "examples/policy.yaml",
  RINGMASTER_SUBSCRIPTION_IDS: "11111111-1111-1111-1111-111111111111",
  RINGMASTER_ARM_ENDPOINT: "http://127.0.0.1:7080",
  RINGMASTER_ACS_CONNECTION_STRING: "endpoint=http://127.0.0.1:7080/;accesskey=a2V5",
};

function message(env: Record<string, string | undefined>): string {
  try {
    parseSettings(env);
  } catch (error) {
    expect(error).toBeInstanceOf(SettingsError);
    return (error as SettingsError).message;
  }
  throw new Error("expected settings to be rejected");
}

describe("Settings errors never echo a secret", () => {
  it("names a malformed ACS connection string without showing its access key", () => {
    const key = "c3VwZXItc2VjcmV0LWFjcy1rZXktZG8tbm90LXByaW50";
    const text = message({ ...SIM, RINGMASTER_ACS_CONNECTION_STRING: `accesskey=${key};endpoint=nowhere` });
    expect(text).toMatch(/RINGMASTER_ACS_CONNECTION_STRING: expected endpoint=<url>;accesskey=<base64 key>/);
    expect(text).toMatch(/not shown: it is a secret/);
    expect(text).not.toContain(key);
    expect(text).not.toContain("nowhere");
  });

  it("masks a key that lands in a setting not known to be secret", () => {
    const text = message({
      ...SIM,
      RINGMASTER_ARM_ENDPOINT: "DefaultEndpointsProtocol=https;AccountName=st;AccountKey=QUJDREVGR0g=",
    });
    expect(text).toMatch(/RINGMASTER_ARM_ENDPOINT: expected an http\(s\) URL/);
    expect(text).toContain("AccountKey=[redacted]");
    expect(text).not.toContain("QUJDREVGR0g=");
  });

  it("redacts accesskey, SharedAccessKey, AccountKey and sig whatever their case and position", () => {
    const value = fc.stringMatching(/^[A-Za-z0-9+/=%]{4,40}$/);
    const name = fc.constantFrom("accesskey", "SharedAccessKey", "AccountKey", "sig", "ACCESSKEY");
    fc.assert(
      fc.property(name, value, fc.constantFrom(";", "&", " "), (n, v, sep) => {
        const text = `Endpoint=sb://ns.servicebus.windows.net/${sep}${n}=${v}${sep}EntityPath=hub`;
        const out = redactSecrets(text);
        expect(out).toContain(`${n}=[redacted]`);
        expect(out).not.toContain(`${n}=${v}`);
        expect(out).toContain("EntityPath=hub");
      }),
    );
    expect(redactSecrets("https://st.blob.core.windows.net/c?sv=2024&sig=abc%2Bdef&se=1")).toBe(
      "https://st.blob.core.windows.net/c?sv=2024&sig=[redacted]&se=1",
    );
  });

  it("describes secret settings by length only, from the table and by name", () => {
    expect(describeSettingValue("RINGMASTER_EVENTHUB", "Endpoint=sb://x/;SharedAccessKey=k")).not.toContain(
      "Endpoint",
    );
    expect(describeSettingValue("SOME_CLIENT_SECRET", "hunter2")).not.toContain("hunter2");
    expect(describeSettingValue("RINGMASTER_MODE", "azur")).toBe('got "azur"');
  });
});

describe("Schedule settings", () => {
  it("are optional: unset or empty means the README's default", () => {
    const unset = parseSettings(SIM);
    expect(unset.RINGMASTER_NODE_IMAGE_SCHEDULE).toBe("0 0 5 * * Mon");
    expect(unset.RINGMASTER_RECONCILE_SCHEDULE).toBe("0 15 */6 * * *");
    expect(parseSettings({ ...SIM, RINGMASTER_RECONCILE_SCHEDULE: " " }).RINGMASTER_RECONCILE_SCHEDULE).toBe(
      "0 15 */6 * * *",
    );
  });

  it("name the setting when croner refuses the expression, even with six fields", () => {
    const text = message({
      ...SIM,
      RINGMASTER_NODE_IMAGE_SCHEDULE: "0 0 5 * * Funday",
      RINGMASTER_RECONCILE_SCHEDULE: "0 61 * * * *",
    });
    expect(text).toMatch(
      /RINGMASTER_NODE_IMAGE_SCHEDULE: expected a six-field NCRONTAB .*\(got "0 0 5 \* \* Funday"\)/,
    );
    expect(text).toMatch(
      /RINGMASTER_RECONCILE_SCHEDULE: expected a six-field NCRONTAB .*\(got "0 61 \* \* \* \*"\)/,
    );
  });

  it("are written into the environment when unset, so %SETTING% references resolve to the default", () => {
    const env: Record<string, string | undefined> = { ...SIM, RINGMASTER_NODE_IMAGE_SCHEDULE: "" };
    exportDefaults(env, parseSettings(env));
    expect(env.RINGMASTER_NODE_IMAGE_SCHEDULE).toBe("0 0 5 * * Mon");
    expect(env.RINGMASTER_RECONCILE_SCHEDULE).toBe("0 15 */6 * * *");
    expect(env.RINGMASTER_EVENTHUB_NAME).toBe("ringmaster-ingress");
    const custom: Record<string, string | undefined> = {
      ...SIM,
      RINGMASTER_RECONCILE_SCHEDULE: "0 0 * * * *",
    };
    exportDefaults(custom, parseSettings(custom));
    expect(custom.RINGMASTER_RECONCILE_SCHEDULE).toBe("0 0 * * * *");
  });
});

describe("the policy's node-image schedule", () => {
  it("is checked with croner, and the error names its path", async () => {
    const { parsePolicyYaml } = await import("../../../src/config/policy.js");
    const { readFileSync } = await import("node:fs");
    const example = readFileSync("examples/policy.yaml", "utf8");
    expect(example).toMatch(/schedule: "0 0 5 \* \* Mon"/);
    expect(() =>
      parsePolicyYaml(
        example.replace('schedule: "0 0 5 * * Mon"', 'schedule: "0 0 5 * * Caturday"'),
        "p.yaml",
      ),
    ).toThrow(/spec\.nodeImage\.schedule: "0 0 5 \* \* Caturday" cannot be scheduled/);
  });
});
