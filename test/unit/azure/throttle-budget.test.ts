import { describe, expect, it } from "vitest";
import { DiscreteClock } from "../../../src/clock/discrete.js";
import { ThrottleBudget } from "../../../src/azure/throttle-budget.js";

const START = Date.parse("2026-11-23T00:00:00Z");

describe("ThrottleBudget: Ringmaster's share of ARM's and AKS's buckets", () => {
  it("spends AKS's 'all other APIs' bucket at half its rate: 30 at once, then one every 2 s, per subscription", async () => {
    const clock = new DiscreteClock(START);
    const budget = new ThrottleBudget(clock);
    const taken: number[] = [];
    const other: number[] = [];
    await clock.held("test", async () => {
      for (let i = 0; i < 34; i++) {
        await budget.acquire("sub-a", "*", "aksOther");
        taken.push(clock.now() - START);
      }
      // Another subscription has its own bucket.
      await budget.acquire("sub-b", "*", "aksOther");
      other.push(clock.now() - START);
    });
    expect(taken.slice(0, 30).every((t) => t === 0)).toBe(true);
    expect(taken.slice(30)).toEqual([2000, 4000, 6000, 8000]);
    expect(other).toEqual([8000]);
  });

  it("keeps ARM's read bucket apart: reads are not slowed by an empty AKS bucket", async () => {
    const clock = new DiscreteClock(START);
    const budget = new ThrottleBudget(clock);
    await clock.held("test", async () => {
      for (let i = 0; i < 30; i++) await budget.acquire("sub-a", "*", "aksOther");
      await budget.acquire("sub-a", "*", "read");
    });
    expect(clock.now()).toBe(START);
  });
});
