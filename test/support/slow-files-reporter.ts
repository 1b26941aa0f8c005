import { writeFileSync } from "node:fs";
import { relative } from "node:path";
import type { Reporter, TestModule } from "vitest/node";

/**
 * Lists the test files that cost the most wall time, so a file that grows past the budget is seen in the
 * run that made it grow (`npm test` prints the list after the summary). Wall time on a shared machine is
 * inflated by load; the budget (see TEST_FILE_BUDGET_MS) is judged on an idle one.
 *
 * RINGMASTER_TEST_TIMINGS=<file> also writes every file's phases (collect = importing the file and what it
 * imports; tests = its tests and hooks) as JSON, for comparing runs.
 */
export const TEST_FILE_BUDGET_MS = 3_000;

interface Row {
  readonly file: string;
  readonly worker: number;
  readonly collectMs: number;
  readonly testsMs: number;
  readonly totalMs: number;
}

export default class SlowFilesReporter implements Reporter {
  private readonly rows: Row[] = [];

  onTestModuleEnd(module: TestModule): void {
    const d = module.diagnostic();
    const totalMs =
      d.environmentSetupDuration + d.prepareDuration + d.setupDuration + d.collectDuration + d.duration;
    this.rows.push({
      file: relative(process.cwd(), module.moduleId),
      worker: d.concurrencyId,
      collectMs: Math.round(d.collectDuration),
      testsMs: Math.round(d.duration),
      totalMs: Math.round(totalMs),
    });
  }

  onTestRunEnd(): void {
    const rows = [...this.rows].sort((a, b) => b.totalMs - a.totalMs);
    const out = process.env.RINGMASTER_TEST_TIMINGS;
    if (out) writeFileSync(out, JSON.stringify(rows, null, 2));
    const over = rows.filter((r) => r.totalMs > TEST_FILE_BUDGET_MS);
    const shown = rows.slice(0, Math.max(5, over.length));
    const lines = shown.map(
      (r) =>
        `  ${(r.totalMs / 1000).toFixed(1).padStart(6)} s  ${r.file} (import ${(r.collectMs / 1000).toFixed(1)} s)${r.totalMs > TEST_FILE_BUDGET_MS ? "  > budget" : ""}`,
    );
    process.stdout.write(
      `\nSlowest test files (budget ${TEST_FILE_BUDGET_MS / 1000} s of wall time each on an idle machine):\n${lines.join("\n")}\n`,
    );
  }
}
