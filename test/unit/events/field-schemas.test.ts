import { describe, expect, it } from "vitest";
import { toIsoInstant } from "../../../src/events/field-schemas.js";

describe("Function: toIsoInstant", () => {
  it.each([
    ["2021-07-01T04:52:57.0000000Z", "2021-07-01T04:52:57.000Z"],
    ["2025-09-23T02:50:21.2604165+00:00", "2025-09-23T02:50:21.260Z"],
    ["2024-04-16T22:17:12.1032748", "2024-04-16T22:17:12.103Z"],
    ["2026-11-23T06:00:00+05:30", "2026-11-23T00:30:00.000Z"],
    ["2026-11-23T01:00:00-0500", "2026-11-23T06:00:00.000Z"],
    ["2026-11-23", "2026-11-23T00:00:00.000Z"],
    ["0001-01-01T00:00:00.0000000Z", "0001-01-01T00:00:00.000Z"],
  ])("reads %s", (input, expected) => {
    expect(toIsoInstant(input)).toBe(expected);
  });

  it.each(["2026-02-30T00:00:00Z", "2026-13-01", "yesterday", "2026-11-23T25:00:00Z", "12/07/2022 21:13:20"])(
    "refuses %s",
    (input) => {
      expect(toIsoInstant(input)).toBeUndefined();
    },
  );
});
