import { isAbsolute, resolve } from "node:path";
import { loadPolicyFile, type Policy } from "../config/policy.js";
import { getSettings, publicBaseUrlOf, type Settings } from "../config/settings.js";
import { composeAdapters, type Adapters } from "../azure/compose.js";

export interface RuntimeConfig {
  readonly settings: Settings;
  /** The one rollout policy this app runs (ONE_POLICY_PER_APP in config/policy.ts says why one). */
  readonly policy: Policy;
}

let cached: RuntimeConfig | undefined;

/**
 * Settings and policy, read and validated once per process, on first use: the first invocation that needs
 * them, which fails with the message that names a wrong setting or policy. Loading them while the host
 * loads the app cost each cold start the policy's YAML and schema (issue 12); functions/schedules.ts still
 * validates the settings at load, so a wrong setting stops start-up by name.
 */
export function getRuntimeConfig(): RuntimeConfig {
  if (cached) return cached;
  const settings = getSettings();
  const file = settings.RINGMASTER_POLICY_FILE;
  const policy = loadPolicyFile(isAbsolute(file) ? file : resolve(process.cwd(), file));
  cached = { settings, policy };
  return cached;
}

let adapters: Adapters | undefined;

/** The Azure adapters of this process (real or simulated, per settings), built on first use. */
export function getAdapters(): Adapters {
  adapters ??= composeAdapters(getRuntimeConfig().settings);
  return adapters;
}

/** Base URL people use to act on emails and the API. */
export function publicBaseUrl(): string {
  return publicBaseUrlOf(getRuntimeConfig().settings);
}
