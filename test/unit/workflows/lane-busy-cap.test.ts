import { describe, expect, it } from "vitest";
import { LaneEvents, type LaneInput, type LaneResult } from "../../../src/contracts/lanes.js";
import type { ClusterUpgradeInput } from "../../../src/contracts/workflow-inputs.js";
import { clusterRef } from "../../../src/domain/cluster-ref.js";
import { laneWorkflow } from "../../../src/workflows/rollout-lane.js";
import { runOrchestration, type Scenario } from "../../helpers/orchestration-driver.js";

/**
 * Safety seed 30079: clusters another rollout held ("busy") wait in the lane; at the recheck they were all
 * launched again at once, past the lane's cap (three upgrades in a cap-2 lane). Held clusters go back to
 * the front of the queue, which launches only into free slots.
 */
const T0 = Date.parse("2026-10-19T16:00:00Z");
const HOUR = 3_600_000;
const SUB = "11111111-1111-1111-1111-111111111111";
const names = ["c0", "c1", "c2", "c3", "c4"];
const input: LaneInput = {
  rolloutId: "rollout:p:kubernetes:1.31.2:minor",
  runId: "2026-10-19T16:00:00.000Z",
  ring: "r1",
  ringIndex: 0,
  lane: 0,
  bucket: `${SUB}|westeurope`,
  kind: "kubernetes",
  target: "1.31.2",
  cap: 2,
  notify: [],
  blocked: [],
  notBefore: T0,
  horizonEnd: T0 + 30 * 24 * HOUR,
  retries: { attempts: 1, delayMs: 60_000 },
  slowPollMs: 600_000,
  clusters: names.map((name) => ({
    clusterId: clusterRef(SUB, "rg", name).id,
    name,
    durationMs: HOUR,
    window: null,
  })),
  skipped: [],
};

describe("A lane whose clusters another rollout holds", () => {
  it("relaunches them within its cap once they are free", () => {
    const events: { name: string; data: unknown; at: number }[] = [
      { name: LaneEvents.start, data: { runId: input.runId, pinnedImages: {} }, at: T0 },
    ];
    const held = new Set(["c0", "c1", "c2"]); // the patch rollout holds them until T0 + 3 h
    const running = new Map<string, number>(); // name → when its upgrade ends
    let most = 0;
    let reported: LaneResult | undefined;
    const scenario: Scenario = {
      activity(_id, name, raw, now) {
        if (name === "launchClusters") {
          const { clusters } = raw as { clusters: ClusterUpgradeInput[] };
          return clusters.map((c) => {
            if (running.has(c.name)) return { clusterId: c.clusterId, state: "started" };
            if (held.has(c.name) && now < T0 + 3 * HOUR)
              return { clusterId: c.clusterId, state: "busy", busyWith: "rollout:p:kubernetes:1.30.5" };
            for (const [n, end] of running) if (end <= now) running.delete(n);
            running.set(c.name, now + HOUR);
            most = Math.max(most, running.size);
            events.push({
              name: "ClusterResult",
              at: now + HOUR,
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
            return { clusterId: c.clusterId, state: "started" };
          });
        }
        if (name === "reportLaneResult") reported = (raw as { result: LaneResult }).result;
        return {};
      },
      nextEvent(_id, wanted, now) {
        const i = events.findIndex((e) => wanted.includes(e.name) && e.at <= now);
        if (i < 0) return undefined;
        const [event] = events.splice(i, 1);
        const done = (event!.data as { result?: { name: string } }).result?.name;
        if (done) running.delete(done);
        return event;
      },
    };
    runOrchestration(laneWorkflow, "lane:rollout:p:kubernetes:1.31.2:minor@00:0000", input, scenario, {
      now: T0,
    });
    expect(most).toBeLessThanOrEqual(input.cap);
    expect(reported).toMatchObject({ counts: { total: 5, succeeded: 5 } });
  });
});
