import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  DAY_MS,
  dailyCheckDue,
  dailyCheckOffsetMs,
  readReason,
} from "../../../src/domain/window-reconcile.js";

/**
 * The reconcile's drift check: whatever the timer's rhythm (runs less than a day apart), a cluster is read
 * exactly once per daily check instant it passes — once a day — and never twice for one instant.
 */
const START = Date.parse("2026-11-23T00:00:00Z");

describe("window reconcile: the daily drift check", () => {
  it("is due exactly once per check instant passed, for any run rhythm under a day", () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 60 }),
        fc.array(fc.integer({ min: 1, max: DAY_MS - 1 }), { minLength: 1, maxLength: 40 }),
        (id, gaps) => {
          let t = START;
          let due = 0;
          for (const gap of gaps) {
            if (dailyCheckDue(id, t, t + gap)) due++;
            t += gap;
          }
          const offset = dailyCheckOffsetMs(id);
          // Check instants in (START, t]: START + offset + k days.
          const instants = Math.floor((t - START - offset) / DAY_MS) - Math.floor((0 - offset) / DAY_MS);
          expect(due).toBe(instants);
        },
      ),
    );
  });

  it("reads everything when a day or more passed, or when no previous run is known (a rollout)", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.integer({ min: DAY_MS, max: 30 * DAY_MS }), (id, gap) => {
        expect(dailyCheckDue(id, START, START + gap)).toBe(true);
        expect(readReason(id, false, START, undefined)).toBe("rollout");
        expect(readReason(id, true, START + 1, START)).toBe("desiredChanged");
      }),
    );
  });

  it("spreads a fleet's checks over the day", () => {
    const offsets = Array.from({ length: 1000 }, (_, i) =>
      dailyCheckOffsetMs(
        `/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/c-${i}`,
      ),
    );
    const perQuarter = [0, 1, 2, 3].map(
      (q) => offsets.filter((o) => Math.floor(o / (DAY_MS / 4)) === q).length,
    );
    for (const n of perQuarter) expect(n).toBeGreaterThan(200);
  });
});
