import { z } from "zod";
import { MessageSchema, type Message } from "./messages.js";
import type { DigestInputSchema } from "./workflow-inputs.js";

// Notifications go through digests (activities/notify.ts): a message is queued to the digest of its team
// group and time slot, which sends one email per recipient when the slot ends.

/** What a digest orchestration is started with: its schema (workflow-inputs.ts) with messages as queued. */
export type DigestInput = Omit<z.infer<typeof DigestInputSchema>, "messages"> & {
  readonly messages: readonly Message[];
};

/** The digest instance a queued message went to. */
export const QueuedNotificationSchema = z.object({ digest: z.string() });
export type QueuedNotification = z.infer<typeof QueuedNotificationSchema>;

export const SendDigestInputSchema = z.object({
  teams: z.array(z.string()).readonly(),
  messages: z.array(MessageSchema).readonly(),
  digestId: z.string(),
});
export type SendDigestInput = z.infer<typeof SendDigestInputSchema>;

export const DigestSentSchema = z.object({ sent: z.number(), recipients: z.array(z.string()) });
export type DigestSent = z.infer<typeof DigestSentSchema>;
