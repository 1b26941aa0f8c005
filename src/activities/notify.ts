import { v5 as uuidv5 } from "uuid";
import type { InvocationContext } from "@azure/functions";
import { digestInstanceId } from "../contracts/instance-ids.js";
import { WorkflowName } from "../contracts/workflow-names.js";
import { DIGEST_DEFAULT } from "../domain/policy-schema.js";
import type { DigestInput, DigestSent, QueuedNotification, SendDigestInput } from "../contracts/digests.js";
import { MessageSchema, type MessageInput } from "../contracts/messages.js";
import { digestSlot, recipientsFor, URGENT_SLOT_MS } from "../notify/routing.js";
import { renderEmail, type LinkSigner } from "../notify/templates.js";
import { actionLinkUrl, linkNonce, signActionLink } from "../notify/action-links.js";
import { ExternalEvent } from "../contracts/events.js";
import type { ActivityDeps } from "./deps.js";

/** The UUID namespace of ACS email Operation-Ids (RFC 9562 name-based ids; any fixed UUID serves). */
const EMAIL_OPERATION_NAMESPACE = "aed4b5f5-8dad-4d9d-aae7-ceb3ec52d465";

/**
 * Notifications go through digests: one `digest` orchestration per team group and time slot collects
 * messages and sends one email per recipient when the slot ends (a minute for urgent messages, the policy's
 * `notifications.digest` otherwise). However many clusters a rollout touches, the Communication Services
 * quotas (30/min, 100/h) see a handful of emails. Shapes: contracts/digests.ts and contracts/messages.ts.
 */
export async function queueNotification(
  deps: ActivityDeps,
  input: MessageInput,
  context: InvocationContext,
): Promise<QueuedNotification> {
  const message = MessageSchema.parse(input);
  const policy = deps.policy();
  const teams = message.teams.length ? [...message.teams].sort() : Object.keys(policy.spec.onCall).sort();
  const slotMs = message.urgent ? URGENT_SLOT_MS : (policy.spec.notifications?.digest ?? DIGEST_DEFAULT).ms;
  const durable = deps.durable(context);
  const now = deps.adapters().clock.now();
  // A digest whose slot has ended may already have sent; a message then goes to the next slot.
  for (let slotEnd = digestSlot(now, slotMs); ; slotEnd += slotMs) {
    const id = digestInstanceId(teams, slotEnd);
    const status = await durable.status(id);
    if (status === undefined) {
      try {
        await durable.start(WorkflowName.digest, id, {
          teams,
          slotEnd,
          slotMs,
          messages: [message],
        } satisfies DigestInput);
        return { digest: id };
      } catch {
        // Started by someone else meanwhile: fall through and raise to it.
      }
    }
    if (status === undefined || status === "Running" || status === "Pending") {
      if (await durable.raise(id, ExternalEvent.notification, message)) return { digest: id };
    }
  }
}

export async function sendDigest(deps: ActivityDeps, input: SendDigestInput): Promise<DigestSent> {
  const policy = deps.policy();
  const recipients = recipientsFor(policy, input.teams);
  const unique = [...new Map(input.messages.map((m) => [m.key, m])).values()];
  if (recipients.length === 0 || unique.length === 0) return { sent: 0, recipients };
  const email = renderEmail(unique, linkSigner(deps, input.digestId));
  // The Operation-Id is a name-based (v5) UUID of the digest, so a retried activity re-sends the same
  // operation, not a second email.
  const operationId = uuidv5(input.digestId, EMAIL_OPERATION_NAMESPACE);
  await deps.adapters().email.send({
    from: policy.spec.notifications?.from ?? "DoNotReply@ringmaster.local",
    to: recipients,
    subject: email.subject,
    text: email.text,
    html: email.html,
    operationId,
  });
  return { sent: unique.length, recipients };
}

/**
 * Signs each state-changing action of an email as a one-click link (notify/action-links.ts), when a key is
 * set. The nonce is derived from the digest, the message and the action, so a retried send renders the
 * same email (the same ACS operation) and each link stays one capability.
 */
function linkSigner(deps: ActivityDeps, digestId: string): LinkSigner | undefined {
  const key = deps.settings().RINGMASTER_ACTION_LINK_KEY;
  if (!key) return undefined;
  return (action, message) => {
    const link = action.link;
    if (!link) return undefined;
    const token = signActionLink(key, {
      v: 1,
      r: link.rollout,
      g: link.ring,
      a: link.action,
      d: link.expiresAt,
      n: linkNonce(key, digestId, message.key, link.action),
    });
    return actionLinkUrl(deps.publicBaseUrl(), token);
  };
}
