import { availableParallelism } from "node:os";
import { join } from "node:path";
import { defineConfig } from "vitest/config";
import LongestFirstSequencer from "./test/support/longest-first-sequencer.js";

// Node keeps the compiled code of what it loads (node_modules, dist/) between processes: every local host a
// journey starts, and every CLI child, skips compiling zod, the Azure SDKs and the app again (Node ≥ 22.1;
// older versions ignore the variable). Set here, it reaches the workers and what they start.
process.env.NODE_COMPILE_CACHE ??= join(import.meta.dirname, ".vitest-cache", "node-compile-cache");

// The local hosts the suite starts keep their durable records in the page cache, not on the disk (see
// src/devhost/durable/durable-sync.ts): a kill -9 still finds them, and simulated time no longer waits for
// an fdatasync before each step. A host in azure mode refuses this; the package journey sets disk.
process.env.RINGMASTER_DEVHOST_DURABLE_SYNC ??= "page-cache";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/global-setup.ts"],
    // End-to-end suites start real HTTP servers and child processes; two cores make generous timeouts honest.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    // Files run side by side, one worker per core (vitest's default leaves one core free): every journey
    // runs on the discrete-event clock, so a loaded core delays its wall time but not what happens in
    // simulated time.
    maxWorkers: availableParallelism(),
    // A worker runs file after file instead of one fresh process per file: a fresh worker cost each of
    // ~115 files its start-up and a new import of zod, the Azure SDKs and durable-functions (about a
    // third of the suite's CPU). What a file could leave behind for the next one in its worker (the
    // environment, the working directory, fake timers, spies, stubbed globals) is put back after every
    // file by test/support/file-hygiene.ts; modules are shared, so a test must not rely on a module's
    // state being fresh (src/ keeps its per-process caches keyed, e.g. clock.ts's clock per setting).
    isolate: false,
    setupFiles: ["test/support/file-hygiene.ts", "test/support/file-cost.ts"],
    // The longest files first, also in a fresh clone with no durations recorded (see the sequencer).
    sequence: { sequencer: LongestFirstSequencer },
    // Vitest keeps transformed TypeScript between runs (fsModuleCache, on by default): here in the
    // checkout, not in node_modules, which every worktree of this repository shares through a symlink.
    fsModuleCachePath: ".vitest-cache",
    reporters: ["default", "./test/support/slow-files-reporter.ts"],
  },
});
