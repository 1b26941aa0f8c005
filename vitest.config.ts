import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/global-setup.ts"],
    // End-to-end suites start real HTTP servers and child processes; two cores make generous timeouts honest.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
  },
});
