import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Command, InvalidArgumentError } from "commander";
import { TEST_BREAKS, TEST_BREAK_FLAG } from "../../src/domain/test-break.js";
import { features } from "./coverage.js";
import { build, runAll, runOn, WarmWorkers, writeScenario, type Outcome } from "./pool.js";
import { generateScenario, scenarioSize, type ScenarioSpec } from "./scenario.js";
import { smaller } from "./shrink.js";

/**
 * The safety net (issue 15): `npm run safety -- --runs N [--seed S] [--workers W]` generates N scenarios
 * from seeds S, S+1, …, runs each against the whole stack on the discrete clock in parallel worker
 * processes (each runs `--recycle` scenarios, with a fresh copy of the app's modules for each), judges each with the oracle, prints every violation with its reproducer (the seed and the
 * scenario's files in a directory), shrinks a failing scenario to a small one, and ends with
 * `N passed, M failed`. `--break window|soak|budget|cap` runs with that safety rule switched off on
 * purpose (src/domain/test-break.ts), to prove the net catches it; `--replay <scenario.json>` runs one
 * written scenario again.
 */
const positive = (what: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${what}: expected a whole number`);
  return n;
};

const program = new Command("safety")
  .option("--runs <n>", "scenarios to run", positive("--runs"), 100)
  .option("--seed <s>", "first seed (default: today's UTC date as YYYYMMDD × 1000)", positive("--seed"))
  .option("--workers <w>", "scenarios at once", positive("--workers"), 2)
  .option("--out <dir>", "where scenarios and reproducers are written")
  .option("--break <rule>", `switch a safety rule off on purpose: ${TEST_BREAKS.join(", ")}`)
  .option(
    "--first-failure",
    "stop at the first failing scenario (with --break: the first that trips its rule)",
  )
  .option("--shrink-runs <n>", "scenario runs the shrinker may spend", positive("--shrink-runs"), 40)
  .option("--no-shrink", "report failures as generated")
  .option("--no-build", "use dist/ as it is")
  .option("--replay <file>", "run the scenario in this scenario.json once")
  .option("--timeout <seconds>", "wall seconds one scenario may take", positive("--timeout"), 900)
  .option(
    "--recycle <n>",
    "scenarios a worker process runs before a new one takes over",
    positive("--recycle"),
    25,
  );
program.parse();
const o = program.opts<{
  runs: number;
  seed?: number;
  workers: number;
  out?: string;
  break?: string;
  firstFailure?: boolean;
  shrinkRuns: number;
  shrink: boolean;
  build: boolean;
  replay?: string;
  timeout: number;
  recycle: number;
}>();
if (o.break && !(TEST_BREAKS as readonly string[]).includes(o.break))
  program.error(`--break: expected one of ${TEST_BREAKS.join(", ")}`);

const today = new Date().toISOString().slice(0, 10).replaceAll("-", "");
const firstSeed = o.seed ?? Number(today) * 1000;
const out = resolve(o.out ?? join(tmpdir(), `ringmaster-safety-${firstSeed}${o.break ? `-${o.break}` : ""}`));
mkdirSync(out, { recursive: true });
const env: Record<string, string> = o.break
  ? { RINGMASTER_TEST_BREAK: o.break, RINGMASTER_TEST_FLAG: TEST_BREAK_FLAG }
  : { RINGMASTER_TEST_BREAK: "" };
const timeoutMs = o.timeout * 1000;
const workers = new WarmWorkers({ env, timeoutMs, recycleAfter: Math.max(1, o.recycle) });

/** The rules a deliberate break must trip (the run that first trips one is where it was caught). */
const CAUGHT_BY: Record<string, readonly string[]> = {
  window: ["outside-window", "does-not-fit"],
  soak: ["before-soak"],
  budget: ["after-budget", "halt-not-told"],
  cap: ["cap"],
};
const caught = (x: Outcome) =>
  o.break !== undefined && x.violations.some((v) => CAUGHT_BY[o.break!]!.includes(v.rule));
const failed = (x: Outcome) => x.violations.length > 0 || x.error !== undefined;
const rulesOf = (x: Outcome) => new Set(x.error ? ["error"] : x.violations.map((v) => v.rule));

function describe(x: Outcome): string {
  const lines = x.error
    ? [`  error: ${x.error.split("\n").slice(0, 12).join("\n    ")}`]
    : x.violations.slice(0, 20).map((v) => `  ${v.rule}: ${v.detail}`);
  if (x.violations.length > 20) lines.push(`  … ${x.violations.length - 20} more`);
  return lines.join("\n");
}

/** Greedy: take the first smaller scenario that still breaks one of the same rules, until none does. */
async function shrink(spec: ScenarioSpec, first: Outcome): Promise<{ spec: ScenarioSpec; outcome: Outcome }> {
  let best = { spec, outcome: first };
  let budget = o.shrinkRuns;
  const dir = join(out, `seed-${spec.seed}-shrunk`);
  for (let improved = true; improved && budget > 0;) {
    improved = false;
    for (const c of smaller(best.spec)) {
      if (budget-- <= 0) break;
      const x = await runOn(workers, c.spec, join(out, `seed-${spec.seed}-try`));
      const same = [...rulesOf(x)].some((r) => rulesOf(best.outcome).has(r));
      if (failed(x) && same) {
        best = { spec: c.spec, outcome: { ...x, dir } };
        console.log(
          `    shrunk: ${c.what} (${c.spec.clusters.length} clusters, ${c.spec.rings.length} rings, ${c.spec.faults.length} faults, ${c.spec.spanHours} h)`,
        );
        improved = true;
        break;
      }
    }
  }
  writeScenario(dir, best.spec);
  return best;
}

function reproducer(x: Outcome): string {
  return `  reproduce: npm run safety -- --replay ${join(x.dir, "scenario.json")}   (files: ${x.dir}/fleet.yaml, policy.yaml)`;
}

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))]! : 0;
};

async function main(): Promise<void> {
  if (o.build) await build();
  const specs: ScenarioSpec[] = o.replay
    ? [JSON.parse(readFileSync(o.replay, "utf8")) as ScenarioSpec]
    : Array.from({ length: o.runs }, (_, i) => generateScenario(firstSeed + i));
  console.log(
    `safety: ${specs.length} scenario(s) from seed ${specs[0]?.seed ?? firstSeed}, ${o.workers} worker(s)${o.break ? `, with the ${o.break} rule broken on purpose` : ""}; files in ${out}`,
  );
  const wall0 = Date.now();
  let done = 0;
  let firstFailureAt: number | undefined;
  let caughtAt: number | undefined;
  const outcomes = await runAll(
    specs,
    o.workers,
    (spec) => runOn(workers, spec, join(out, `seed-${spec.seed}`)),
    (x, i) => {
      done++;
      const size = scenarioSize(specs[i]!);
      if (caught(x)) caughtAt = Math.min(caughtAt ?? Infinity, i + 1);
      if (failed(x)) {
        firstFailureAt ??= i + 1;
        console.log(
          `✗ seed ${x.seed} (#${i + 1}; ${size.clusters} clusters, ${size.rings} rings, ${size.faults} faults, ${size.hours} h): ${x.error ? "error" : `${x.violations.length} violation(s)`}\n${describe(x)}\n${reproducer(x)}`,
        );
      } else if (done % 10 === 0 || specs.length <= 10)
        console.log(
          `  ${done}/${specs.length} done (${((Date.now() - wall0) / done / 1000).toFixed(1)} s each, wall / workers: ${((Date.now() - wall0) / done / 1000).toFixed(1)} s)`,
        );
      return Boolean(o.firstFailure && (o.break ? caught(x) : failed(x)));
    },
  );
  const failures = outcomes.filter(failed);
  if (o.shrink && failures.length) {
    const x = failures[0]!;
    const spec = specs.find((s) => s.seed === x.seed)!;
    console.log(`shrinking seed ${x.seed} (up to ${o.shrinkRuns} runs)…`);
    const small = await shrink(spec, x);
    console.log(
      `smallest failing scenario: ${small.spec.clusters.length} clusters, ${small.spec.rings.length} rings, ${small.spec.faults.length} faults, ${small.spec.actions.length} actions, ${small.spec.spanHours} h\n${describe(small.outcome)}\n${reproducer(small.outcome)}`,
    );
  }

  workers.close();

  // Figures: time per scenario, sizes, features covered.
  const wall = outcomes.map((x) => x.wallMs);
  const cpu = outcomes.map((x) => x.cpuMs);
  const processCpu = outcomes.map((x) => x.processCpuMs);
  const sizes = specs.slice(0, outcomes.length).map(scenarioSize);
  const covered = new Map<string, number>();
  for (const s of specs.slice(0, outcomes.length))
    for (const f of features(s)) covered.set(f, (covered.get(f) ?? 0) + 1);
  const summary = {
    seeds: `${specs[0]?.seed}…${specs[outcomes.length - 1]?.seed}`,
    break: o.break ?? null,
    passed: outcomes.length - failures.length,
    failed: failures.length,
    firstFailureAt: firstFailureAt ?? null,
    caughtAt: caughtAt ?? null,
    wallSeconds: (Date.now() - wall0) / 1000,
    perScenario: {
      wallMs: {
        mean: wall.reduce((a, b) => a + b, 0) / (wall.length || 1),
        p50: quantile(wall, 0.5),
        p95: quantile(wall, 0.95),
        max: Math.max(0, ...wall),
      },
      cpuMs: {
        mean: cpu.reduce((a, b) => a + b, 0) / (cpu.length || 1),
        p50: quantile(cpu, 0.5),
        p95: quantile(cpu, 0.95),
        max: Math.max(0, ...cpu),
      },
      processCpuMs: {
        mean: processCpu.reduce((a, b) => a + b, 0) / (processCpu.length || 1),
        p50: quantile(processCpu, 0.5),
        p95: quantile(processCpu, 0.95),
        max: Math.max(0, ...processCpu),
      },
    },
    workerProcesses: workers.started,
    sizes: {
      clusters: {
        min: Math.min(...sizes.map((s) => s.clusters)),
        p50: quantile(
          sizes.map((s) => s.clusters),
          0.5,
        ),
        p95: quantile(
          sizes.map((s) => s.clusters),
          0.95,
        ),
        max: Math.max(...sizes.map((s) => s.clusters)),
      },
      rings: { min: Math.min(...sizes.map((s) => s.rings)), max: Math.max(...sizes.map((s) => s.rings)) },
      faults: {
        total: sizes.reduce((n, s) => n + s.faults, 0),
        max: Math.max(...sizes.map((s) => s.faults)),
      },
      hours: { min: Math.min(...sizes.map((s) => s.hours)), max: Math.max(...sizes.map((s) => s.hours)) },
      operations: outcomes.reduce((n, x) => n + x.operations, 0),
      emails: outcomes.reduce((n, x) => n + x.emails, 0),
    },
    features: Object.fromEntries([...covered].sort((a, b) => b[1] - a[1])),
    failures: failures.map((x) => ({ seed: x.seed, dir: x.dir, rules: [...rulesOf(x)] })),
  };
  writeFileSync(join(out, "summary.json"), `${JSON.stringify(summary, null, 2)}\n`);
  console.log(
    `wall ${summary.wallSeconds.toFixed(0)} s; per scenario ${(summary.perScenario.wallMs.mean / 1000).toFixed(1)} s wall (p95 ${(summary.perScenario.wallMs.p95 / 1000).toFixed(1)}), ${(summary.perScenario.cpuMs.mean / 1000).toFixed(2)} s CPU in the run, ${(summary.perScenario.processCpuMs.mean / 1000).toFixed(2)} s CPU in its worker (${summary.workerProcesses} worker processes); clusters ${summary.sizes.clusters.min}–${summary.sizes.clusters.max} (median ${summary.sizes.clusters.p50}); ${covered.size} features covered; ${summary.sizes.operations} operations judged; summary in ${join(out, "summary.json")}`,
  );
  if (firstFailureAt !== undefined) console.log(`first failure at run ${firstFailureAt}`);
  if (o.break)
    console.log(
      caughtAt === undefined
        ? `the ${o.break} break was NOT caught in ${outcomes.length} run(s)`
        : `the ${o.break} break was caught at run ${caughtAt} (${CAUGHT_BY[o.break]!.join(" or ")})`,
    );
  console.log(`${summary.passed} passed, ${summary.failed} failed`);
  process.exitCode = failures.length ? 1 : 0;
}

await main();
