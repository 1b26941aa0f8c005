import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  json,
  SAMPLE_APP,
  startHost,
  waitFor,
  waitForStatus,
  type HostProcess,
} from "../helpers/host-process.js";

interface LogEntry {
  activity: string;
  step?: number;
  phase?: string;
  name?: string;
}
const readLog = (file: string): LogEntry[] =>
  existsSync(file)
    ? readFileSync(file, "utf8")
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l) as LogEntry)
    : [];

describe("Devhost: crash recovery and determinism", () => {
  const dirs: string[] = [];
  let host: HostProcess | undefined;
  afterEach(async () => {
    await host?.stop().catch(() => {});
    host = undefined;
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it("kill -9 mid-orchestration, restart: completes once, every activity ran, only the interrupted one twice", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rm-crash-"));
    dirs.push(dir);
    const log = join(dir, "activities.log");
    const env = { ACTIVITY_LOG: log, SAMPLE_HUB_NAME: "hub" };
    const stateDir = join(dir, "state");
    host = await startHost(SAMPLE_APP, { env, stateDir });
    await fetch(`${host.url}/api/orchestrators/chain/crash`, { method: "POST", body: "6" });
    // Kill while step 3 is running: its start is logged, its end is not.
    await waitFor("step 3 to start", () =>
      Promise.resolve(readLog(log).some((e) => e.step === 3 && e.phase === "start") ? true : undefined),
    );
    await host.kill9();
    const before = readLog(log);
    expect(before.some((e) => e.step === 6)).toBe(false);

    host = await startHost(SAMPLE_APP, { env, stateDir });
    const s = await waitForStatus(host.url, "crash", ["Completed"]);
    expect(s.output).toEqual([10, 20, 30, 40, 50, 60]);
    const completed = s.historyEvents!.filter((e) => e.EventType === 1);
    expect(completed).toHaveLength(1);
    const taskCompletions = s.historyEvents!.filter((e) => e.EventType === 5).map((e) => e.TaskScheduledId);
    expect(taskCompletions).toEqual([0, 1, 2, 3, 4, 5]);

    const ends = readLog(log).filter((e) => e.activity === "slow" && e.phase === "end");
    const startsPerStep = [1, 2, 3, 4, 5, 6].map(
      (step) => readLog(log).filter((e) => e.step === step && e.phase === "start").length,
    );
    // At least once for every step; the step interrupted by the kill ran again, nothing else did.
    expect(startsPerStep.every((n) => n >= 1)).toBe(true);
    expect(startsPerStep.filter((n) => n > 1).length).toBeLessThanOrEqual(1);
    expect(startsPerStep.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(7);
    expect(new Set(ends.map((e) => e.step)).size).toBe(6);
  });

  it("restarting with changed orchestrator code fails the instance with a message naming both sides", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rm-drift-"));
    dirs.push(dir);
    const stateDir = join(dir, "state");
    host = await startHost(SAMPLE_APP, { stateDir, env: { SAMPLE_HUB_NAME: "hub" } });
    await fetch(`${host.url}/api/orchestrators/drift/d1`, { method: "POST" });
    await waitFor("drift to wait for its event", async () => {
      const r = await json<{ historyEvents: { EventType: string }[] }>(
        `${host!.url}/runtime/webhooks/durabletask/instances/d1?showHistory=true`,
      );
      return r.body.historyEvents.some((e) => e.EventType === "TaskCompleted") ? true : undefined;
    });
    await host.stop();
    host = await startHost(SAMPLE_APP, { stateDir, env: { SAMPLE_HUB_NAME: "hub", DRIFT_ACTIVITY: "slow" } });
    await fetch(`${host.url}/runtime/webhooks/durabletask/instances/d1/raiseEvent/Continue`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: "1",
    });
    const s = await waitForStatus(host.url, "d1", ["Failed"]);
    expect(s.output).toMatch(
      /NonDeterministicOrchestrationError: history has TaskScheduled #0 'greet' but the replay produced CallActivity 'slow' at that sequence number/,
    );
  });

  it("a virtual clock runs a ten-day durable timer in about a second", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rm-vclock-"));
    dirs.push(dir);
    host = await startHost(SAMPLE_APP, {
      stateDir: dir,
      env: { SAMPLE_HUB_NAME: "hub" },
      args: ["--start", "2026-11-23T00:00:00Z", "--speed", "1000000"],
    });
    const t0 = Date.now();
    await fetch(`${host.url}/api/orchestrators/longTimer/lt`, { method: "POST" });
    const s = await waitForStatus(host.url, "lt", ["Completed"], 10_000);
    expect(s.output).toBe("ten days later");
    expect(Date.now() - t0).toBeLessThan(5_000);
    const fired = (
      await json<{ lastUpdatedTime: string; createdTime: string }>(
        `${host.url}/runtime/webhooks/durabletask/instances/lt`,
      )
    ).body;
    expect(Date.parse(fired.lastUpdatedTime) - Date.parse(fired.createdTime)).toBeGreaterThanOrEqual(
      10 * 24 * 3600 * 1000,
    );
  });
});
