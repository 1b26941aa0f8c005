import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  linkNonce,
  signActionLink,
  verifyActionLink,
  type ActionLinkPayload,
} from "../../../src/notify/action-links.js";

/**
 * One-click links: HMAC-SHA256 over rollout, ring, action, deadline and nonce. Universal rules, so
 * property-based: a link verifies with its key until its deadline and never after; any change to any
 * character, or another key, makes it "tampered"; nonces are stable per email and differ per action.
 */
const KEY = "k".repeat(16) + "0123456789abcdef0123456789";
const payload = fc.record({
  v: fc.constant(1 as const),
  r: fc.stringMatching(/^rollout:[a-z0-9-]{1,20}:kubernetes:1\.\d{2}\.\d$/),
  g: fc.stringMatching(/^[a-z0-9-]{1,20}$/),
  a: fc.constantFrom("approve", "reject", "resume", "cancel"),
  d: fc.integer({ min: 1, max: 4_000_000_000_000 }),
  n: fc.string({ minLength: 4, maxLength: 40 }).map((s) => linkNonce(KEY, s)),
}) as fc.Arbitrary<ActionLinkPayload>;

describe("Notify: action links", () => {
  it("verifies with its key up to its deadline, and is expired (payload intact) after", () => {
    fc.assert(
      fc.property(payload, fc.integer({ min: 0, max: 1_000_000 }), (p, after) => {
        const token = signActionLink(KEY, p);
        expect(verifyActionLink(KEY, token, p.d)).toEqual({ ok: true, payload: p });
        expect(verifyActionLink(KEY, token, p.d + 1 + after)).toEqual({
          ok: false,
          why: "expired",
          payload: p,
        });
      }),
    );
  });

  it("calls any changed character, cut or other key tampered", () => {
    fc.assert(
      fc.property(payload, fc.nat(), fc.constantFrom(..."ABCabc012-_."), (p, at, c) => {
        const token = signActionLink(KEY, p);
        const i = at % token.length;
        fc.pre(token[i] !== c);
        const changed = token.slice(0, i) + c + token.slice(i + 1);
        expect(verifyActionLink(KEY, changed, 0).ok).toBe(false);
        expect(verifyActionLink(KEY, changed, 0)).toEqual({ ok: false, why: "tampered" });
        expect(verifyActionLink(KEY, token.slice(0, i), 0)).toEqual({ ok: false, why: "tampered" });
        expect(verifyActionLink(`${KEY}x`, token, 0)).toEqual({ ok: false, why: "tampered" });
      }),
    );
  });

  it("refuses a genuine signature over a payload that is not a link's (the schema is checked after the MAC)", () => {
    const forged = signActionLink(KEY, {
      v: 1,
      r: "rollout:p:kubernetes:1.30.5",
      g: "prod",
      a: "approve",
      d: 10,
      n: linkNonce(KEY, "x"),
    }).replace(/^[^.]+/, Buffer.from('{"v":1}').toString("base64url"));
    expect(verifyActionLink(KEY, forged, 0)).toEqual({ ok: false, why: "tampered" });
    expect(verifyActionLink(KEY, "x".repeat(5000), 0)).toEqual({ ok: false, why: "tampered" });
  });

  it("derives the same nonce for the same email and action (a retried send), another for another action", () => {
    expect(linkNonce(KEY, "digest:1", "msg", "approve")).toBe(linkNonce(KEY, "digest:1", "msg", "approve"));
    expect(linkNonce(KEY, "digest:1", "msg", "approve")).not.toBe(
      linkNonce(KEY, "digest:1", "msg", "reject"),
    );
    expect(linkNonce(KEY, "digest:1", "msg", "approve")).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });
});
