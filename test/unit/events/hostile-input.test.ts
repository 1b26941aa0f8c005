import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { normalizeBatch, normalizeBody, normalizeText } from "../../../src/events/normalize.js";
import {
  JSON_DEPTH_LIMIT,
  jsonTextTooDeep,
  parseJsonWithin,
  valueTooDeep,
} from "../../../src/shared/json-limits.js";
import { fixtureText, loadEvent } from "../../helpers/fixtures.js";

const deepText = (depth: number) => "[".repeat(depth) + "]".repeat(depth);
const deepObjectText = (depth: number) => '{"a":'.repeat(depth) + "1" + "}".repeat(depth);
/** A parsed value nested `depth` deep, as the Event Hub library hands a parsed body to the handler. */
function deepValue(depth: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = { a: v };
  return v;
}

describe("JSON depth limits, checked without recursion", () => {
  it("measures nesting in text exactly, ignoring brackets inside strings", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200 }), fc.string(), (depth, s) => {
        const inner = JSON.stringify(`[{${s}`); // brackets inside a string do not count
        const text = "[".repeat(depth - 1) + `[${inner}]` + "]".repeat(depth - 1);
        expect(jsonTextTooDeep(text, depth)).toBe(false);
        expect(jsonTextTooDeep(text, depth - 1)).toBe(depth - 1 < depth);
      }),
    );
  });

  it("agrees between text and value for any JSON value", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), fc.integer({ min: 0, max: 8 }), (value, max) => {
        expect(valueTooDeep(value, max)).toBe(jsonTextTooDeep(JSON.stringify(value), max));
      }),
    );
  });

  it("copes with 100,000 levels in text and values (no stack used)", () => {
    expect(jsonTextTooDeep(deepText(100_000))).toBe(true);
    expect(valueTooDeep(deepValue(100_000))).toBe(true);
    expect(parseJsonWithin(deepText(100_000))).toMatchObject({ ok: false, tooDeep: true });
    expect(jsonTextTooDeep(deepText(JSON_DEPTH_LIMIT))).toBe(false);
  });
});

describe("Normalize: hostile input becomes Rejected, never a throw", () => {
  it("rejects text nested 10,000 deep by the depth rule (single document, JSON lines, pretty-printed)", () => {
    for (const text of [
      deepText(10_000),
      deepObjectText(10_000),
      `${fixtureText("aks", "support-ending-eventgrid").replace(/\n/g, "")}\n${deepText(10_000)}`,
      deepText(10_000).split("").join("\n"),
    ]) {
      const events = normalizeText(text);
      expect(events.at(-1)).toMatchObject({
        kind: "Rejected",
        reason: expect.stringMatching(/nested deeper than 64 levels/),
      });
    }
  });

  it("rejects a parsed value nested 6,000 deep without walking it recursively", () => {
    expect(normalizeBody(deepValue(6000))).toEqual([
      expect.objectContaining({ kind: "Rejected", reason: expect.stringMatching(/deeper than 64/) }),
    ]);
  });

  it("keeps the valid event of a batch with a 6,000-deep message, parsed or as text", () => {
    const valid = loadEvent("aks", "support-ending-eventgrid");
    for (const bad of [deepValue(6000), deepObjectText(6000)]) {
      const events = normalizeBatch([valid, bad]);
      expect(events.map((e) => e.kind)).toEqual(["ClusterSupportEnding", "Rejected"]);
      expect(events[1]).toMatchObject({ at: "[1]" });
    }
  });

  it("rejects empty, null and [null] bodies by name", () => {
    expect(normalizeBody("")).toMatchObject([{ kind: "Rejected", reason: expect.stringMatching(/empty/) }]);
    expect(normalizeBody("null")).toMatchObject([
      { kind: "Rejected", reason: expect.stringMatching(/null/) },
    ]);
    expect(normalizeBody("[null]")).toMatchObject([{ kind: "Rejected", at: "[0]" }]);
  });
});
