import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { PreparedRollout } from "../../../src/contracts/prepared-rollout.js";
import { boundedEvidence, EVIDENCE_LINES } from "../../../src/activities/gates.js";
import {
  LANE_SIZE,
  LaneStatusSchema,
  shortReason,
  utf16Bytes,
  type LaneStatus,
} from "../../../src/contracts/lanes.js";
import { RolloutStatusSchema } from "../../../src/contracts/rollout-status.js";
import {
  enter,
  fitStatus,
  initialStatus,
  notice,
  STATUS_BUDGET_BYTES,
} from "../../../src/workflows/rollout-status.js";

/**
 * Issue 11: whatever happens to a rollout — many rings, every gate failing with long evidence, thousands
 * of clusters failing with AKS's longest messages — its published custom status stays under the budget
 * (15 KB, below Azure's 17,408-byte failure) and still matches its contract, with every failure counted.
 */
const INPUT = { policy: "p", kind: "kubernetes", target: "1.30.5", requiresApproval: false } as const;

describe("Rollout status bounds (issue 11)", () => {
  it("stays under the budget and keeps every count, for any rings, gates and failures", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 0, max: 6 }),
        fc.integer({ min: 0, max: 5000 }),
        fc.string({ minLength: 0, maxLength: 2000 }),
        (rings, gates, failures, text) => {
          const prepared = {
            plan: {
              rings: Array.from({ length: rings }, (_, i) => ({
                name: `ring-${i}-${"x".repeat(50)}`,
                clusters: 5000,
                scheduled: 5000,
                lanes: 250,
                buckets: [250],
              })),
            },
          } as unknown as PreparedRollout;
          const status = initialStatus(`rollout:p:kubernetes:1.30.5`, INPUT, prepared);
          enter(status, "halted", `halted: ${text}`.slice(0, 300), status.rings[0]!.name);
          for (const ring of status.rings)
            ring.gates = Array.from({ length: gates }, (_, g) => ({
              kind: "azureMonitorAlerts",
              gate: `gate-${g}`,
              passed: false,
              evidence: boundedEvidence(
                Array.from({ length: 50 }, (_, k) => `${k}: ${text}${"e".repeat(300)}`),
              ),
            }));
          for (let i = 0; i < failures; i++) {
            notice(status, {
              name: `cluster-${i}-${"n".repeat(40)}`,
              ring: status.rings[i % rings]!.name,
              status: "failed",
              code: "PodDrainFailure",
              reason: shortReason(`${text}${"r".repeat(500)}`)!,
            });
            status.rings[i % rings]!.counts.failed++;
          }
          const published = fitStatus(status);
          expect(utf16Bytes(published)).toBeLessThanOrEqual(STATUS_BUDGET_BYTES);
          expect(RolloutStatusSchema.safeParse(JSON.parse(JSON.stringify(published))).success).toBe(true);
          const att = published.attention ?? { clusters: [], more: 0 };
          expect(att.clusters.length + att.more).toBe(failures);
          expect(published.rings.map((r) => r.counts.failed)).toEqual(
            status.rings.map((r) => r.counts.failed),
          );
        },
      ),
      { numRuns: 60 },
    );
  });

  it("a lane's status at its worst (every cluster a 63-character name, a long code and reason) is under 16 KB", () => {
    const clusters = Object.fromEntries(
      Array.from({ length: LANE_SIZE }, (_, i) => [
        `${String(i).padStart(2, "0")}${"n".repeat(61)}`,
        {
          status: "succeeded" as const,
          code: "C".repeat(60),
          reason: shortReason("r".repeat(5000))!,
          predictedStart: "2026-11-23T00:30:00.000Z",
        },
      ]),
    );
    const status: LaneStatus = {
      rollout: `rollout:${"p".repeat(63)}:kubernetes:${"t".repeat(63)}:g9999`,
      ring: "r".repeat(63),
      lane: 9999,
      bucket: `${"0".repeat(36)}|${"r".repeat(40)}`,
      state: "canceling",
      clusters,
    };
    expect(LaneStatusSchema.safeParse(status).success).toBe(true);
    expect(utf16Bytes(status)).toBeLessThanOrEqual(16 * 1024);
  });

  it("keeps at most a few evidence lines per gate, problems first, saying how many more", () => {
    const lines = [
      ...Array.from({ length: 1000 }, (_, i) => `c${i}: Succeeded`),
      "c1001: Failed (pools: system=Failed)",
    ];
    const kept = boundedEvidence(lines);
    expect(kept).toHaveLength(EVIDENCE_LINES);
    expect(kept[0]).toBe("c1001: Failed (pools: system=Failed)");
    expect(kept.at(-1)).toBe(`… and ${lines.length - (EVIDENCE_LINES - 1)} more`);
    expect(boundedEvidence(["stg-1: Succeeded"])).toEqual(["stg-1: Succeeded"]);
  });
});
