import { appendFileSync, readFileSync } from "node:fs";
import { relative } from "node:path";
import { afterAll, beforeAll, expect } from "vitest";

/**
 * RINGMASTER_TEST_CPU_LOG=<file> appends one JSON line per test file: the CPU seconds its worker spent on
 * it, the child processes it started and waited for included (a local host, the CLI) — the number that
 * stays honest on a loaded machine, where wall time does not. Linux only (/proc); otherwise nothing.
 */
const log = process.env.RINGMASTER_TEST_CPU_LOG;

/** utime + stime + cutime + cstime of this process, in seconds (children count once reaped). */
function cpuSeconds(): number | undefined {
  try {
    const fields = readFileSync("/proc/self/stat", "utf8").split(") ")[1]!.split(" ");
    return fields.slice(11, 15).reduce((sum, f) => sum + Number(f), 0) / 100;
  } catch {
    return undefined;
  }
}

const imported = log ? cpuSeconds() : undefined;
let started: number | undefined;

beforeAll(() => {
  started = log ? cpuSeconds() : undefined;
});

afterAll(() => {
  const end = cpuSeconds();
  if (!log || end === undefined || imported === undefined || started === undefined) return;
  const file = relative(process.cwd(), expect.getState().testPath ?? "?");
  const row = { file, cpuS: +(end - imported).toFixed(2), importS: +(started - imported).toFixed(2) };
  appendFileSync(log, `${JSON.stringify(row)}\n`);
});
