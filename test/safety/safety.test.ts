import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundleChild, runOne } from "./pool.js";
import { generateScenario, type ScenarioSpec } from "./scenario.js";

/**
 * The safety net in the suite: a small slice of randomized whole-stack scenarios, a different slice each
 * UTC day (seeds YYYYMMDD×1000 + i, the same seeds `npm run safety` starts from by default), judged by the
 * oracle. Each scenario costs seconds of CPU, so the suite takes the cheapest of the day's first ten
 * (RINGMASTER_SAFETY_RUNS=N takes the N cheapest); the thousands are `npm run safety -- --runs N`.
 * A failure prints the violations and the directory holding the reproducer (scenario.json, fleet.yaml,
 * policy.yaml; `npm run safety -- --replay <dir>/scenario.json`).
 */
const RUNS = Number(process.env.RINGMASTER_SAFETY_RUNS ?? 1);
const day = Number(new Date().toISOString().slice(0, 10).replaceAll("-", ""));
const cost = (s: ScenarioSpec) =>
  s.clusters.reduce((n, c) => n + c.pools.length, 0) * s.spanHours +
  (s.actions.some((a) => a.kind === "kill") ? 1e9 : 0);
const slice = Array.from({ length: Math.max(10, RUNS) }, (_, i) => generateScenario(day * 1000 + i))
  .sort((a, b) => cost(a) - cost(b))
  .slice(0, RUNS);

let dir = "";
let keep = false;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "rm-safety-"));
  // The child runs as plain ESM beside the compiled app (global setup built dist/).
  await bundleChild();
});
afterAll(() => {
  if (!keep) rmSync(dir, { recursive: true, force: true });
});

describe("safety net: randomized rollouts with faults keep every promise (today's slice)", () => {
  for (const spec of slice)
    it(`seed ${spec.seed}: ${spec.clusters.length} clusters, ${spec.rings.length} rings, ${spec.faults.length} faults, ${spec.spanHours} h`, async () => {
      const out = await runOne(spec, join(dir, `seed-${spec.seed}`), { RINGMASTER_TEST_BREAK: "" }, 240_000);
      const found = out.error ? [`error: ${out.error}`] : out.violations.map((v) => `${v.rule}: ${v.detail}`);
      keep ||= found.length > 0;
      expect(found, `seed ${spec.seed}; reproducer kept in ${out.dir}`).toEqual([]);
    }, 300_000);
});
