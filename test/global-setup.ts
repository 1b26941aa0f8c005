import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";

/** End-to-end suites run the compiled CLI in child processes; build once so they never test stale code. */
export default function setup(): void {
  const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
  execFileSync(process.execPath, [tsc, "-p", "tsconfig.build.json"], { stdio: "inherit" });
}
