import { describe, expect, it } from "vitest";
import type { FleetRunStatus } from "../../../src/contracts/fleet-run.js";
import type { PreparedRollout } from "../../../src/contracts/prepared-rollout.js";
import { overBudget, type FleetProgress } from "../../../src/workflows/fleet-rollout-state.js";

/** A ring's failure budget holds for the whole rollout, over all its Fleet runs. */
const prepared = {
  settings: { rings: [{ name: "dev", failureBudget: 1, retries: 0 }], freezes: [] },
} as unknown as PreparedRollout;
const progress = (earlierFailed: Record<string, number>): FleetProgress => ({
  fleetId: "f",
  runs: [{ name: "run-2", mode: "continue" }],
  started: true,
  handled: [],
  haltedRings: [],
  earlier: {},
  earlierFailed,
});
const run = (failed: number): FleetRunStatus => ({
  runName: "run-2",
  state: "Running",
  gates: [],
  stages: [
    {
      name: "dev",
      state: "Running",
      counts: { total: 4, notStarted: 2, pending: 0, running: 0, completed: 2 - failed, failed, skipped: 0 },
      failed: Array.from({ length: failed }, (_, i) => ({
        name: `aks-${i}`,
        clusterId: `c${i}`,
        code: "UpgradeFailed",
        reason: "x",
      })),
    },
  ],
});

describe("Workflow (Fleet): failure budget per rollout", () => {
  it("counts the failures earlier runs left behind: one earlier and one now exceed a budget of 1", () => {
    expect(overBudget(prepared, progress({}), run(1))).toBeUndefined();
    expect(overBudget(prepared, progress({ dev: 1 }), run(1))).toMatchObject({
      ring: "dev",
      count: 2,
      budget: 1,
    });
    expect(overBudget(prepared, progress({ dev: 1 }), run(0))).toBeUndefined();
  });
});
