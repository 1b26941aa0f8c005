import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { executeScenario, measured } from "./execute.js";
import { judge } from "./oracle.js";
import type { ScenarioSpec } from "./scenario.js";

/**
 * One scenario in its own process (the local Functions host is one per process: the functions-core seam
 * is process-wide): reads `<dir>/scenario.json`, runs it, judges it, writes `<dir>/result.json`.
 * Started by runner.ts from a bundle (build-child.ts); not meant to be run by hand.
 */
const dir = process.argv[2];
if (!dir) throw new Error("usage: child <scenario directory>");
const spec = JSON.parse(readFileSync(join(dir, "scenario.json"), "utf8")) as ScenarioSpec;
try {
  const stuck = (why: string) => {
    writeFileSync(join(dir, "result.json"), JSON.stringify({ ok: false, error: `stuck: ${why}` }));
    process.exit(0);
  };
  const { value, wallMs, cpuMs } = await measured(() => executeScenario(spec, join(dir, "run"), stuck));
  const violations = judge(spec, value);
  writeFileSync(
    join(dir, "result.json"),
    JSON.stringify({
      ok: true,
      violations,
      wallMs,
      cpuMs,
      operations: value.operations.length,
      emails: value.emails.length,
      actions: value.actions,
      records: violations.length ? value : undefined,
    }),
  );
} catch (error) {
  writeFileSync(
    join(dir, "result.json"),
    JSON.stringify({ ok: false, error: String((error as Error).stack ?? error) }),
  );
}
process.exit(0);
