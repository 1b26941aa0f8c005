import { z } from "zod";
import type { FleetSchema } from "./fleet-schema.js";
import { faultsFor, parseFaultList, type FaultTarget } from "./generated-faults.js";
import { mulberry32 } from "./seeded-random.js";

/**
 * A realistic fleet file of any size, for trying Ringmaster at scale (`ringmaster simulate generate`):
 * clusters spread evenly over rings (the `env` tag examples/policy.yaml selects rings by), subscriptions and
 * regions, so every subscription-region holds clusters of every ring; Kubernetes versions over the supported
 * minors (most on one patch behind), system and user pools of a few nodes on two node-image families, a
 * patch release for two minors and a node-image release reaching regions on different days, as AKS rolls
 * out. The same options and seed give the same file, byte for byte (seeded-random.ts).
 *
 * Per-cluster maintenance configurations are left out: the policy's ring windows (`manageWindows: true`)
 * are what Ringmaster writes to each cluster, as when a team first points it at an existing fleet.
 */
export type FleetInput = z.input<typeof FleetSchema>;
type ClusterInput = FleetInput["subscriptions"][number]["clusters"][number];

const REGION = /^[a-z][a-z0-9]*$/;
const RING = /^[a-z][a-z0-9-]*$/;
const list = (what: string, pattern: RegExp, example: string) =>
  z
    .string()
    .transform((s) =>
      s
        .split(",")
        .map((x) => x.trim())
        .filter((x) => x !== ""),
    )
    .pipe(
      z
        .array(
          z
            .string()
            .regex(pattern, { error: `each ${what} must be lower-case letters and digits, e.g. ${example}` }),
        )
        .min(1, { error: `name at least one ${what}, e.g. ${example}` })
        .refine((xs) => new Set(xs).size === xs.length, { error: `a ${what} is listed twice` }),
    );

export const GenerateOptionsSchema = z
  .object({
    clusters: z.coerce.number().int().min(1).max(20_000),
    subscriptions: z.coerce.number().int().min(1).max(500),
    regions: list("region", REGION, "westeurope,northeurope,eastus"),
    rings: list("ring", RING, "dev,staging,prod").default(["dev", "staging", "prod"]),
    seed: z.coerce
      .number()
      .int()
      .min(0)
      .max(2 ** 32 - 1)
      .default(1),
    faults: z.string().default(""),
    /** Share of clusters (0–1) given a Microsoft.Maintenance assignment to an aks-mrp-cfg-* public configuration. */
    legacyAssignments: z.coerce
      .number({ error: "expected a share between 0 and 1, e.g. 0.3" })
      .min(0, { error: "expected a share between 0 and 1, e.g. 0.3" })
      .max(1, { error: "expected a share between 0 and 1, e.g. 0.3" })
      .default(0),
    start: z
      .string()
      .refine((s) => !Number.isNaN(Date.parse(s)), { error: "expected an ISO 8601 date-time" })
      .default("2026-11-23T00:00:00Z"),
  })
  .refine((o) => o.subscriptions <= o.clusters, {
    path: ["subscriptions"],
    error: "cannot exceed --clusters (every subscription holds at least one cluster)",
  });
export type GenerateOptions = z.input<typeof GenerateOptionsSchema>;

/** Short region names for cluster and resource-group names (as teams abbreviate them); others are derived. */
const REGION_SHORT: Record<string, string> = {
  westeurope: "weu",
  northeurope: "neu",
  eastus: "eus",
  eastus2: "eus2",
  westus: "wus",
  westus2: "wus2",
  westus3: "wus3",
  centralus: "cus",
  uksouth: "uks",
  swedencentral: "sdc",
  germanywestcentral: "gwc",
  francecentral: "frc",
  southeastasia: "sea",
  australiaeast: "aue",
  japaneast: "jpe",
};
const shortRegion = (r: string) => REGION_SHORT[r] ?? r.replace(/[aeiou]/g, "").slice(0, 5);

/** The fleet's versions at the start: most clusters one patch behind on the current minor. */
const VERSIONS: readonly (readonly [string, number])[] = [
  ["1.30.4", 0.6],
  ["1.30.3", 0.15],
  ["1.31.1", 0.15],
  ["1.29.9", 0.1],
];
const RELEASED = ["1.30.5", "1.31.2"];
const IMAGE_FAMILIES: readonly (readonly [string, number])[] = [
  ["AKSUbuntu-2204gen2containerd", 0.85],
  ["AKSAzureLinux-V2gen2", 0.15],
];
const IMAGE_NOW = "202611.03.0";
const IMAGE_OLD = "202610.20.0";
const IMAGE_NEXT = "202611.17.0";
const TEAMS = ["platform", "payments", "checkout", "search", "identity", "data"];
const USER_POOLS = ["apps", "batch", "jobs", "web"];

function weighted<T>(random: () => number, choices: readonly (readonly [T, number])[]): T {
  let x = random();
  for (const [value, weight] of choices) {
    if (x < weight) return value;
    x -= weight;
  }
  return choices[choices.length - 1]![0];
}

/** Fisher–Yates with the seeded random (Array.sort with a random comparator is engine-dependent). */
function shuffled<T>(random: () => number, items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
const lcm = (a: number, b: number) => (a / gcd(a, b)) * b;

const between = (random: () => number, lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));

function subscriptionId(random: () => number): string {
  const hex = (n: number) => Array.from({ length: n }, () => Math.floor(random() * 16).toString(16)).join("");
  return `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`;
}

const iso = (ms: number) => new Date(ms).toISOString().replace(".000Z", "Z");
const HOUR = 3_600_000;

