import type * as df from "durable-functions";
import { ActionLinkUseSchema, LEDGER_MARGIN_MS } from "../contracts/action-link-use.js";
import { parseWorkflowInput } from "../contracts/workflow-inputs.js";
import { WorkflowName } from "../contracts/workflow-names.js";
import { at, type Ctx } from "./call.js";

/**
 * A used one-click link's entry in the ledger (contracts/action-link-use.ts): it holds the use as its input
 * and stays running until the link's deadline has passed, so the link's id cannot be started again. It
 * takes no events and calls nothing.
 */
export function* actionLinkWorkflow(ctx: Ctx): Generator<df.Task, unknown, unknown> {
  const use = parseWorkflowInput(WorkflowName.actionLink, ActionLinkUseSchema, ctx.df.getInput());
  yield ctx.df.createTimer(at(use.expiresAt + LEDGER_MARGIN_MS));
  return { used: use.at, by: use.by };
}
