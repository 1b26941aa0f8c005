import { describe, expect, it } from "vitest";
import { scheduledRunSpan } from "../../../src/config/ncrontab.js";

/**
 * The window reconcile reads what can have changed since its previous run: each run stands for its
 * scheduled instant, so consecutive runs cover consecutive spans, however late each one fired.
 */
describe("Function: scheduledRunSpan", () => {
  const at = (iso: string) => Date.parse(iso);
  const span = (now: string) => {
    const s = scheduledRunSpan("0 15 */6 * * *", at(now));
    return s && { previous: new Date(s.previous).toISOString(), current: new Date(s.current).toISOString() };
  };

  it("stands for the scheduled instant, on time or late", () => {
    const expected = { previous: "2026-11-23T00:15:00.000Z", current: "2026-11-23T06:15:00.000Z" };
    expect(span("2026-11-23T06:15:00.000Z")).toEqual(expected);
    expect(span("2026-11-23T06:15:00.400Z")).toEqual(expected);
    // Fired 40 minutes late (a busy host): still the 06:15 run, so the next one starts at 06:15.
    expect(span("2026-11-23T06:55:00.000Z")).toEqual(expected);
  });

  it("gives consecutive runs spans that meet, with no gap and no overlap", () => {
    const a = scheduledRunSpan("0 15 */6 * * *", at("2026-11-23T06:20:00Z"))!;
    const b = scheduledRunSpan("0 15 */6 * * *", at("2026-11-23T12:15:01Z"))!;
    expect(b.previous).toBe(a.current);
  });
});