/** The fleet file's data for the options (not yet parsed: `parseFleetYaml` of its YAML gives the Fleet). */
export function generateFleet(options: GenerateOptions): FleetInput {
  const o = GenerateOptionsSchema.parse(options);
  const faults = parseFaultList(o.faults);
  const random = mulberry32(o.seed);
  const start = Date.parse(o.start);
  const subs = Array.from({ length: o.subscriptions }, (_, i) => ({
    id: subscriptionId(random),
    name: `sub-${String(i + 1).padStart(2, "0")}`,
    clusters: [] as ClusterInput[],
  }));
  // Slot q (0 ≤ q < K × R) is subscription q mod K with a region stepping along, shifted once per lcm(K, R)
  // slots: a bijection onto the subscription-regions that alternates both. Each ring's clusters take slots
  // in turn, continuing where the previous ring stopped, so every ring is spread evenly over the
  // subscription-regions (the lanes a rollout fans out to) and every subscription gets clusters.
  const slotCount = o.subscriptions * o.regions.length;
  const period = lcm(o.subscriptions, o.regions.length);
  const perRing = o.rings.map(
    (_, r) => Math.floor(o.clusters / o.rings.length) + (r < o.clusters % o.rings.length ? 1 : 0),
  );
  const width = String(o.clusters).length;
  let serial = 0;
  perRing.forEach((count, r) => {
    for (let j = 0; j < count; j++) {
      const q = serial % slotCount;
      const region = o.regions[(q + Math.floor(q / period)) % o.regions.length]!;
      serial++;
      subs[q % o.subscriptions]!.clusters.push(makeCluster(random, o.rings[r]!, region, serial, width));
    }
  });
  const all = subs.flatMap((s) => s.clusters);
  const pickRandom = mulberry32(o.seed ^ 0x5eed);
  const pick = (n: number): FaultTarget[] => {
    const chosen = new Set<number>();
    while (chosen.size < Math.min(n, all.length)) chosen.add(Math.floor(pickRandom() * all.length));
    return [...chosen].map((i) => {
      const c = all[i]!;
      const pool = c.nodePools.find((p) => p.mode === "User") ?? c.nodePools[0]!;
      return { cluster: c.name, pool: pool.name };
    });
  };
  giveLegacyAssignments(all, o.legacyAssignments, mulberry32(o.seed ^ 0x1e9ac));
  // The first half of the regions gets the node image on day 1, the rest two days later.
  const early = o.regions.slice(0, Math.ceil(o.regions.length / 2));
  const late = o.regions.slice(early.length);
  const images = IMAGE_FAMILIES.flatMap(([family]) => [
    { version: `${family}-${IMAGE_NEXT}`, regions: early, at: iso(start + 24 * HOUR) },
    ...(late.length
      ? [{ version: `${family}-${IMAGE_NEXT}`, regions: late, at: iso(start + 72 * HOUR) }]
      : []),
  ]);
  return {
    apiVersion: "ringmaster/v1",
    kind: "SimulatedAzure",
    clock: { start: iso(start), speed: 3600 },
    timing: { controlPlaneMinutes: 12, perNodeMinutes: 6 },
    subscriptions: subs,
    releases: {
      kubernetes: RELEASED.map((version) => ({ version, regions: o.regions, at: iso(start + 6 * HOUR) })),
      nodeImages: images,
    },
    faults: faultsFor(faults, pick),
    endOfSupport: [{ minor: "1.29", at: iso(start + 75 * 24 * HOUR) }],
    eventGrid: { deliverTo: "http://127.0.0.1:7071/runtime/webhooks/eventgrid?functionName=aksEvents" },
  };
}

/**
 * A share of the clusters gets an `aks-mrp-cfg-*` assignment (weekday or weekend, an offset from −12 to 12),
 * drawn from its own random stream so that fleets generated without the option stay as they were.
 */
function giveLegacyAssignments(clusters: ClusterInput[], share: number, random: () => number): void {
  const count = Math.round(share * clusters.length);
  if (count === 0) return;
  const chosen = shuffled(
    random,
    clusters.map((_, i) => i),
  ).slice(0, count);
  for (const i of chosen.sort((a, b) => a - b)) {
    const nights = random() < 0.5 ? "weekday" : "weekend";
    const offset = between(random, -12, 12);
    clusters[i]!.maintenanceAssignments = [
      { name: "legacy-window", configuration: `aks-mrp-cfg-${nights}_utc${offset === 0 ? "" : offset}` },
    ];
  }
}

function makeCluster(
  random: () => number,
  ring: string,
  region: string,
  serial: number,
  width: number,
): ClusterInput {
  const family = weighted(random, IMAGE_FAMILIES);
  const image = `${family}-${random() < 0.8 ? IMAGE_NOW : IMAGE_OLD}`;
  const team = TEAMS[Math.floor(random() * TEAMS.length)]!;
  const userPools = between(random, 0, 2);
  const names = shuffled(random, USER_POOLS).slice(0, userPools);
  const short = shortRegion(region);
  return {
    name: `aks-${ring}-${short}-${String(serial).padStart(width, "0")}`,
    resourceGroup: `rg-${team}-${ring}-${short}`,
    location: region,
    kubernetesVersion: weighted(random, VERSIONS),
    tags: { env: ring, team },
    nodePools: [
      { name: "system", mode: "System", count: between(random, 2, 3), nodeImageVersion: image },
      ...names.map((name) => ({
        name,
        mode: "User" as const,
        count: between(random, 2, 8),
        nodeImageVersion: image,
      })),
    ],
  };
}
