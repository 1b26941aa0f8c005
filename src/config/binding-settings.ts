/**
 * Settings an entry file needs while the host loads it, to write its trigger metadata, read without zod:
 * functions/ingress.ts loads neither zod nor the settings schema at start (issue 12, cold start). The
 * schema in settings.ts uses these same defaults, and validates every setting on first use.
 */
export const DEFAULT_EVENTHUB_NAME = "ringmaster-ingress";

/** RINGMASTER_EVENTHUB_NAME as the settings schema reads it: trimmed, with empty meaning unset. */
export function ingressHubName(env: Readonly<Record<string, string | undefined>>): string {
  const value = env.RINGMASTER_EVENTHUB_NAME?.trim();
  return value ? value : DEFAULT_EVENTHUB_NAME;
}
