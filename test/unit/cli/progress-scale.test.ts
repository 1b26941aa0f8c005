import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalRun } from "../../../src/app/local-run.js";
import { ProgressReporter } from "../../../src/cli/progress.js";
import type { RolloutStatus } from "../../../src/contracts/rollout-status.js";

/**
 * Issue 11: `npm start`'s live view stays readable at 5,000 clusters — a line per ring with its counts and
 * a line per cluster that needs attention ("and N more" past the cap), not a line per cluster or operation.
 */
const counts = (total: number, succeeded: number, failed: number, running: number) => ({
  total,
  scheduled: total - succeeded - failed - running,
  skipped: 0,
  running,
  succeeded,
  failed,
  canceled: 0,
});
const status: RolloutStatus = {
  rollout: "rollout:p:kubernetes:1.30.5",
  policy: "p",
  kind: "kubernetes",
  target: "1.30.5",
  state: "running",
  ring: "staging",
  phase: "ring staging",
  rings: [
    { name: "dev", status: "resumed", counts: counts(1667, 1500, 167, 0), lanes: { total: 90, done: 90 } },
    { name: "staging", status: "running", counts: counts(1667, 800, 0, 30), lanes: { total: 90, done: 40 } },
    { name: "prod", status: "pending", counts: counts(1666, 0, 0, 0), lanes: { total: 90, done: 0 } },
  ],
  attention: {
    clusters: Array.from({ length: 12 }, (_, i) => ({
      name: `aks-dev-${i}`,
      ring: "dev",
      status: "failed",
      code: "PodDrainFailure",
      reason: "drain did not complete",
    })),
    more: 155,
  },
};

describe("CLI: the live view at 5,000 clusters", () => {
  let server: Server;
  let url = "";
  const asked: string[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      asked.push(req.url ?? "");
      res.setHeader("Content-Type", "application/json");
      res.end(
        JSON.stringify([{ instanceId: status.rollout, runtimeStatus: "Running", customStatus: status }]),
      );
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it("prints counts per ring and the problems, and asks only for rollouts", async () => {
    const operations = Array.from({ length: 4000 }, (_, i) => ({
      id: String(i),
      kind: "upgrade",
      cluster: `c${i}`,
      target: "1.30.5",
      start: "2026-11-23T10:00:00.000Z",
      ...(i < 3000 ? { end: "2026-11-23T11:00:00.000Z", result: i % 100 ? "Succeeded" : "Failed" } : {}),
    }));
    const run = {
      host: { baseUrl: url },
      clock: { now: () => Date.parse("2026-11-23T12:00:00Z") },
      sim: {
        world: {
          clusters: Array.from({ length: 5000 }, (_, i) => ({ name: `c${i}` })),
          records: { operations, emails: [] },
        },
      },
    } as unknown as LocalRun;
    const lines: string[] = [];
    const view = new ProgressReporter(run, (l) => lines.push(l));
    await view.poll();
    await view.poll(); // nothing changed: nothing more printed
    expect(asked.every((u) => u.includes("instanceIdPrefix=rollout:"))).toBe(true);
    expect(lines.length).toBeLessThanOrEqual(20);
    const text = lines.join("\n");
    expect(text).toContain("dev: resumed: 1500/1667 upgraded, 167 failed");
    expect(text).toContain("staging: running: 800/1667 upgraded, 30 in flight, 837 scheduled");
    expect(text).toContain("! dev/aks-dev-0: failed PodDrainFailure (drain did not complete)");
    expect(text).toContain("… and 155 more");
    expect(text).toContain("AKS operations: 1000 running, 3000 done, 30 failed");
  });
});
