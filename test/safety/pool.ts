import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { fleetYaml, policyYaml } from "./render.js";
import type { ScenarioSpec } from "./scenario.js";
import type { Violation } from "./oracle.js";

/**
 * Runs scenarios in child processes, `workers` at a time: each child is a fresh Node process with the
 * simulated Azure and the Functions host in it (child.ts, bundled by esbuild into dist/safety so the app's
 * own compiled code and ours load as plain ESM). A child that does not finish in `timeoutMs` is killed
 * and its scenario counted as failed (a hang is a finding too).
 */
export const REPO = resolve(import.meta.dirname, "..", "..");
export const CHILD = join(REPO, "dist", "safety", "child.mjs");

export interface Outcome {
  readonly seed: number;
  readonly dir: string;
  readonly violations: readonly Violation[];
  readonly error?: string;
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly operations: number;
  readonly emails: number;
}

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
 * Bundles child.ts with the test code only: every import of `src/` is left to the compiled app in
 * dist/src, the very modules the host loads. One copy of each module matters: the discrete clock tracks
 * which work holds time per module instance (an AsyncLocalStorage), so an app sleeping on one copy while
 * the host holds time through another would hold time forever.
 */
export async function bundleChild(): Promise<void> {
  const esbuild = await import("esbuild");
  const src = join(REPO, "src") + "/";
  await esbuild.build({
    entryPoints: [join(REPO, "test", "safety", "child.ts")],
    outfile: CHILD,
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

export function runOne(
  spec: ScenarioSpec,
  dir: string,
  env: Record<string, string>,
  timeoutMs: number,
): Promise<Outcome> {
  writeScenario(dir, spec);
  const started = Date.now();
  return new Promise((done) => {
    const child = spawn(process.execPath, [CHILD, dir], {
      env: { ...process.env, ...env },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (b: Buffer) => (stderr = (stderr + b.toString()).slice(-4000)));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      const file = join(dir, "result.json");
      const base = { seed: spec.seed, dir, wallMs: Date.now() - started, cpuMs: 0, operations: 0, emails: 0 };
      if (!existsSync(file))
        return done({
          ...base,
          violations: [],
          error: `the scenario's process ended (${signal ?? `exit ${code}`}) without a result${signal === "SIGKILL" ? ` after ${timeoutMs / 1000} s` : ""}: ${stderr.slice(-1500)}`,
        });
      const r = JSON.parse(readFileSync(file, "utf8")) as {
        ok: boolean;
        error?: string;
        violations?: Violation[];
        wallMs?: number;
        cpuMs?: number;
        operations?: number;
        emails?: number;
      };
      done({
        ...base,
        violations: r.violations ?? [],
        ...(r.ok ? {} : { error: r.error ?? "unknown error" }),
        cpuMs: r.cpuMs ?? 0,
        operations: r.operations ?? 0,
        emails: r.emails ?? 0,
      });
    });
  });
}

/** Runs `jobs` with at most `workers` children at once, reporting each outcome as it ends; `true` stops. */
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
