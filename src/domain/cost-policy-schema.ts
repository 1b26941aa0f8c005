import { z } from "zod";

/**
 * `spec.cost.anomaly` of the rollout policy: when a cluster's daily cost counts as an anomaly
 * (domain/cost-baseline.ts). Every threshold has a default, so a policy without a `cost` section gets the
 * daily check with these values; `enabled: false` turns it off. Errors name the field and a valid value.
 */
const int = (what: string, min: number, max: number, example: number) =>
  z
    .number({ error: `expected a whole number of ${what} such as ${example}` })
    .int({ error: `expected a whole number of ${what} such as ${example}` })
    .min(min, { error: `must be at least ${min} ${what}` })
    .max(max, { error: `must be at most ${max} ${what}` });

const number = (what: string, min: number, max: number, example: number) =>
  z
    .number({ error: `expected ${what} as a number such as ${example}` })
    .min(min, { error: `must be at least ${min} (${what})` })
    .max(max, { error: `must be at most ${max} (${what})` });

export const CostAnomalyPolicySchema = z
  .strictObject({
    enabled: z.boolean({ error: "expected true or false" }).default(true),
    /** Days before the checked day that form the baseline. */
    historyDays: int("days", 7, 90, 28).default(28),
    /** Fewer days of history than this and the cluster is not judged (a new cluster, a new subscription). */
    minHistoryDays: int("days", 3, 90, 14).default(14),
    /** How many robust standard deviations (1.4826 × MAD) above the expected cost the day must be. */
    sensitivity: number("robust standard deviations", 1, 20, 4).default(4),
    /** …and at least this much above expected, in percent… */
    minIncreasePercent: number("percent above expected", 0, 10_000, 25).default(25),
    /** …and in the billing currency: a cent-sized cluster doubling is not worth an email. */
    minIncreaseAmount: number("the billing currency's units", 0, 1_000_000, 10).default(10),
    /** The spread never counts as less than this percent of the expected cost (a perfectly flat history). */
    minSpreadPercent: number("percent of expected cost", 0, 100, 5).default(5),
    /** At most this many anomalies are reported a day, largest first (one email stays readable). */
    maxPerDay: int("clusters", 1, 200, 20).default(20),
  })
  .refine((a) => a.minHistoryDays <= a.historyDays, {
    error: "minHistoryDays must not exceed historyDays; lower minHistoryDays or raise historyDays",
    path: ["minHistoryDays"],
  });
export type CostAnomalyPolicy = z.infer<typeof CostAnomalyPolicySchema>;

export const CostPolicySchema = z
  .strictObject({ anomaly: CostAnomalyPolicySchema.prefault({}) })
  .prefault({});
export type CostPolicy = z.infer<typeof CostPolicySchema>;
