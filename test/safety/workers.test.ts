import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundleChild, runOn, WarmWorkers } from "./pool.js";
import { generateScenario, type ScenarioSpec } from "./scenario.js";

/**
 * Warm workers (workers.ts, child.ts): one process runs scenario after scenario, each with a fresh copy of
 * the app's modules, and a scenario must come out exactly as in a process of its own. The two cheapest
 * in-process scenarios of a fixed range of seeds keep this quick.
 */
const env = { RINGMASTER_TEST_BREAK: "" };
const cost = (s: ScenarioSpec) => s.clusters.reduce((n, c) => n + c.pools.length, 0) * s.spanHours;
const [first, second] = Array.from({ length: 20 }, (_, i) => generateScenario(40_000 + i))
  .filter((s) => !s.actions.some((a) => a.kind === "kill"))
  .sort((a, b) => cost(a) - cost(b)) as [ScenarioSpec, ScenarioSpec];

let dir = "";
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "rm-workers-"));
  await bundleChild();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What the oracle judged and what the run did, as result.json holds it. */
function judged(scenarioDir: string): unknown {
  const r = JSON.parse(readFileSync(join(scenarioDir, "result.json"), "utf8")) as Record<string, unknown>;
  return {
    ok: r.ok,
    violations: r.violations,
    operations: r.operations,
    emails: r.emails,
    actions: r.actions,
  };
}

describe("safety net: warm workers", () => {
  it("run scenario after scenario in one process, each as a process of its own would", async () => {
    const workers = new WarmWorkers({ env, timeoutMs: 240_000, recycleAfter: 5 });
    try {
      // A scenario that errors retires its worker: what it left behind is unknown.
      const broken = join(dir, "broken");
      mkdirSync(broken);
      writeFileSync(join(broken, "scenario.json"), "{ not json");
      expect((await workers.run(0, broken)).error).toMatch(/SyntaxError/);
      // The new worker's first scenario is as in a process of its own; then another, then the first again.
      const runs = [second, first, second].map((s, i) => ({ s, dir: join(dir, `warm-${i}`) }));
      const outcomes = [];
      for (const r of runs) outcomes.push(await runOn(workers, r.s, r.dir));
      expect(outcomes.map((o) => o.error)).toEqual([undefined, undefined, undefined]);
      expect(workers.started).toBe(2);
      expect(judged(runs[2]!.dir)).toEqual(judged(runs[0]!.dir));
      expect(outcomes[2]!.processCpuMs).toBeGreaterThan(0);
    } finally {
      workers.close();
    }
  }, 300_000);

  it("kill a worker whose scenario outlives its timeout, and run the next scenario on a new one", async () => {
    const workers = new WarmWorkers({ env, timeoutMs: 300, recycleAfter: 5 });
    try {
      for (const n of [1, 2]) {
        const x = await runOn(workers, first, join(dir, `late-${n}`));
        expect(x.error).toMatch(/ended \(SIGKILL\) without a result after 0\.3 s/);
        expect(workers.started).toBe(n);
      }
    } finally {
      workers.close();
    }
  }, 60_000);
});
