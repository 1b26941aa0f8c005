import { z } from "zod";

/**
 * The record of a used one-click link (notify/action-links.ts): the input of its ledger orchestration
 * (`link:<nonce>`, workflows/action-link.ts), which runs until the link's deadline has passed. While it
 * runs, a second start with the same id fails, so the link cannot be used twice, across host restarts and
 * hosts; once it has ended, the link's own deadline refuses it.
 */
export const ActionLinkUseSchema = z.strictObject({
  rollout: z.string(),
  ring: z.string(),
  action: z.enum(["approve", "reject", "resume", "cancel"]),
  /** Who used it, as resolved (api/actor.ts), and how they were proven. */
  by: z.string(),
  via: z.enum(["entra", "link"]),
  /** When it was used (ISO) and the link's deadline (epoch ms). */
  at: z.string(),
  expiresAt: z.number(),
});
export type ActionLinkUse = z.infer<typeof ActionLinkUseSchema>;

/** The ledger instance of a link's nonce (base64url: no character an instance id forbids). */
export const actionLinkInstanceId = (nonce: string): string => `link:${nonce}`;

/** The ledger outlives the deadline by this much, so "used" is answered rather than "expired" near it. */
export const LEDGER_MARGIN_MS = 3_600_000;
