import fc from "fast-check";
import { afterEach, describe, expect, it, vi } from "vitest";
import { consoleLogger } from "../../../src/devhost/logger.js";
import { MessageSchema } from "../../../src/contracts/messages.js";
import { LOG_FIELD_MAX, SUBJECT_MAX, safeLogField, safeSubject } from "../../../src/shared/safe-text.js";
import { renderEmail } from "../../../src/notify/templates.js";

// eslint-disable-next-line no-control-regex -- the test looks for control characters
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
const hostile = fc.string({
  unit: fc.constantFrom("a", "Z", " ", "\r", "\n", "\t", "\u0000", "\u001b", "\u2028", "é", "😀"),
  maxLength: 400,
});

describe("safe text for subjects and log fields", () => {
  it("a subject is one line without control characters, never longer than the cap", () => {
    fc.assert(
      fc.property(hostile, (text) => {
        const s = safeSubject(text);
        expect(s).not.toMatch(CONTROL);
        expect(s.length).toBeLessThanOrEqual(SUBJECT_MAX);
      }),
    );
  });

  it("a log field never contains a raw control character, and keeps what it can as escapes", () => {
    fc.assert(
      fc.property(hostile, (text) => {
        expect(safeLogField(text)).not.toMatch(CONTROL);
      }),
    );
    expect(safeLogField("dev-1\r\n2026-11-23 INFO approved by admin")).toBe(
      "dev-1\\r\\n2026-11-23 INFO approved by admin",
    );
    expect(safeLogField("\u001b[31mred")).toBe("\\u001b[31mred");
  });

  it("cuts a 900 KB field to the cap with a marker that says how much was left out", () => {
    const field = "x".repeat(900 * 1024);
    const out = safeLogField(field);
    expect(out.length).toBeLessThan(LOG_FIELD_MAX + 100);
    expect(out).toMatch(/…\[truncated 919552 of 921600 characters\]$/);
    expect(safeLogField(`${"a".repeat(LOG_FIELD_MAX - 1)}😀`)).not.toMatch(
      /[\ud800-\udbff](?![\udc00-\udfff])/,
    );
  });

  it("masks secrets that reach a log field", () => {
    expect(safeLogField("send failed: endpoint=https://x/;accesskey=c2VjcmV0")).toBe(
      "send failed: endpoint=https://x/;accesskey=[redacted]",
    );
  });
});

describe("email subjects from event fields", () => {
  it("drop CR/LF, so a cluster name cannot add a header line", () => {
    const email = renderEmail([
      MessageSchema.parse({
        kind: "clusterFailure",
        key: "k",
        title: "dev-1\r\nBcc: attacker@example.net\r\n\r\nfailed",
        summary: "s",
        time: "2026-11-23T07:00:00.000Z",
      }),
    ]);
    expect(email.subject).toBe("[Ringmaster] dev-1 Bcc: attacker@example.net failed");
  });

  it("are capped in length", () => {
    const email = renderEmail([
      MessageSchema.parse({
        kind: "forecast",
        key: "k",
        title: "v".repeat(5000),
        summary: "s",
        time: "2026-11-23T07:00:00.000Z",
      }),
    ]);
    expect(email.subject.length).toBeLessThanOrEqual(SUBJECT_MAX);
    expect(email.subject.endsWith("…")).toBe(true);
  });
});

describe("the local host's log lines", () => {
  afterEach(() => vi.restoreAllMocks());

  it("one entry per log call, whatever CR/LF the message carries, and a 900 KB message is cut", () => {
    const lines: string[] = [];
    vi.spyOn(console, "log").mockImplementation((text: string) => void lines.push(text));
    vi.spyOn(console, "error").mockImplementation((text: string) => void lines.push(text));
    const logger = consoleLogger({ now: () => Date.parse("2026-11-23T00:00:00Z") });
    logger.user(
      "aksEvents",
      "information",
      "dispatch: dev-1\n[2026-11-23T00:00:00Z]   aksEvents: approved prod",
    );
    logger.system("error", `boom ${"y".repeat(900 * 1024)}`);
    logger.invocation("Executed 'aksEvents\r\n' (Succeeded)");
    expect(lines).toHaveLength(3);
    for (const line of lines) expect(line).not.toMatch(/[\r\n]/);
    expect(lines[0]).toContain("dev-1\\n[2026-11-23T00:00:00Z]   aksEvents: approved prod");
    expect(lines[1]!.length).toBeLessThan(LOG_FIELD_MAX + 200);
    expect(lines[1]).toMatch(/…\[truncated \d+ of \d+ characters\]$/);
  });
});
