import type { InvocationContext } from "@azure/functions";
import type { z } from "zod";
import type { QueueCostAnomaliesInputSchema } from "../contracts/cost-anomalies.js";
import { costAnomalyMessage, moreAnomaliesMessage } from "../notify/cost-anomaly-email.js";
import type { ActivityDeps } from "./deps.js";
import { queueNotification } from "./notify.js";

/** Each anomaly of a check as an on-call notice (notify/cost-anomaly-email.ts), into the digests. */
export async function queueCostAnomalies(
  deps: ActivityDeps,
  input: z.output<typeof QueueCostAnomaliesInputSchema>,
  context: InvocationContext,
): Promise<{ queued: number }> {
  const messages = input.anomalies.map((a) => costAnomalyMessage(a, input.time));
  const day = input.anomalies[0]?.day;
  if (input.more > 0 && day) messages.push(moreAnomaliesMessage(day, input.more, input.time));
  // One after the other: they land in the same urgent digest, which starts on the first.
  for (const m of messages) await queueNotification(deps, m, context);
  return { queued: messages.length };
}
