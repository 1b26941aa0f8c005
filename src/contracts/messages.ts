import { z } from "zod";

/**
 * What Ringmaster tells people. A message is plain data (it crosses activity boundaries); templates turn
 * one or many into an email. `urgent` messages go out in the next minute's digest, others wait for the
 * policy's digest interval, so a large rollout never exceeds the Communication Services quotas.
 */
export const MessageKind = {
  forecast: "forecast",
  approvalRequest: "approvalRequest",
  approvalResult: "approvalResult",
  clusterFailure: "clusterFailure",
  halt: "halt",
  completion: "completion",
  conflict: "conflict",
  endOfSupport: "endOfSupport",
  budget: "budget",
  aksMaintenance: "aksMaintenance",
  fleetGate: "fleetGate",
  costAnomaly: "costAnomaly",
} as const;
export type MessageKind = (typeof MessageKind)[keyof typeof MessageKind];

export const MessageSchema = z.object({
  kind: z.enum(Object.values(MessageKind) as [MessageKind, ...MessageKind[]]),
  /** Stable id: the same message queued twice is sent once. */
  key: z.string(),
  title: z.string(),
  /** One-line summary used in digest subjects and lists. */
  summary: z.string(),
  /** Paragraphs of plain text. */
  lines: z.array(z.string()).default([]),
  /** Rows rendered as a table (first row is the header). */
  table: z.array(z.array(z.string())).optional(),
  /** Actions a person can take: label and URL (approve, reject, resume…). */
  actions: z
    .array(
      z.object({
        label: z.string(),
        url: z.string(),
        method: z.string().default("POST"),
        /**
         * What a one-click link does (notify/action-links.ts): the email carries a signed, expiring,
         * single-use link to a confirmation page instead of the API call. `expiresAt` is epoch ms.
         */
        link: z
          .object({
            rollout: z.string(),
            ring: z.string(),
            action: z.enum(["approve", "reject", "resume", "cancel"]),
            expiresAt: z.number(),
          })
          .optional(),
      }),
    )
    .default([]),
  urgent: z.boolean().default(false),
  /** Policy on-call teams to tell; empty means every team. */
  teams: z.array(z.string()).default([]),
  time: z.string(),
  rollout: z.string().optional(),
});
export type Message = z.infer<typeof MessageSchema>;
export type MessageInput = z.input<typeof MessageSchema>;
