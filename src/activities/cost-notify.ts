import type { InvocationContext } from "@azure/functions";
import type { z } from "zod";
import type { QueueCostAnomaliesInputSchema } from "../contracts/cost-anomalies.js";
import type { MessageInput } from "../contracts/messages.js";
import { costAnomalyMessage, moreAnomaliesMessage } from "../notify/cost-anomaly-email.js";
import type { ActivityDeps } from "./deps.js";
import { queueNotification } from "./notify.js";

/**
 * Each anomaly of a check as an on-call notice (notify/cost-anomaly-email.ts), into the digests: to the
 * teams of the ring that last upgraded the cluster, or to every on-call team.
 */
export async function queueCostAnomalies(
  deps: ActivityDeps,
  input: z.output<typeof QueueCostAnomaliesInputSchema>,
  context: InvocationContext,
): Promise<{ queued: number }> {
  const rings = deps.policy().spec.rings;
  // The ring Ringmaster last upgraded the cluster in says whose it is (its `notify` teams); else every team.
  const teamsOf = (a: (typeof input.anomalies)[number]) =>
    rings.find((r) => r.name === a.operations.at(-1)?.ring)?.notify ?? [];
  const messages: MessageInput[] = input.anomalies.map((a) => ({
    ...costAnomalyMessage(a, input.time),
    teams: teamsOf(a),
  }));
  const day = input.anomalies[0]?.day;
  if (input.more > 0 && day) messages.push(moreAnomaliesMessage(day, input.more, input.time));
  // One after the other: they land in the same urgent digest, which starts on the first.
  for (const m of messages) await queueNotification(deps, m, context);
  return { queued: messages.length };
}
