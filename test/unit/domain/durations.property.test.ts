import fc from "fast-check";
import { Duration } from "luxon";
import { describe, expect, it } from "vitest";
import { parseIsoDuration } from "../../../src/domain/durations.js";

/**
 * parseIsoDuration is plain arithmetic so that loading the policy schema does not initialise luxon (and
 * Intl) at start-up (issue 12). It must give what luxon gave before: `Duration.fromISO(text).as("ms")`
 * (casual units: a day is 24 hours, a week 7 days) for every duration the policy grammar accepts.
 */
const part = (unit: string) =>
  fc.option(
    fc.nat({ max: 10_000 }).map((n) => `${n}${unit}`),
    { nil: "" },
  );
const seconds = fc.option(
  fc.oneof(
    fc.nat({ max: 100_000 }).map(String),
    fc.tuple(fc.nat({ max: 1000 }), fc.nat({ max: 999 })).map(([a, b]) => `${a}.${b}`),
  ),
  { nil: undefined },
);
const isoDuration = fc
  .tuple(part("W"), part("D"), part("H"), part("M"), seconds)
  .map(([w, d, h, m, s]) => {
    const time = `${h}${m}${s === undefined ? "" : `${s}S`}`;
    return `P${w}${d}${time ? `T${time}` : ""}`;
  })
  .filter((text) => text !== "P");

describe("ISO 8601 policy durations", () => {
  it("parse to luxon's milliseconds, for every accepted form", () => {
    fc.assert(
      fc.property(isoDuration, (text) => {
        const expected = Duration.fromISO(text).as("milliseconds");
        const actual = parseIsoDuration(text);
        expect(actual).toBeDefined();
        expect(Math.abs(actual! - expected)).toBeLessThanOrEqual(1e-6 * Math.max(1, expected));
      }),
    );
  });

  it("refuses what the grammar leaves out: months, years, empty parts, bare P and PT", () => {
    for (const text of ["P", "PT", "P1M", "P1Y", "PT1.S", "P1H", "1D", "PT-1H", "P1DT", " PT1H", "PT1H "])
      expect(parseIsoDuration(text), text).toBeUndefined();
    expect(parseIsoDuration("P1W2DT3H4M5.5S")).toBe(((7 + 2) * 24 + 3) * 3_600_000 + 4 * 60_000 + 5500);
  });
});
