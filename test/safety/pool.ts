import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { fleetYaml, policyYaml } from "./render.js";
import type { ScenarioSpec } from "./scenario.js";
import { REPO, WarmWorkers, type Outcome } from "./workers.js";

export { REPO, WarmWorkers, type Outcome } from "./workers.js";

/**
 * Runs scenarios in child processes, `workers` at a time, with the simulated Azure and the Functions host
 * in each (workers.ts, child.ts; bundled by esbuild into dist/safety so the app's own compiled code and
 * ours load as plain ESM).
 */

/** Compiles the app (as the test suite's global setup does) and bundles the child. */
export async function build(): Promise<void> {
  const require = createRequire(import.meta.url);
  const tsc = require.resolve("typescript/bin/tsc");
  execFileSync(process.execPath, [tsc, "-p", "tsconfig.build.json", "--noCheck"], {
    cwd: REPO,
    stdio: "inherit",
  });
  await bundleChild();
}

/**
 * Bundles the worker with the test code only: every import of `src/` is left to the compiled app in
 * dist/src, the very modules the host loads. One copy of each module per scenario matters (fresh-modules.ts
 * gives a scenario's imports one generation): the discrete clock tracks which work holds time per module
 * instance (an AsyncLocalStorage), so an app sleeping on one copy while the host holds time through another
 * would hold time forever.
 */
export async function bundleChild(): Promise<void> {
  const esbuild = await import("esbuild");
  const src = join(REPO, "src") + "/";
  await esbuild.build({
    // The worker, the module it imports afresh per scenario, and its loader hooks (child.ts says why).
    entryPoints: ["child", "run-dir", "fresh-modules"].map((f) => join(REPO, "test", "safety", `${f}.ts`)),
    outdir: join(REPO, "dist", "safety"),
    outExtension: { ".js": ".mjs" },
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    logLevel: "warning",
    plugins: [
      {
        name: "app-from-dist",
        setup(b) {
          b.onResolve({ filter: /\/src\// }, (args) => {
            const target = resolve(args.resolveDir, args.path);
            if (!target.startsWith(src)) return undefined;
            return { path: join(REPO, "dist", "src", target.slice(src.length)), external: true };
          });
        },
      },
    ],
  });
}

/** Writes the scenario's files (the reproducer) into `dir`. */
export function writeScenario(dir: string, spec: ScenarioSpec): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "scenario.json"), JSON.stringify(spec, null, 2));
  writeFileSync(join(dir, "fleet.yaml"), fleetYaml(spec));
  writeFileSync(join(dir, "policy.yaml"), policyYaml(spec));
}

/** Writes the scenario into `dir` and runs it on one of `workers`. */
export function runOn(workers: WarmWorkers, spec: ScenarioSpec, dir: string): Promise<Outcome> {
  writeScenario(dir, spec);
  return workers.run(spec.seed, dir);
}

/** One scenario in a process of its own (the test suite's slice). */
export async function runOne(
  spec: ScenarioSpec,
  dir: string,
  env: Record<string, string>,
  timeoutMs: number,
): Promise<Outcome> {
  const workers = new WarmWorkers({ env, timeoutMs, recycleAfter: 1 });
  try {
    return await runOn(workers, spec, dir);
  } finally {
    workers.close();
  }
}

/** Runs `jobs` with at most `workers` at once, reporting each outcome as it ends; `true` stops. */
export async function runAll<T>(
  jobs: readonly T[],
  workers: number,
  run: (job: T, index: number) => Promise<Outcome>,
  onOutcome: (o: Outcome, index: number) => boolean | Promise<boolean>,
): Promise<Outcome[]> {
  const results: Outcome[] = [];
  let next = 0;
  let stop = false;
  const worker = async () => {
    while (!stop && next < jobs.length) {
      const i = next++;
      const o = await run(jobs[i]!, i);
      results[i] = o;
      if (await onOutcome(o, i)) stop = true;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, workers) }, worker));
  return results.filter(Boolean);
}
