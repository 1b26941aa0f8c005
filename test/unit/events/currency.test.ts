import { describe, expect, it } from "vitest";
import { parseMoney } from "../../../src/events/currency.js";

describe("Function: parseMoney", () => {
  it.each([
    ["$11,111.00", 11111, "USD"],
    ["$1111.11", 1111.11, "USD"],
    ["1111.32", 1111.32, undefined],
    ["8000.0", 8000, undefined],
    ["$12,345.67", 12345.67, "USD"],
    ["€1.234,56", 1234.56, "EUR"],
    ["1,234", 1234, undefined],
    ["12,5", 12.5, undefined],
    ["-$5.00", -5, "USD"],
    ["($7.25)", -7.25, "USD"],
    ["1,234,567.89 USD", 1234567.89, undefined],
  ])("reads %s as %d", (text, amount, currency) => {
    expect(parseMoney(text)).toEqual({ amount, currency });
  });

  it("prefers the payload's Unit over the symbol, and keeps numbers", () => {
    expect(parseMoney("$50.00", "CAD")).toEqual({ amount: 50, currency: "CAD" });
    expect(parseMoney(42, "USD")).toEqual({ amount: 42, currency: "USD" });
  });

  it("returns undefined for text without digits", () => {
    expect(parseMoney("n/a")).toBeUndefined();
    expect(parseMoney(null)).toBeUndefined();
  });
});
