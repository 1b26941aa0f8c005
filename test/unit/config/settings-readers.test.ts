import { afterEach, describe, expect, it } from "vitest";
import { probeTarget } from "../../../src/activities/gates.js";
import { composeAdapters } from "../../../src/azure/compose.js";
import { clockSetting } from "../../../src/clock/clock.js";
import { parseSettings, publicBaseUrlOf } from "../../../src/config/settings.js";
import { SettingsError } from "../../../src/config/errors.js";

// Settings reach the code only through `Settings`: these are the readers that used to go around it
// (process.env in compose.ts and runtime-config.ts, a simulator URL built in activities/gates.ts).
const SIM = {
  RINGMASTER_MODE: "simulator",
  RINGMASTER_POLICY_FILE: "examples/policy.yaml",
  RINGMASTER_SUBSCRIPTION_IDS: "11111111-1111-1111-1111-111111111111",
  RINGMASTER_ARM_ENDPOINT: "http://127.0.0.1:7080",
  RINGMASTER_ACS_CONNECTION_STRING: "endpoint=http://127.0.0.1:7080/;accesskey=a2V5",
};
const AZURE = {
  ...SIM,
  RINGMASTER_MODE: "azure",
  // Azure mode takes only an https ARM endpoint (a sovereign cloud); none means the public cloud.
  RINGMASTER_ARM_ENDPOINT: undefined,
  RINGMASTER_ACS_ENDPOINT: "https://x.communication.azure.com",
};

describe("settings read through Settings only", () => {
  const saved = { clock: process.env.RINGMASTER_CLOCK, host: process.env.WEBSITE_HOSTNAME };
  afterEach(() => {
    for (const [name, value] of [
      ["RINGMASTER_CLOCK", saved.clock],
      ["WEBSITE_HOSTNAME", saved.host],
    ] as const)
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
  });

  it("the composition root takes the virtual clock from the settings it is given, not the environment", () => {
    process.env.RINGMASTER_CLOCK = "real";
    const clock = clockSetting({
      virtualStart: Date.parse("2026-11-23T00:00:00Z"),
      speed: 3600,
      realStart: 1,
    });
    const adapters = composeAdapters(parseSettings({ ...SIM, RINGMASTER_CLOCK: clock }));
    expect(adapters.clock.speed).toBe(3600);
    // 30 simulated seconds of a 3600x clock.
    expect(adapters.pollIntervalMs).toBeCloseTo(30_000 / 3600);
  });

  it("the public base URL is the configured one, else the host name App Service (or the local host) gives", () => {
    process.env.WEBSITE_HOSTNAME = "from-the-environment:1";
    expect(publicBaseUrlOf(parseSettings({ ...AZURE, WEBSITE_HOSTNAME: "rm.azurewebsites.net" }))).toBe(
      "http://rm.azurewebsites.net",
    );
    expect(
      publicBaseUrlOf(
        parseSettings({
          ...AZURE,
          WEBSITE_HOSTNAME: "rm.azurewebsites.net",
          RINGMASTER_PUBLIC_BASE_URL: "https://rm.contoso.net",
        }),
      ),
    ).toBe("https://rm.contoso.net");
    expect(publicBaseUrlOf(parseSettings(AZURE))).toBe("http://localhost:7071");
  });

  it("refuses a WEBSITE_HOSTNAME that is not host[:port], naming the setting", () => {
    expect(() => parseSettings({ ...AZURE, WEBSITE_HOSTNAME: "https://x/" })).toThrow(SettingsError);
    expect(() => parseSettings({ ...AZURE, WEBSITE_HOSTNAME: "https://x/" })).toThrow(
      /WEBSITE_HOSTNAME: expected host\[:port\]/,
    );
  });

  it("an HTTP probe goes through the relay the settings name, and only then", () => {
    const url = "https://status.example.net/healthz?deep=1";
    const relayed = parseSettings({ ...SIM, RINGMASTER_PROBE_RELAY: "http://127.0.0.1:7080/_sim/probe" });
    expect(probeTarget(relayed, url)).toBe(`http://127.0.0.1:7080/_sim/probe?url=${encodeURIComponent(url)}`);
    // A loopback URL is ours to reach; no relay (or azure mode) means the probe goes to its own URL.
    expect(probeTarget(relayed, "http://127.0.0.1:9000/healthz")).toBe("http://127.0.0.1:9000/healthz");
    expect(probeTarget(parseSettings(SIM), url)).toBe(url);
    expect(probeTarget(parseSettings(AZURE), url)).toBe(url);
  });

  it("refuses a probe relay that is not an http(s) URL", () => {
    expect(() => parseSettings({ ...SIM, RINGMASTER_PROBE_RELAY: "127.0.0.1:7080" })).toThrow(
      /RINGMASTER_PROBE_RELAY: expected an http\(s\) URL/,
    );
  });
});
