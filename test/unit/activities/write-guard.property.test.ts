import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkWriteTime } from "../../../src/activities/write-guard.js";
import type { WriteGuard } from "../../../src/contracts/write-guard.js";
import { scheduledWindows, type Interval } from "../../../src/domain/windows.js";
import type { WindowSpec } from "../../../src/domain/window-spec.js";

/**
 * The write guard as a rule: whatever the window, freezes, predicted duration and moment of the write, a
 * write is allowed only if [now, now + duration] lies inside one scheduled window and touches no freeze —
 * and a write that does fit is never refused.
 */
const HOUR = 3_600_000;
const T0 = Date.parse("2026-11-23T00:00:00Z");

const spec = fc.record({
  startHour: fc.integer({ min: 0, max: 23 }),
  hours: fc.integer({ min: 4, max: 12 }),
  zone: fc.constantFrom("UTC", "Europe/Berlin", "America/New_York", "UTC+05:30"),
});
const freeze = fc
  .record({ at: fc.integer({ min: -2 * 24, max: 4 * 24 }), hours: fc.integer({ min: 1, max: 30 }) })
  .map(({ at, hours }) => ({ start: T0 + at * HOUR, end: T0 + (at + hours) * HOUR }));

function guardOf(
  s: { startHour: number; hours: number; zone: string },
  blocked: Interval[],
  durationMs: number,
) {
  const windowSpec: WindowSpec = {
    schedule: { daily: { intervalDays: 1 } },
    startTime: `${String(s.startHour).padStart(2, "0")}:00`,
    durationHours: s.hours,
    zone: s.zone,
  };
  const guard: WriteGuard = {
    window: { kind: "window", spec: { ...windowSpec } },
    blocked,
    durationMs,
    planned: { start: T0, end: T0 + s.hours * HOUR },
  };
  return { windowSpec, guard };
}

describe("Unit: the write-time guard", () => {
  it("allows a write exactly when the whole predicted upgrade fits one open window and no freeze", () => {
    fc.assert(
      fc.property(
        spec,
        fc.array(freeze, { maxLength: 3 }),
        fc.integer({ min: 1, max: 8 * 60 }),
        fc.integer({ min: 0, max: 3 * 24 * 60 }),
        (s, blocked, minutes, atMinute) => {
          const durationMs = minutes * 60_000;
          const now = T0 + atMinute * 60_000;
          const { windowSpec, guard } = guardOf(s, blocked, durationMs);
          const fits =
            scheduledWindows(windowSpec, now - 2 * 24 * HOUR, now + 2 * 24 * HOUR).some(
              (w) => w.start <= now && now + durationMs <= w.end,
            ) && !blocked.some((b) => b.start < now + durationMs && now < b.end);
          const verdict = checkWriteTime(guard, now);
          expect(verdict.ok).toBe(fits);
          if (!verdict.ok) expect(verdict.reason.length).toBeGreaterThan(10);
        },
      ),
      { numRuns: 400 },
    );
  });

  it("says why: the window closed, too little was left, or a freeze applies", () => {
    const { guard } = guardOf({ startHour: 8, hours: 6, zone: "UTC" }, [], 90 * 60_000);
    const late = checkWriteTime(guard, Date.parse("2026-11-23T15:08:00Z"));
    expect(late).toEqual({
      ok: false,
      reason:
        "it was 2026-11-23T15:08:00.000Z when the write was due, after the window closed (the host was down or late)",
    });
    const short = checkWriteTime(guard, Date.parse("2026-11-23T13:20:00Z"));
    expect(short).toEqual({
      ok: false,
      reason: "only 40 min were left at 13:20Z before the window ends, and the upgrade needs 90 min",
    });
    const frozen = checkWriteTime(
      {
        ...guard,
        blocked: [{ start: Date.parse("2026-11-23T09:00:00Z"), end: Date.parse("2026-11-24T00:00:00Z") }],
      },
      Date.parse("2026-11-23T10:00:00Z"),
    );
    expect(frozen).toMatchObject({ ok: false, reason: expect.stringMatching(/^a freeze applies at 10:00Z/) });
  });
});
