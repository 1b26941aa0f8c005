import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

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
  },
});
