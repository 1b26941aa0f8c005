import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main, type CliIo } from "../../../src/cli/main.js";
import { fixtureText } from "../../helpers/fixtures.js";

function io(stdin = ""): CliIo & { stdout: string; stderr: string } {
  const state = { stdout: "", stderr: "" };
  return Object.assign(state, {
    out: (s: string) => void (state.stdout += s),
    err: (s: string) => void (state.stderr += s),
    readStdin: () => Promise.resolve(stdin),
  });
}

const run = (args: string[], cli = io()) =>
  main(["node", "ringmaster", ...args], cli).then((code) => ({ code, ...cli }));

describe("Command: ringmaster events normalize", () => {
  it("prints one JSON object per event and exits 0 when nothing was rejected", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rm-cli-"));
    const file = join(dir, "in.json");
    writeFileSync(file, fixtureText("arn", "fleet-gate-created"));
    const { code, stdout, stderr } = await run(["events", "normalize", file]);
    expect(code).toBe(0);
    expect(stderr).toBe("");
    const lines = stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toEqual([
      expect.objectContaining({
        kind: "FleetGate",
        key: expect.any(String),
        time: "2025-09-23T02:50:21.260Z",
      }),
    ]);
  });

  it("reads standard input, and exits 2 with a Rejected line carrying reason for non-JSON", async () => {
    const { code, stdout } = await run(["events", "normalize", "-"], io("this is not json"));
    expect(code).toBe(2);
    expect(JSON.parse(stdout.trim())).toMatchObject({
      kind: "Rejected",
      reason: expect.stringMatching(/^input: not JSON/),
    });
  });

  it("reads JSON lines of mixed shapes", async () => {
    const lines = [fixtureText("aks", "rolling-failed-eventgrid"), fixtureText("alerts", "budget-legacy")]
      .map((t) => t.replace(/\s*\n\s*/g, " "))
      .join("\n");
    const { code, stdout } = await run(["events", "normalize", "-"], io(lines));
    expect(code).toBe(0);
    expect(
      stdout
        .trim()
        .split("\n")
        .map((l) => (JSON.parse(l) as { kind: string }).kind),
    ).toEqual(["NodePoolRollingFailed", "BudgetAlert"]);
  });

  it("reports an unreadable file in one line, without a stack trace", async () => {
    const { code, stderr } = await run(["events", "normalize", join(tmpdir(), "does-not-exist.json")]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^ringmaster events normalize: cannot read .*ENOENT/);
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});

describe("Command: ringmaster policy", () => {
  it("validates the example and prints a JSON Schema", async () => {
    expect((await run(["policy", "validate", "examples/policy.yaml"])).stdout).toMatch(
      /valid \(contoso-platform, 3 rings\)/,
    );
    const { stdout } = await run(["policy", "schema"]);
    expect(JSON.parse(stdout)).toHaveProperty("properties.spec");
  });
});

describe("Command: ringmaster events normalize on hostile input", () => {
  it("answers JSON nested 10,000 deep with one Rejected line naming the limit, exit 2 (no stack overflow)", async () => {
    const { code, stdout } = await run(
      ["events", "normalize", "-"],
      io("[".repeat(10_000) + "]".repeat(10_000)),
    );
    expect(code).toBe(2);
    const lines = stdout.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      kind: "Rejected",
      reason: expect.stringMatching(/nested deeper than 64 levels/),
    });
  });
});
