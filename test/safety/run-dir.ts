import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { executeScenario, measured } from "./execute.js";
import { judge } from "./oracle.js";
import type { ScenarioSpec } from "./scenario.js";

/**
 * One scenario of a worker (child.ts): reads `<dir>/scenario.json`, runs it, judges it, writes
 * `<dir>/result.json`. A worker imports a fresh copy of this module, and through it of the whole app, for
 * each scenario (fresh-modules.ts), so nothing a module keeps carries over from one scenario to the next.
 * A scenario whose simulated time stands still (the watchdog in execute.ts) ends its process: its work
 * would hold the time forever, so the process is of no use to the next scenario.
 */
export async function runScenarioDir(dir: string): Promise<{ ok: boolean }> {
  const write = (result: Record<string, unknown>) =>
    writeFileSync(join(dir, "result.json"), JSON.stringify(result));
  try {
    const spec = JSON.parse(readFileSync(join(dir, "scenario.json"), "utf8")) as ScenarioSpec;
    const stuck = (why: string) => {
      write({ ok: false, error: `stuck: ${why}` });
      process.exit(0);
    };
    const { value, wallMs, cpuMs } = await measured(() => executeScenario(spec, join(dir, "run"), stuck));
    const violations = judge(spec, value);
    write({
      ok: true,
      violations,
      wallMs,
      cpuMs,
      operations: value.operations.length,
      emails: value.emails.length,
      actions: value.actions,
      records: violations.length ? value : undefined,
    });
    return { ok: true };
  } catch (error) {
    write({ ok: false, error: String((error as Error).stack ?? error) });
    return { ok: false };
  }
}
