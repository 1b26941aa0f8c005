// Tiny measurement helpers shared by the benchmarks. Figures are printed as ratios against a baseline
// measured in the same run, so they compare across machines; absolute numbers are printed alongside.
import { performance } from "node:perf_hooks";

/** Runs fn repeatedly for at least minMs (after a warm-up) and returns nanoseconds per call. */
export function timePerCall(fn, { minMs = 400, warmupMs = 150 } = {}) {
  let end = performance.now() + warmupMs;
  while (performance.now() < end) fn();
  let calls = 0;
  const start = performance.now();
  end = start + minMs;
  while (performance.now() < end) {
    fn();
    calls++;
  }
  return ((performance.now() - start) * 1e6) / calls;
}

export function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export function heapUsed() {
  globalThis.gc?.();
  globalThis.gc?.();
  return process.memoryUsage().heapUsed;
}

export function row(label, value) {
  console.log(`  ${label.padEnd(48)} ${value}`);
}
