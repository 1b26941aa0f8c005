import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clockSetting } from "../../src/clock/clock.js";
import { json, startHost, waitForStatus, type HostProcess } from "../helpers/host-process.js";

/**
 * Ringmaster's digest orchestration on the local durable engine (the real durable-functions replay), with a
 * sendDigest that raises messages to the digest while the digest is sending its email — the halt notice
 * of issue 9 that a wait left over from collecting swallowed. Every raised message must be in an email.
 */
const APP = resolve(import.meta.dirname, "..", "fixtures", "apps", "digest-race");
const START = Date.parse("2026-11-23T00:00:00Z");
const SPEED = 3600;

describe("Devhost: a digest cannot drop a message raised while it sends", () => {
  let host: HostProcess;
  let dir: string;
  let realStart: number;
  const sentLog = () => join(dir, "sent.log");

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "rm-digest-"));
    realStart = Date.now();
    host = await startHost(APP, {
      env: {
        SENT_LOG: sentLog(),
        RAISE_WHILE_SENDING: "halt,halt-2",
        RINGMASTER_CLOCK: clockSetting({ virtualStart: START, speed: SPEED, realStart }),
      },
    });
  });
  afterAll(async () => {
    await host?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("sends the messages raised during the send in the next email", async () => {
    const now = START + (Date.now() - realStart) * SPEED;
    const first = {
      kind: "forecast",
      key: "forecast",
      title: "f",
      summary: "f",
      time: new Date(now).toISOString(),
    };
    const started = await json(`${host.url}/api/digest/digest-1`, {
      method: "POST",
      body: JSON.stringify({ teams: ["platform"], slotEnd: now + 60_000, slotMs: 60_000, messages: [first] }),
    });
    expect(started.status).toBe(202);
    const done = await waitForStatus(host.url, "digest-1", ["Completed", "Failed"], 30_000);
    expect(done.runtimeStatus).toBe("Completed");
    const emails = readFileSync(sentLog(), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { digestId: string; keys: string[] });
    expect(emails[0]).toEqual({ digestId: "digest-1", keys: ["forecast"] });
    // Both messages raised while the first email was sending went out, in later emails.
    expect(
      emails
        .slice(1)
        .flatMap((e) => e.keys)
        .sort(),
    ).toEqual(["halt", "halt-2"]);
  });
});
