import { describe, expect, it } from "vitest";
import { checkWriteTime } from "../../../src/activities/write-guard.js";
import { publicConfigWindow } from "../../../src/domain/maintenance-assignment-window.js";
import type { WriteGuard } from "../../../src/contracts/write-guard.js";

/**
 * The write guard re-checks a Microsoft.Maintenance assignment's window at the moment of the write, as it
 * does AKS's own windows: the window source crosses the durable boundary as JSON (contracts/write-guard.ts).
 */
const window = JSON.parse(JSON.stringify(publicConfigWindow("aks-mrp-cfg-weekend_utc-5"))) as Record<
  string,
  unknown
>;
const guard = (durationMs: number): WriteGuard => ({
  window: { kind: "assignment", window },
  blocked: [],
  durationMs,
  planned: { start: Date.parse("2026-11-28T03:00:00Z"), end: Date.parse("2026-11-28T11:00:00Z") },
});

describe("Write guard: an aks-mrp-cfg assignment's window", () => {
  it("allows a write inside Friday's night at UTC−5 and refuses one on a weekday", () => {
    expect(checkWriteTime(guard(30 * 60_000), Date.parse("2026-11-28T04:00:00Z"))).toEqual({
      ok: true,
      latestStart: Date.parse("2026-11-28T10:30:00Z"),
    });
    // Tuesday 22:00 at UTC−5: the weekday configuration's night, not the weekend's.
    expect(checkWriteTime(guard(30 * 60_000), Date.parse("2026-11-25T03:00:00Z")).ok).toBe(false);
  });

  it("refuses a write that would not finish before 06:00 local", () => {
    const verdict = checkWriteTime(guard(2 * 3_600_000), Date.parse("2026-11-28T10:00:00Z"));
    expect(verdict).toMatchObject({ ok: false, reason: expect.stringMatching(/only 60 min were left/) });
  });
});
