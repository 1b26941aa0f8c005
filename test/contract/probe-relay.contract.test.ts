import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ActivityDeps } from "../../src/activities/deps.js";
import { evaluateGates } from "../../src/activities/gates.js";
import { parseSettings } from "../../src/config/settings.js";
import { DEFAULT_ACS_KEY } from "../../src/simulator/acs-email.js";
import { startSimulator, SUB, testFleetYaml, type SimHarness } from "../helpers/simulator.js";

/** The httpProbe gate through RINGMASTER_PROBE_RELAY: the simulator answers for the outside world. */
const DOWN = "https://status.example.net/down";
const UP = "https://status.example.net/up";

describe("Contract: HTTP probe gate through the simulator's probe relay", () => {
  let h: SimHarness;
  let deps: ActivityDeps;

  beforeAll(async () => {
    h = await startSimulator(testFleetYaml(`probes:\n  - { url: "${DOWN}", status: 503 }\n`));
    const settings = parseSettings({
      RINGMASTER_MODE: "simulator",
      RINGMASTER_POLICY_FILE: "policy.yaml",
      RINGMASTER_SUBSCRIPTION_IDS: SUB,
      RINGMASTER_ARM_ENDPOINT: h.sim.url,
      RINGMASTER_ACS_CONNECTION_STRING: `endpoint=${h.sim.url}/;accesskey=${DEFAULT_ACS_KEY}`,
      RINGMASTER_PROBE_RELAY: `${h.sim.url}/_sim/probe`,
    });
    const unused = () => {
      throw new Error("not used by the probe gate");
    };
    deps = {
      adapters: () => h.adapters(),
      policy: unused,
      settings: () => settings,
      durable: unused,
      publicBaseUrl: () => "http://127.0.0.1:7071",
    };
  });
  afterAll(() => h.stop());

  it("passes a probe the fleet file does not list (200) and fails one it answers 503", async () => {
    const probe = (url: string) => ({
      httpProbe: { url, expectStatus: 200, timeout: { iso: "PT5S", ms: 5_000 } },
    });
    const { passed, results } = await evaluateGates(deps, {
      gates: [probe(UP), probe(DOWN)],
      clusterIds: [],
      poolEvents: {},
    });
    expect(passed).toBe(false);
    expect(results.map((r) => [r.gate, r.passed, r.evidence])).toEqual([
      [`httpProbe(${UP})`, true, [`GET ${UP} answered 200 (expected 200)`]],
      [`httpProbe(${DOWN})`, false, [`GET ${DOWN} answered 503 (expected 200)`]],
    ]);
  });
});
