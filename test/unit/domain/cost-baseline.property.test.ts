import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  addDays,
  judgeDailyCost,
  median,
  weekdayOf,
  type BaselineThresholds,
  type DailyAmount,
} from "../../../src/domain/cost-baseline.js";

/** The policy's defaults (domain/cost-policy-schema.ts). */
const T: BaselineThresholds = {
  historyDays: 28,
  minHistoryDays: 14,
  sensitivity: 4,
  minIncreasePercent: 25,
  minIncreaseAmount: 10,
  minSpreadPercent: 5,
};
const TARGET = "2026-11-23"; // a Monday

/** 28 days before TARGET, each `base × weekday factor × (1 ± noise)`. */
const historyArb = fc
  .record({
    base: fc.double({ min: 50, max: 5000, noNaN: true }),
    noise: fc.array(fc.double({ min: -0.05, max: 0.05, noNaN: true }), { minLength: 28, maxLength: 28 }),
    weekend: fc.double({ min: 0.3, max: 1, noNaN: true }),
  })
  .map(({ base, noise, weekend }) => ({
    base,
    weekend,
    history: noise.map((n, i): DailyAmount => {
      const day = addDays(TARGET, -28 + i);
      const w = [0, 6].includes(weekdayOf(day)) ? weekend : 1;
      return { day, cost: base * w * (1 + n) };
    }),
  }));

describe("cost baseline: median and MAD over 28 days, weekday-aware", () => {
  it("a day inside the noise of its own weekday is never an anomaly", () => {
    fc.assert(
      fc.property(
        historyArb,
        fc.double({ min: -0.05, max: 0.05, noNaN: true }),
        fc.boolean(),
        (h, n, weekend) => {
          const day = weekend ? "2026-11-22" : TARGET; // Sunday or Monday
          const history = h.history.filter((d) => d.day < day);
          const cost = h.base * (weekend ? h.weekend : 1) * (1 + n);
          const j = judgeDailyCost(history, { day, cost }, T);
          expect(j.verdict).toBe("normal");
        },
      ),
    );
  });

  it("a day at twice its weekday's usual (and 10 or more above) is an anomaly, and so is anything higher", () => {
    fc.assert(
      fc.property(
        historyArb,
        fc.double({ min: 2, max: 50, noNaN: true }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        (h, factor, more) => {
          const cost = h.base * factor;
          const j = judgeDailyCost(h.history, { day: TARGET, cost }, T);
          expect(j.verdict).toBe("anomaly");
          expect(judgeDailyCost(h.history, { day: TARGET, cost: cost + more }, T).verdict).toBe("anomaly");
        },
      ),
    );
  });

  it("only increases count: a day at or below the expected cost is never an anomaly", () => {
    fc.assert(
      fc.property(historyArb, fc.double({ min: 0, max: 1, noNaN: true }), (h, share) => {
        const probe = judgeDailyCost(h.history, { day: TARGET, cost: 0 }, T);
        if (probe.verdict === "insufficient") throw new Error("28 days are enough");
        const j = judgeDailyCost(h.history, { day: TARGET, cost: probe.expected * share }, T);
        expect(j.verdict).toBe("normal");
      }),
    );
  });

  it("is robust: a spike on up to one day of each weekday (a quarter of the history) barely moves the expected cost", () => {
    fc.assert(
      fc.property(
        historyArb,
        // At most one spike per weekday: a weekday's factor is the median of its four days, which one
        // outlier cannot move far (two of four can: the breakdown point of a median is a half).
        fc.uniqueArray(fc.integer({ min: 0, max: 27 }), { maxLength: 7, selector: (i) => i % 7 }),
        fc.double({ min: 2, max: 100, noNaN: true }),
        (h, spiked, factor) => {
          const clean = judgeDailyCost(h.history, { day: TARGET, cost: h.base }, T);
          const dirty = h.history.map((d, i) => (spiked.includes(i) ? { ...d, cost: d.cost * factor } : d));
          const j = judgeDailyCost(dirty, { day: TARGET, cost: h.base }, T);
          if (clean.verdict === "insufficient" || j.verdict === "insufficient")
            throw new Error("enough days");
          expect(j.verdict).toBe("normal");
          expect(Math.abs(j.expected - clean.expected) / clean.expected).toBeLessThan(0.25);
        },
      ),
    );
  });

  it("judges nothing with less history than minHistoryDays, and ignores days outside the window", () => {
    fc.assert(
      fc.property(historyArb, fc.integer({ min: 0, max: 13 }), (h, keep) => {
        const short = h.history.slice(28 - keep);
        const j = judgeDailyCost(short, { day: TARGET, cost: h.base * 10 }, T);
        expect(j).toEqual({ verdict: "insufficient", historyDays: keep });
        // Days after the target, or older than historyDays, do not count either.
        const noisy = [
          ...short,
          { day: addDays(TARGET, 1), cost: 1 },
          { day: TARGET, cost: 1 },
          { day: addDays(TARGET, -40), cost: 1 },
        ];
        expect(judgeDailyCost(noisy, { day: TARGET, cost: h.base * 10 }, T)).toEqual(j);
      }),
    );
  });

  it("scales: multiplying every cost (and the amount threshold) by a constant gives the same verdict", () => {
    fc.assert(
      fc.property(
        historyArb,
        fc.double({ min: 0.5, max: 4, noNaN: true }),
        fc.double({ min: 0.01, max: 100, noNaN: true }),
        (h, factor, scale) => {
          const cost = h.base * factor;
          const a = judgeDailyCost(h.history, { day: TARGET, cost }, T);
          const scaled = h.history.map((d) => ({ ...d, cost: d.cost * scale }));
          const b = judgeDailyCost(
            scaled,
            { day: TARGET, cost: cost * scale },
            {
              ...T,
              minIncreaseAmount: T.minIncreaseAmount * scale,
            },
          );
          expect(b.verdict).toBe(a.verdict);
        },
      ),
    );
  });
});

describe("cost baseline: examples", () => {
  const flat = (cost: number, weekend = cost): DailyAmount[] =>
    Array.from({ length: 28 }, (_, i) => {
      const day = addDays(TARGET, -28 + i);
      return { day, cost: [0, 6].includes(weekdayOf(day)) ? weekend : cost };
    });

  it("expects a weekend day at the weekend's level, not the week's", () => {
    const j = judgeDailyCost(flat(100, 40), { day: "2026-11-22", cost: 60 }, T);
    expect(j).toMatchObject({ verdict: "anomaly", expected: 40, weekdayFactor: 0.4 });
    // A weekday-blind median (100) would have called 60 low, and a Monday at 100 normal.
    expect(judgeDailyCost(flat(100, 40), { day: TARGET, cost: 100 }, T).verdict).toBe("normal");
  });

  it("gives the range: a flat history's spread is minSpreadPercent of the expected cost", () => {
    expect(judgeDailyCost(flat(100), { day: TARGET, cost: 121 }, T)).toEqual({
      verdict: "normal",
      historyDays: 28,
      expected: 100,
      low: 80,
      high: 120,
      weekdayFactor: 1,
    });
    // Above the range but under 25 % and 10 above: not worth an email.
    expect(judgeDailyCost(flat(100), { day: TARGET, cost: 124 }, T).verdict).toBe("normal");
    expect(judgeDailyCost(flat(100), { day: TARGET, cost: 125 }, T).verdict).toBe("anomaly");
    expect(judgeDailyCost(flat(10), { day: TARGET, cost: 19 }, T).verdict).toBe("normal");
  });

  it("median of even and odd counts", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(median([])).toBeNaN();
  });
});
