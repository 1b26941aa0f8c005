import { z } from "zod";
import type { FleetInput } from "./fleet-generator.js";

/**
 * The `--faults` vocabulary of `ringmaster simulate generate`: a few words that each map onto the fleet
 * schema's `faults` (fleet-schema.ts FaultSchema), so a generated fleet can be made to fail the ways a real
 * one does without writing fault entries by hand. Written `name=count`, comma-separated; count defaults
 * to 1. Clusters are picked with the generator's seeded random, so the same seed picks the same ones.
 */
export const FAULT_WORDS = {
  "drain-failure":
    "count clusters whose next upgrade of a user pool (else the system pool) fails draining (PodDrainFailure)",
  "slow-upgrade": "count clusters whose next upgrade step takes 60 simulated minutes longer",
  "control-plane-failure": "count clusters whose next control-plane upgrade fails (UpgradeFailed)",
  throttle: "managedClusters.get answers count 429s (Retry-After: 5 s)",
  "server-error": "managedClusters.get answers count 503s",
  "lost-event": "count NewKubernetesVersionAvailable deliveries are lost",
  "duplicate-event": "count Event Grid deliveries arrive twice",
} as const;

export type FaultWord = keyof typeof FAULT_WORDS;
export type FaultRequest = { readonly word: FaultWord; readonly count: number };

type FleetFault = NonNullable<FleetInput["faults"]>[number];

const WORDS = Object.keys(FAULT_WORDS) as [FaultWord, ...FaultWord[]];
const FaultTermSchema = z.object({
  word: z.enum(WORDS, { error: `unknown fault; use one of ${WORDS.join(", ")}` }),
  count: z.coerce
    .number()
    .int()
    .min(1, { error: "the count must be a whole number of at least 1" })
    .max(10_000, { error: "the count must be at most 10000" }),
});

/** Parses `drain-failure=3,throttle=20`; throws naming the bad term and the vocabulary. */
export function parseFaultList(text: string): FaultRequest[] {
  const terms = text
    .split(",")
    .map((t) => t.trim())
    .filter((t) => t !== "");
  return terms.map((term) => {
    const [word = "", count = "1", ...rest] = term.split("=");
    const parsed = FaultTermSchema.safeParse({ word: word.trim(), count: count.trim() });
    if (!parsed.success || rest.length > 0)
      throw new Error(
        `--faults: "${term}": ${parsed.success ? "expected name=count" : parsed.error.issues[0]!.message} (e.g. drain-failure=3,throttle=20)`,
      );
    return parsed.data;
  });
}

/** The cluster a fault lands on and one of its user pools (or its first pool), picked by the caller. */
export interface FaultTarget {
  readonly cluster: string;
  readonly pool: string;
}

/** The fleet-file faults for the requests; `pick(n)` returns n distinct clusters (seeded). */
export function faultsFor(
  requests: readonly FaultRequest[],
  pick: (count: number) => FaultTarget[],
): FleetFault[] {
  const out: FleetFault[] = [];
  for (const { word, count } of requests) {
    switch (word) {
      case "drain-failure":
        for (const t of pick(count))
          out.push({ cluster: t.cluster, pool: t.pool, on: "upgrade", error: "PodDrainFailure", times: 1 });
        break;
      case "slow-upgrade":
        for (const t of pick(count))
          out.push({ cluster: t.cluster, on: "upgrade", slowMinutes: 60, times: 1 });
        break;
      case "control-plane-failure":
        for (const t of pick(count))
          out.push({ cluster: t.cluster, on: "controlPlane", error: "UpgradeFailed", times: 1 });
        break;
      case "throttle":
        out.push({ api: "managedClusters.get", status: 429, retryAfterSeconds: 5, times: count });
        break;
      case "server-error":
        out.push({ api: "managedClusters.get", status: 503, times: count });
        break;
      case "lost-event":
        out.push({ event: "lost", eventType: "NewKubernetesVersionAvailable", times: count });
        break;
      case "duplicate-event":
        out.push({ event: "duplicate", times: count });
        break;
    }
  }
  return out;
}
