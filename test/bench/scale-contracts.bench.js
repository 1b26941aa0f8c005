// The scale contracts at the sizes Ringmaster is built for: `npm test` runs them smaller (400 clusters for
// the maintenance assignments, 1,000 for the cost-anomaly check); this runs the same files, with the same
// assertions, at 1,000 and 5,000 clusters and prints what they report.
//
//   npm run bench scale-contracts
//   SCALE_CLUSTERS=2000 SCALE_COST_CLUSTERS=10000 npm run bench scale-contracts   other sizes
import { execFileSync } from "node:child_process";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { row } from "./harness.js";

const REPO = resolve(import.meta.dirname, "..", "..");
const FILES = [
  "test/contract/maintenance-scale.contract.test.ts",
  "test/contract/cost-anomalies-scale.contract.test.ts",
];

export function run() {
  const env = {
    ...process.env,
    SCALE_CLUSTERS: process.env.SCALE_CLUSTERS ?? "1000",
    SCALE_COST_CLUSTERS: process.env.SCALE_COST_CLUSTERS ?? "5000",
  };
  console.log(
    `scale contracts: maintenance assignments at ${env.SCALE_CLUSTERS} clusters, cost-anomaly check at ${env.SCALE_COST_CLUSTERS}`,
  );
  const vitest = join(REPO, "node_modules", "vitest", "vitest.mjs");
  const started = performance.now();
  // Fails the bench (non-zero exit) when an assertion fails at the larger size.
  const out = execFileSync(process.execPath, [vitest, "run", ...FILES], {
    cwd: REPO,
    env,
    encoding: "utf8",
    maxBuffer: 16 * 1024 * 1024,
  });
  for (const line of out.split("\n")) {
    const report = /(maintenance reads, .*|cost check at .*)$/.exec(line);
    if (report) console.log(`  ${report[1]}`);
  }
  row("wall time, both files", `${((performance.now() - started) / 1000).toFixed(1)} s`);
}
