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
 * Settings and policy, read and validated once per process. Entry files call this at load time, so a
 * wrong setting or policy stops start-up with the message that names it, instead of failing later.
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
