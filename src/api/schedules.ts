import type { InvocationContext, Timer } from "@azure/functions";
import { createActivities } from "../activities/index.js";
import { activityDeps } from "../app/activity-deps.js";
import { scheduledRunSpan } from "../config/ncrontab.js";
import { getAdapters, getRuntimeConfig } from "../app/runtime-config.js";
import { lazyDurablePort } from "../dispatch/lazy-durable.js";
import { costCheckInstanceId, nodeImagePollInstanceId } from "../contracts/instance-ids.js";
import type { CostAnomalyCheckInput } from "../contracts/cost-anomalies.js";
import { WorkflowName } from "../contracts/workflow-names.js";

/**
 * Timer handlers. The node-image poll starts one refresh per policy and day (the id makes a second firing
 * a no-op); the window reconcile re-applies ring windows (DST changes, drift) when the policy manages them.
 */
export async function nodeImagePoll(_timer: Timer, context: InvocationContext): Promise<void> {
  const policy = getRuntimeConfig().policy;
  if (policy.spec.nodeImage?.enabled === false) return;
  const day = new Date(getAdapters().clock.now()).toISOString().slice(0, 10);
  const id = nodeImagePollInstanceId(policy.metadata.name, day);
  const durable = lazyDurablePort(context);
  if ((await durable.status(id)) !== undefined) {
    context.info(`node-image poll ${id} already ran`);
    return;
  }
  await durable.start(WorkflowName.nodeImageRefresh, id, { policy: policy.metadata.name });
  context.info(`node-image poll started ${id}`);
}

export async function windowReconcile(_timer: Timer, context: InvocationContext): Promise<void> {
  if (!getRuntimeConfig().policy.spec.manageWindows) return;
  const activities = createActivities(activityDeps);
  // Each run covers the span since the previous scheduled run and reads only what can have changed in it
  // (about one list call per cluster a day); without a previous instant, every cluster is read.
  const nowMs = getAdapters().clock.now();
  const span = scheduledRunSpan(getRuntimeConfig().settings.RINGMASTER_RECONCILE_SCHEDULE, nowMs);
  const result = await activities.applyRingWindows({
    kinds: ["kubernetes", "nodeImage"],
    everyRow: true,
    ...(span ? { nowMs: span.current, sinceMs: span.previous } : { nowMs }),
  });
  for (const w of result.written)
    context.warn(`window drift corrected on ${w.cluster} (${w.config}): ${w.was} → ${w.now}`);
  context.info(
    `window reconcile: ${result.read} clusters read, ${result.skipped} not due; ${result.writtenCount} written, ${result.unchanged} unchanged; clusters from ${result.source}`,
  );
}

const DAY_MS = 86_400_000;
/** Pay-as-you-go usage lands up to 72 h after the day (EA/MCA 8–24 h): a check asks until then. */
const COST_DATA_DEADLINE_MS = 72 * 3_600_000;

/** The cost-anomaly check of yesterday (UTC), one per policy and spend day. */
export async function costAnomalyCheck(_timer: Timer, context: InvocationContext): Promise<void> {
  const policy = getRuntimeConfig().policy;
  if (!policy.spec.cost.anomaly.enabled) return;
  const today = Math.floor(getAdapters().clock.now() / DAY_MS) * DAY_MS;
  const day = new Date(today - DAY_MS).toISOString().slice(0, 10);
  const id = costCheckInstanceId(policy.metadata.name, day);
  const durable = lazyDurablePort(context);
  if ((await durable.status(id)) !== undefined) {
    context.info(`cost-anomaly check ${id} already ran`);
    return;
  }
  await durable.start(WorkflowName.costAnomalyCheck, id, {
    policy: policy.metadata.name,
    day,
    retryUntilMs: today + COST_DATA_DEADLINE_MS,
    retryEveryMs: 3_600_000,
  } satisfies CostAnomalyCheckInput);
  context.info(`cost-anomaly check started ${id}`);
}
