import { describe, expect, it } from "vitest";
import { summarizeRun } from "../../../src/activities/fleet-run.js";
import type { FleetRunStatusJson } from "../../../src/azure/fleet.js";
import { FleetRunStatusSchema } from "../../../src/contracts/fleet-run.js";
import { utf8Bytes } from "../../../src/contracts/lanes.js";

/**
 * A 5,000-member update run as Fleet reports it becomes a bounded activity result: counts per stage, at
 * most 20 failed members per stage, the waiting gates; far below Durable's 256 KB payload limit.
 */
const STATES = ["Completed", "Failed", "Running", "Pending", "NotStarted", "Skipped"];

function bigRun(members: number): FleetRunStatusJson {
  const stages = ["dev", "staging", "prod"].map((name, s) => ({
    name,
    status: { state: s === 0 ? "Completed" : "Running" },
    afterStageWaitStatus: {
      status: { state: "Running", startTime: "2026-11-24T10:00:00Z" },
      waitDurationInSeconds: 3600,
    },
    afterGates: [
      {
        displayName: `Ringmaster health check for ring ${name} (rollout:p:kubernetes:1.30.5)`,
        gateId: `/gates/${name}`,
        status: { state: "Pending" },
      },
    ],
    groups: Array.from({ length: 50 }, (_, g) => ({
      name: `${name}-g${g}`,
      members: Array.from({ length: Math.ceil(members / 150) }, (_, m) => ({
        name: `c-${s}-${g}-${m}`,
        clusterResourceId: `/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/c-${s}-${g}-${m}`,
        status: {
          state: STATES[(g + m) % STATES.length]!,
          error: { code: "UpgradeFailed", message: "x".repeat(400) },
        },
      })),
    })),
  }));
  return { status: { state: "Running" }, stages };
}

describe("summarizeRun: a Fleet run's status, bounded", () => {
  it("counts 5,000 members per stage and keeps at most 20 failures each, well under 256 KB", () => {
    const summary = summarizeRun("rm-1-1", bigRun(5_000));
    expect(FleetRunStatusSchema.safeParse(summary).success).toBe(true);
    const total = summary.stages.reduce((n, s) => n + s.counts.total, 0);
    expect(total).toBeGreaterThanOrEqual(5_000);
    for (const s of summary.stages) {
      expect(s.failed.length).toBeLessThanOrEqual(20);
      expect(
        Object.values(s.counts)
          .slice(1)
          .reduce((a, b) => a + b, 0),
      ).toBe(s.counts.total);
      expect(s.wait).toEqual({ state: "Running", until: "2026-11-24T11:00:00.000Z" });
    }
    expect(summary.gates.map((g) => [g.stage, g.timing])).toEqual([
      ["dev", "After"],
      ["staging", "After"],
      ["prod", "After"],
    ]);
    expect(utf8Bytes(summary)).toBeLessThan(32 * 1024);
  });

  it("says Missing for a run Fleet does not have", () => {
    expect(summarizeRun("gone", undefined)).toEqual({
      runName: "gone",
      state: "Missing",
      stages: [],
      gates: [],
    });
  });
});
