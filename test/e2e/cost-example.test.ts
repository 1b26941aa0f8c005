import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO } from "../helpers/stack.js";

/**
 * examples/fleet-cost-spike.yaml through the compiled CLI, as a new user runs it:
 * `ringmaster start --fleet examples/fleet-cost-spike.yaml --until 2026-11-25T12:00:00Z --summary FILE`
 * (examples/policy.yaml). aks-dev-weu-1 is upgraded in dev's Tuesday window and its apps pool costs three
 * times its usual that day: the summary holds the one anomaly email, sent the morning after.
 */
interface Summary {
  emails: { time: string; to: string[]; subject: string }[];
  operations: { cluster: string; kind: string; target: string; start: string }[];
}

describe("e2e: ringmaster start with examples/fleet-cost-spike.yaml", () => {
  const dir = mkdtempSync(join(tmpdir(), "rm-cost-example-"));
  const out = join(dir, "out.json");
  let exitCode: number | null = null;
  let summary: Summary;

  beforeAll(async () => {
    await new Promise<void>((done) => {
      execFile(
        process.execPath,
        [
          "bin/ringmaster.js",
          "start",
          "--port",
          "0",
          "--fleet",
          "examples/fleet-cost-spike.yaml",
          "--until",
          "2026-11-25T12:00:00Z",
          "--summary",
          out,
        ],
        { cwd: REPO, maxBuffer: 16 * 1024 * 1024 },
        (error) => {
          exitCode = error ? ((error as { code?: number }).code ?? 1) : 0;
          done();
        },
      );
    });
    summary = JSON.parse(readFileSync(out, "utf8")) as Summary;
  }, 300_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("sends one anomaly email about aks-dev-weu-1, after the upgrade that preceded the spike", () => {
    expect(exitCode).toBe(0);
    const upgrade = summary.operations.find((o) => o.cluster === "aks-dev-weu-1" && o.target === "1.30.5");
    expect(upgrade?.start.slice(0, 10)).toBe("2026-11-24");
    const mails = summary.emails.filter((e) => /Cost anomal/.test(e.subject));
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toMatch(
      /^\[Ringmaster\] Cost anomaly: aks-dev-weu-1 cost [\d.,]+ USD on 2026-11-24 after an upgrade to 1\.30\.5$/,
    );
    // The dev ring's on-call team (notify: [platform]), the morning after the spend day.
    expect(mails[0]!.to).toEqual(["platform-oncall@contoso.example"]);
    const hours = (Date.parse(mails[0]!.time) - Date.parse("2026-11-25T00:00:00Z")) / 3_600_000;
    expect(hours).toBeGreaterThanOrEqual(10);
    expect(hours).toBeLessThan(11);
  });
});
