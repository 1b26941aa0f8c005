import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/global-setup.ts"],
    // End-to-end suites start real HTTP servers and child processes; two cores make generous timeouts honest.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    // One file at a time: the end-to-end journeys run on a virtual clock coupled to wall time, so two of
    // them sharing the two cores slow each other's hosts by simulated hours (a missed window, a late poll).
    // The discrete-event clock (issue 11) removes the coupling; until then, files do not overlap.
    fileParallelism: false,
  },
});
