import { describe, expect, it } from "vitest";
import { LaneEvents, type LaneInput, type LaneResult } from "../../../src/contracts/lanes.js";
import type { ClusterUpgradeInput } from "../../../src/contracts/workflow-inputs.js";
import { clusterRef } from "../../../src/domain/cluster-ref.js";
import { laneWorkflow } from "../../../src/workflows/rollout-lane.js";
import { runOrchestration, type Scenario } from "../../helpers/orchestration-driver.js";

/**
 * Issue 11: a lane whose clusters wait weeks continues as new; Azure drops the events a JavaScript
 * orchestration has not taken when it does, so a cancel sent at that moment could be lost. The next
 * execution reads where its rollout stands and cancels what has not started.
 */
const T0 = Date.parse("2026-11-23T00:00:00Z");
const SUB = "11111111-1111-1111-1111-111111111111";
const input: LaneInput = {
  rolloutId: "rollout:p:kubernetes:1.30.5",
  runId: "2026-11-23T00:00:00.000Z",
  ring: "prod",
  ringIndex: 2,
  lane: 0,
  bucket: `${SUB}|westeurope`,
  kind: "kubernetes",
  target: "1.30.5",
  cap: 3,
  notify: [],
  blocked: [],
  notBefore: T0,
  horizonEnd: T0 + 90 * 86_400_000,
  retries: { attempts: 1, delayMs: 60_000 },
  slowPollMs: 600_000,
  clusters: Array.from({ length: 20 }, (_, i) => ({
    clusterId: clusterRef(SUB, "rg", `c${i}`).id,
    name: `c${i}`,
    durationMs: 3_600_000,
    window: null,
  })),
  skipped: [],
};

describe("A lane after continueAsNew (issue 11)", () => {
  it("reads its rollout's state and cancels what has not started when the rollout is canceling", () => {
    const events: { name: string; data: unknown; at: number }[] = [
      { name: LaneEvents.start, data: { runId: input.runId, pinnedImages: {} }, at: T0 },
    ];
    const signals: unknown[] = [];
    let reported: LaneResult | undefined;
    let asked = 0;
    const scenario: Scenario = {
      activity(_id, name, raw, now) {
        if (name === "launchClusters") {
          const { clusters } = raw as { clusters: ClusterUpgradeInput[] };
          for (const c of clusters)
            if (!events.some((e) => (e.data as { result?: { name: string } }).result?.name === c.name))
              events.push({
                name: "ClusterResult",
                at: now + 30 * 86_400_000, // a month waiting for its window
                data: {
                  runId: c.runId,
                  result: {
                    clusterId: c.clusterId,
                    name: c.name,
                    ring: c.ring,
                    status: "succeeded",
                    attempts: 1,
                    poolEvents: [],
                  },
                },
              });
          return clusters.map((c) => ({ clusterId: c.clusterId, state: "started" }));
        }
        if (name === "rolloutState") {
          asked++;
          return { state: "canceling" };
        }
        if (name === "signalClusters") signals.push(raw);
        if (name === "reportLaneResult") reported = (raw as { result: LaneResult }).result;
        return {};
      },
      nextEvent(_id, names, now) {
        const i = events.findIndex((e) => names.includes(e.name) && e.at <= now);
        return i < 0 ? undefined : events.splice(i, 1)[0];
      },
    };
    const measured = runOrchestration(
      laneWorkflow,
      "lane:rollout:p:kubernetes:1.30.5@02:0000",
      input,
      scenario,
      {
        now: T0,
      },
    );
    expect(measured.executions).toBeGreaterThan(1);
    expect(asked).toBeGreaterThan(0);
    expect(signals).toEqual([
      expect.objectContaining({ event: "Hold", data: expect.objectContaining({ action: "cancel" }) }),
    ]);
    expect(reported).toMatchObject({ canceled: true, counts: { total: 20, succeeded: 3, canceled: 17 } });
  });
});
