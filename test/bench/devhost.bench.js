// Local host: replay cost per history event (must grow linearly) and memory per 1,000 waiting instances.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { replay } from "../../dist/src/devhost/durable/replayer.js";
import { row, timePerCall } from "./harness.js";

const require = createRequire(import.meta.url);
const { Orchestrator } = require("durable-functions/lib/src/orchestrations/Orchestrator.js");
const { InvocationContext } = require("@azure/functions");

function chainHistory(activities) {
  const t = Date.parse("2026-11-23T00:00:00Z");
  const ts = (i) => new Date(t + i * 1000).toISOString();
  const h = [
    { EventType: 12, EventId: -1, IsPlayed: true, Timestamp: ts(0) },
    { EventType: 0, EventId: -1, IsPlayed: true, Timestamp: ts(0), Name: "chain", Input: "null" },
  ];
  for (let i = 0; i < activities; i++) {
    h.push({ EventType: 4, EventId: i, IsPlayed: true, Timestamp: ts(i), Name: "step" });
    h.push({ EventType: 13, EventId: -1, IsPlayed: true, Timestamp: ts(i) });
    h.push({ EventType: 12, EventId: -1, IsPlayed: true, Timestamp: ts(i + 1) });
    h.push({
      EventType: 5,
      EventId: -1,
      IsPlayed: true,
      Timestamp: ts(i + 1),
      TaskScheduledId: i,
      Result: String(i),
    });
  }
  return h;
}

function* chain(context) {
  for (;;) yield context.df.callActivity("step", 1);
}

async function replayOnce(history) {
  const binding = {
    history,
    input: null,
    instanceId: "bench",
    isReplaying: true,
    parentInstanceId: null,
    upperSchemaVersion: 1,
    upperSchemaVersionNew: 2,
    longRunningTimerIntervalDuration: "3.00:00:00",
    maximumShortTimerDuration: "3650.00:00:00",
    defaultHttpAsyncRequestSleepTimeMillseconds: 30000,
  };
  const context = new InvocationContext({ functionName: "chain" });
  const state = await new Orchestrator(chain).handle(structuredClone(binding), context);
  return replay(history, state.actions.flat(), "bench");
}

async function timeAsync(fn, iterations) {
  for (let i = 0; i < Math.min(20, iterations); i++) await fn();
  const start = performance.now();
  for (let i = 0; i < iterations; i++) await fn();
  return ((performance.now() - start) * 1e6) / iterations;
}

async function waitingInstancesMemory(count) {
  const dir = mkdtempSync(join(tmpdir(), "rm-bench-"));
  const bin = resolve(import.meta.dirname, "..", "..", "bin", "ringmaster.js");
  const app = resolve(import.meta.dirname, "..", "fixtures", "apps", "durable-js");
  const child = spawn(
    process.execPath,
    ["--expose-gc", bin, "host", "start", "--cwd", app, "--port", "0", "--state", dir, "--quiet"],
    { env: { ...process.env, SAMPLE_HUB_NAME: "hub" }, stdio: ["ignore", "pipe", "pipe"] },
  );
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  const url = await new Promise((ok) =>
    child.stdout.on("data", () => {
      const m = /listening on (\S+)/.exec(out);
      if (m) ok(m[1]);
    }),
  );
  const status = async () => (await (await fetch(`${url}/admin/host/status`)).json()).memory.heapUsed;
  const before = await status();
  for (let i = 0; i < count; i += 50) {
    await Promise.all(
      Array.from({ length: Math.min(50, count - i) }, (_, j) =>
        fetch(`${url}/runtime/webhooks/durabletask/orchestrators/waiter/w${i + j}`, { method: "POST" }),
      ),
    );
  }
  for (;;) {
    const running = await (
      await fetch(`${url}/runtime/webhooks/durabletask/instances/?runtimeStatus=Running`)
    ).json();
    if (running.length >= count) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const after = await status();
  child.kill("SIGTERM");
  await new Promise((r) => child.once("exit", r));
  rmSync(dir, { recursive: true, force: true });
  return after - before;
}

export async function run() {
  console.log("devhost: replay cost (durable-functions replay + determinism replayer) and memory");
  const perEvent = [];
  for (const activities of [2, 25, 250]) {
    const history = chainHistory(activities);
    const ns = await timeAsync(() => replayOnce(history), activities === 250 ? 200 : 1000);
    perEvent.push({ events: history.length, nsPerEvent: ns / history.length });
    row(
      `history of ${history.length} events`,
      `${(ns / 1e6).toFixed(3)} ms per replay, ${(ns / history.length / 1000).toFixed(2)} µs per event`,
    );
  }
  const ratio = perEvent[2].nsPerEvent / perEvent[1].nsPerEvent;
  row("per-event cost 1,000 vs 100 events (linear = 1.0x)", `${ratio.toFixed(2)}x`);
  const baseline = timePerCall(() => JSON.parse(JSON.stringify(chainHistory(250))));
  row(
    "baseline: JSON round-trip of the 1,000-event history",
    `${(baseline / 1e6).toFixed(3)} ms (replay = ${((perEvent[2].nsPerEvent * chainHistory(250).length) / baseline).toFixed(1)}x)`,
  );
  const bytes = await waitingInstancesMemory(1000);
  row(
    "host heap for 1,000 waiting instances",
    `${(bytes / 1048576).toFixed(1)} MB (${(bytes / 1000 / 1024).toFixed(1)} KB each)`,
  );
  return { perEvent, ratio, bytesPer1000: bytes };
}
