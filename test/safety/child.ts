import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { freshModulesUnder, GENERATION } from "./fresh-modules.js";
import type { runScenarioDir } from "./run-dir.js";

/**
 * A safety worker: runs scenarios one after another, each with a fresh copy of the app's modules
 * (fresh-modules.ts) in this one process, so the packages they use stay loaded and warm — the start of a
 * process, the loading of its packages and the JIT's warm-up cost more than most scenarios. Started by
 * pool.ts from a bundle in dist/safety; it answers `{ dir }` over IPC with `{ dir, ok, cpuMs }` once
 * `<dir>/result.json` is written (cpuMs: this process's CPU so far) and ends when the channel closes.
 * `node dist/safety/child.mjs <dir>` runs the one scenario in `<dir>` (to profile one by hand).
 *
 * What a copy of the modules does not renew is shared by the process, and each scenario must find it as a
 * new process would: the environment is put back as it was at start before each scenario (hosts write
 * the app's settings into it), and the `@azure/functions-core` seam the library caches once is handed from
 * one host to the next (src/devhost/core-api.ts).
 */
const here = import.meta.dirname;
freshModulesUnder(
  `${pathToFileURL(resolve(here, "..")).href}/`,
  pathToFileURL(join(here, "fresh-modules.mjs")),
);

const pristine = { ...process.env };
function restoreEnvironment(): void {
  for (const k of Object.keys(process.env)) if (!(k in pristine)) delete process.env[k];
  Object.assign(process.env, pristine);
}

let generation = 0;
async function runOne(dir: string): Promise<{ ok: boolean }> {
  restoreEnvironment();
  const url = `${pathToFileURL(join(here, "run-dir.mjs")).href}?${GENERATION}=${++generation}`;
  const lib = (await import(url)) as { runScenarioDir: typeof runScenarioDir };
  return lib.runScenarioDir(dir);
}

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

const only = process.argv[2];
if (only) {
  await runOne(only);
  process.exit(0);
}
if (!process.send) throw new Error("usage: child <scenario directory> (or started by pool.ts with IPC)");
process.on("disconnect", () => process.exit(0));
let queue = Promise.resolve();
process.on("message", (message: { dir: string }) => {
  queue = queue.then(async () => {
    const { ok } = await runOne(message.dir);
    process.send!({ dir: message.dir, ok, cpuMs: cpuMs() });
  });
});
