import { afterAll, beforeAll, vi } from "vitest";

/**
 * Files that share a worker (`isolate: false` in vitest.config.ts) share a process: whatever one file
 * leaves in the environment, the timers or a spied-on global, the next file would see. This runs around
 * every test file and puts the process back as the file found it, so a file cannot pass or fail because
 * of which file ran before it in the same worker.
 */
let env: Record<string, string | undefined> = {};
let cwd = "";

beforeAll(() => {
  env = { ...process.env };
  cwd = process.cwd();
});

afterAll(() => {
  for (const name of Object.keys(process.env)) if (!(name in env)) delete process.env[name];
  for (const [name, value] of Object.entries(env)) if (process.env[name] !== value) process.env[name] = value;
  if (process.cwd() !== cwd) process.chdir(cwd);
  vi.useRealTimers();
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
  vi.unstubAllEnvs();
});
