import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";

/**
 * End-to-end suites run the compiled CLI in child processes; build once so they never test stale code.
 * `--noCheck` emits the same JavaScript without type-checking it again: `npm run check` (tsc --noEmit) is
 * where types are checked, and skipping it here saves most of the build's time.
 */
export default function setup(): void {
  const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
  execFileSync(process.execPath, [tsc, "-p", "tsconfig.build.json", "--noCheck"], { stdio: "inherit" });
}
