import type * as df from "durable-functions";
import { CostAnomalyCheckInputSchema } from "../contracts/cost-anomalies.js";
import { parseWorkflowInput } from "../contracts/workflow-inputs.js";
import { WorkflowName } from "../contracts/workflow-names.js";
import { activityWithRetry, at, iso, nowMs, type Ctx } from "./call.js";

/**
 * The daily cost-anomaly check of one spend day (instance `cost-check:<policy>:<day>`): find the anomalies
 * (one paged Cost Management query per subscription, activities/cost-anomalies.ts), tell on-call about
 * them, and ask again, hourly, for the subscriptions whose rows for that day had not landed, until the
 * data can be expected (72 h after the day ended, pay-as-you-go's latest). Nothing is kept per cluster
 * between days: each check reads its baseline from Cost Management again.
 */
export function* costAnomalyCheckWorkflow(ctx: Ctx): Generator<df.Task, unknown, unknown> {
  const input = parseWorkflowInput(
    WorkflowName.costAnomalyCheck,
    CostAnomalyCheckInputSchema,
    ctx.df.getInput(),
  );
  let pending: string[] | undefined;
  const totals = { checked: 0, insufficient: 0, anomalies: 0, tries: 0 };
  for (;;) {
    totals.tries++;
    const found = yield* activityWithRetry(ctx, "findCostAnomalies", {
      day: input.day,
      ...(pending ? { subscriptions: pending } : {}),
    });
    totals.checked += found.checked;
    totals.insufficient += found.insufficient;
    totals.anomalies += found.anomalies.length + found.more;
    if (found.anomalies.length > 0)
      yield* activityWithRetry(ctx, "queueCostAnomalies", {
        anomalies: found.anomalies,
        more: found.more,
        time: iso(nowMs(ctx)),
      });
    pending = found.pending;
    ctx.df.setCustomStatus({ day: input.day, ...totals, pending });
    const next = nowMs(ctx) + input.retryEveryMs;
    if (pending.length === 0 || next > input.retryUntilMs)
      return { day: input.day, ...totals, notLanded: pending };
    yield ctx.df.createTimer(at(next));
  }
}
