import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { normalizeBatch, normalizeBody, normalizeText } from "../../../src/events/normalize.js";
import { DomainEventSchema } from "../../../src/events/domain-event.js";
import { loadEvent, RECEIVED_AT } from "../../helpers/fixtures.js";

const opts = { receivedAt: RECEIVED_AT };
const FIXTURES = [
  loadEvent("aks", "new-version-eventgrid"),
  loadEvent("aks", "rolling-started-cloudevent"),
  loadEvent("arn", "scheduled-maintenance"),
  loadEvent("arn", "fleet-gate-created"),
  loadEvent("alerts", "budget-common-actual"),
  loadEvent("alerts", "budget-legacy"),
];

/** Replaces one randomly chosen node of a JSON tree with an arbitrary JSON value. */
function mutate(value: unknown, path: number[], replacement: unknown): unknown {
  if (path.length === 0 || value === null || typeof value !== "object") return replacement;
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
  if (entries.length === 0) return replacement;
  const [head, ...rest] = path;
  const index = head! % entries.length;
  const copy: Record<string, unknown> | unknown[] = Array.isArray(value) ? [...value] : { ...value };
  const [key, child] = entries[index]!;
  (copy as Record<string, unknown>)[key] = mutate(child, rest, replacement);
  return copy;
}

describe("Property: the normalizer is total", () => {
  it("never throws on arbitrary JSON values, and every output is a valid domain event", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const events = normalizeBody(value, opts);
        for (const e of events) expect(DomainEventSchema.safeParse(e).success).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it("never throws on arbitrary text, and turns non-JSON into exactly one Rejected", () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const events = normalizeText(text, opts);
        for (const e of events) expect(typeof e.key).toBe("string");
      }),
      { numRuns: 1000 },
    );
  });

  it("never throws when any node of a real payload is replaced by anything", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...FIXTURES),
        fc.array(fc.nat(), { minLength: 1, maxLength: 6 }),
        fc.oneof(fc.jsonValue(), fc.constant(undefined)),
        (fixture, path, replacement) => {
          const events = normalizeBatch([mutate(fixture, path, replacement)], opts);
          expect(events.length).toBeGreaterThanOrEqual(0);
          for (const e of events) {
            expect(DomainEventSchema.safeParse(e).success).toBe(true);
            if (e.kind === "Rejected") expect(e.reason).toMatch(/^[\w.[\]]+: /);
          }
        },
      ),
      { numRuns: 3000 },
    );
  });

  it("is deterministic: the same input and receive time give identical events", () => {
    fc.assert(
      fc.property(fc.constantFrom(...FIXTURES), (fixture) => {
        expect(normalizeBody(fixture, opts)).toEqual(normalizeBody(structuredClone(fixture), opts));
      }),
    );
  });
});
