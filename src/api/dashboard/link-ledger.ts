import {
  actionLinkInstanceId,
  ActionLinkUseSchema,
  type ActionLinkUse,
} from "../../contracts/action-link-use.js";
import type { DurablePort } from "../../contracts/durable-port.js";
import { WorkflowName } from "../../contracts/workflow-names.js";

/**
 * The ledger of used one-click links, in the durable store: one `actionLink` orchestration per used nonce
 * (workflows/action-link.ts), running until the link's deadline. Durable, so single use holds across host
 * restarts and scale-out; nothing is kept in process memory.
 */
export async function usedLink(port: DurablePort, nonce: string): Promise<ActionLinkUse | undefined> {
  const view = await port.describe(actionLinkInstanceId(nonce));
  if (!view) return undefined;
  const use = ActionLinkUseSchema.safeParse(view.input);
  // An entry that does not parse still means the nonce was used: never treat it as fresh.
  return use.success
    ? use.data
    : { rollout: "?", ring: "?", action: "approve", by: "unknown", via: "link", at: "", expiresAt: 0 };
}

export type Claim = { ok: true } | { ok: false; use: ActionLinkUse | undefined };

/**
 * Records the use before acting. A second claim finds the entry (or, racing the first, fails to start an
 * instance that is already running) and is refused.
 */
export async function claimLink(port: DurablePort, nonce: string, use: ActionLinkUse): Promise<Claim> {
  const earlier = await usedLink(port, nonce);
  if (earlier) return { ok: false, use: earlier };
  try {
    await port.start(WorkflowName.actionLink, actionLinkInstanceId(nonce), ActionLinkUseSchema.parse(use));
  } catch (error) {
    const now = await usedLink(port, nonce);
    if (now) return { ok: false, use: now };
    throw error;
  }
  return { ok: true };
}
