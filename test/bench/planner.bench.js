// Planner: 1,000 and 10,000 synthetic clusters over a 90-day horizon; time, memory and growth ratio.
import { performance } from "node:perf_hooks";
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { PolicySchema } from "../../dist/src/domain/policy-schema.js";
import { planRollout } from "../../dist/src/domain/planner.js";
import { heapUsed, row } from "./harness.js";

const policy = PolicySchema.parse(
  parse(readFileSync(new URL("../../examples/policy.yaml", import.meta.url), "utf8")),
);
const ENVS = ["dev", "staging", "prod", "prod", "prod"];
const LOCATIONS = ["westeurope", "northeurope", "eastus", "westus2", "southeastasia"];
const DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

/** A fleet shaped like the guidance: ~25 clusters per subscription-region, a third with their own window. */
function fleet(n) {
  const clusters = [];
  for (let i = 0; i < n; i++) {
    const sub = `${String(Math.floor(i / 125)).padStart(8, "0")}-0000-0000-0000-000000000000`;
    const own = i % 3 === 0;
    clusters.push({
      id: `/subscriptions/${sub}/resourceGroups/rg${i % 7}/providers/Microsoft.ContainerService/managedClusters/c${i}`,
      name: `c${i}`,
      subscriptionId: sub,
      resourceGroup: `rg${i % 7}`,
      location: LOCATIONS[i % LOCATIONS.length],
      tags: { env: ENVS[i % ENVS.length] },
      kubernetesVersion: `1.30.${i % 5}`,
      provisioningState: "Succeeded",
      nodePools: [
        {
          name: "system",
          mode: "System",
          count: 3,
          orchestratorVersion: "1.30.4",
          nodeImageVersion: "AKSUbuntu-2204gen2containerd-202611.03.0",
        },
        {
          name: "apps",
          mode: "User",
          count: 2 + (i % 9),
          orchestratorVersion: "1.30.4",
          nodeImageVersion: "AKSUbuntu-2204gen2containerd-202611.03.0",
        },
      ],
      windows: own
        ? {
            autoUpgrade: {
              kind: "window",
              spec: {
                schedule: { weekly: { dayOfWeek: DAYS[i % 7], intervalWeeks: 1 } },
                startTime: `${String(i % 24).padStart(2, "0")}:00`,
                durationHours: 6,
                zone: "UTC+01:00",
              },
            },
          }
        : {},
    });
  }
  return { clusters, availableVersions: {} };
}

function measure(n, manageWindows) {
  const inventory = fleet(n);
  const p = { ...policy, spec: { ...policy.spec, manageWindows } };
  const now = Date.parse("2026-11-23T06:00:00Z");
  planRollout({ policy: p, inventory: fleet(200), target: { kind: "kubernetes", version: "1.30.5" }, now });
  const before = heapUsed();
  const start = performance.now();
  const plan = planRollout({
    policy: p,
    inventory,
    target: { kind: "kubernetes", version: "1.30.5" },
    now,
    horizonDays: 90,
  });
  const ms = performance.now() - start;
  const mem = process.memoryUsage().heapUsed - before;
  const scheduled = plan.clusters.filter((c) => c.status === "scheduled").length;
  return { ms, mem, scheduled };
}

export function run() {
  console.log("planner: synthetic fleets, 90-day horizon");
  const results = {};
  for (const manageWindows of [false, true]) {
    const small = measure(1_000, manageWindows);
    const large = measure(10_000, manageWindows);
    const label = manageWindows ? "ring windows (manageWindows: true)" : "a third with own windows";
    row(
      `1,000 clusters, ${label}`,
      `${small.ms.toFixed(0)} ms, heap +${(small.mem / 1048576).toFixed(1)} MB, ${small.scheduled} scheduled`,
    );
    row(
      `10,000 clusters, ${label}`,
      `${large.ms.toFixed(0)} ms, heap +${(large.mem / 1048576).toFixed(1)} MB, ${large.scheduled} scheduled`,
    );
    row("  growth 1k → 10k (time ratio; linear = 10x)", `${(large.ms / small.ms).toFixed(1)}x`);
    results[label] = { small, large };
  }
  return results;
}
