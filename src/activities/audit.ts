import type { InvocationContext } from "@azure/functions";
import { auditCloudEvent, auditOutput, type AuditCloudEvent } from "../azure/audit.js";
import { ActivityContracts, type ActivityInput, type ActivityOutput } from "../contracts/activities.js";
import { metricLine, spanLine } from "../shared/telemetry.js";

/**
 * Publishes audit CloudEvents: to the audit Event Hub through the output binding when the function was
 * registered with it (functions/workflows.ts does so when the connection is configured), else as one
 * structured log line per event, which the Functions host sends to Application Insights as traces.
 */
export function publishAudit(
  input: ActivityInput<"publishAudit">,
  context: InvocationContext,
): Promise<ActivityOutput<"publishAudit">> {
  const events = ActivityContracts.publishAudit.input.parse(input).events.map(auditCloudEvent);
  const bound = context.options.extraOutputs.some((o) => o.name === auditOutput.name);
  if (bound) context.extraOutputs.set(auditOutput, events);
  else for (const e of events) context.log(JSON.stringify({ audit: e }));
  for (const line of events.flatMap(telemetryOf)) context.info(line);
  return Promise.resolve({ published: events.length, to: bound ? "eventhub" : "log" });
}

/**
 * The traces and metrics a transition stands for (src/shared/telemetry.ts): a rollout's span from started
 * to completed/canceled, a cluster upgrade's from started to succeeded/failed, the others as points on
 * the rollout's trace; rollouts running goes up and down, clusters by phase counts each cluster transition.
 */
export function telemetryOf(e: AuditCloudEvent): string[] {
  const transition = e.type.replace("com.ringmaster.", "");
  const rollout = decodeURIComponent(e.source.split("/").at(-1) ?? "");
  const at = { time: e.time, rollout };
  if (transition === "rollout.started")
    return [
      spanLine(rollout, "rollout", "start", at),
      metricLine("ringmaster.rollouts.running", 1, { rollout }),
    ];
  if (transition === "rollout.completed" || transition === "rollout.canceled")
    return [
      spanLine(rollout, "rollout", "end", {
        ...at,
        outcome: typeof e.data.outcome === "string" ? e.data.outcome : transition,
      }),
      metricLine("ringmaster.rollouts.running", -1, { rollout }),
    ];
  if (transition.startsWith("cluster.") && e.subject) {
    const phase = transition.slice("cluster.".length);
    return [
      spanLine(`${rollout} ${e.subject}`, "cluster upgrade", phase === "started" ? "start" : "end", {
        ...at,
        cluster: e.subject,
        phase,
      }),
      metricLine("ringmaster.clusters.phase", 1, { phase, rollout, cluster: e.subject }),
    ];
  }
  return [spanLine(rollout, transition, "point", at)];
}
