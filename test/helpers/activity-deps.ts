import type { ActivityDeps } from "../../src/activities/deps.js";
import type { Policy } from "../../src/config/policy.js";
import { parseSettings } from "../../src/config/settings.js";
import { DEFAULT_ACS_KEY } from "../../src/simulator/acs-email.js";
import { SUB, type SimHarness } from "./simulator.js";

/**
 * What activities get in production (adapters, policy, settings), bound to the contract tests' simulator:
 * the real adapters over HTTP, simulator-mode settings pointing at it, and no durable client (activities
 * that need one say so by throwing).
 */
export function activityDeps(h: SimHarness, policy: Policy): ActivityDeps {
  const settings = parseSettings({
    RINGMASTER_MODE: "simulator",
    RINGMASTER_POLICY_FILE: "policy.yaml",
    RINGMASTER_SUBSCRIPTION_IDS: SUB,
    RINGMASTER_ARM_ENDPOINT: h.sim.url,
    RINGMASTER_ACS_CONNECTION_STRING: `endpoint=${h.sim.url}/;accesskey=${DEFAULT_ACS_KEY}`,
  });
  const adapters = h.adapters();
  return {
    adapters: () => adapters,
    policy: () => policy,
    settings: () => settings,
    durable: () => {
      throw new Error("the durable client is not used by these activities");
    },
    publicBaseUrl: () => "http://127.0.0.1:7071",
  };
}
