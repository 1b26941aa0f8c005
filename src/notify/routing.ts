import type { Policy } from "../config/policy.js";

/**
 * Who hears a message: the on-call teams it names (a ring's `notify`), or every team when it names none.
 * Recipients are grouped so each address gets one email per digest, however many teams it belongs to.
 */
export function recipientsFor(policy: Policy, teams: readonly string[]): string[] {
  const names = teams.length ? teams : Object.keys(policy.spec.onCall);
  const addresses = names.flatMap((t) => policy.spec.onCall[t]?.email ?? []);
  return [...new Set(addresses.map((a) => a.toLowerCase()))].sort();
}

/** A digest slot: messages for the same team group and slot go out together. */
export function digestSlot(timeMs: number, slotMs: number): number {
  return Math.floor(timeMs / slotMs) * slotMs + slotMs;
}

export const URGENT_SLOT_MS = 60_000;
