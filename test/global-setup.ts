import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, relative, resolve } from "node:path";

/**
 * End-to-end suites run the compiled CLI in child processes; build so they never test stale code.
 * `--noCheck` emits the same JavaScript without type-checking it again: `npm run check` (tsc --noEmit) is
 * where types are checked, and skipping it here saves most of the build's time.
 *
 * The build costs about 6 s of CPU, a tenth of the suite's budget, and most runs change no source: a stamp
 * in dist/ holds the hash of everything the build reads (src/, functions/, the tsconfigs, package.json, the
 * compiler's version), and the build runs only when that hash differs or the CLI's entry is missing.
 * RINGMASTER_TEST_BUILD=always builds regardless.
 */
const REPO = resolve(import.meta.dirname, "..");
const STAMP = join(REPO, "dist", ".sources.sha256");
const ENTRY = join(REPO, "dist", "src", "cli", "main.js");

function files(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)],
  );
}

/** Hash of the build's inputs under `root`: each file's path and content, in a stable order. */
export function sourcesHash(root: string, tsc: string): string {
  const hash = createHash("sha256");
  const compiler = join(tsc, "..", "..", "package.json");
  const inputs = [
    // package.json's "type" decides whether NodeNext emits ESM or CommonJS.
    join(root, "package.json"),
    join(root, "tsconfig.json"),
    join(root, "tsconfig.build.json"),
    compiler,
    ...files(join(root, "src")),
    ...files(join(root, "functions")),
  ].sort();
  for (const f of inputs.filter((i) => existsSync(i))) {
    hash.update(relative(root, f)).update("\0");
    hash.update(readFileSync(f)).update("\0");
  }
  return hash.digest("hex");
}

export default function setup(): void {
  const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
  const want = sourcesHash(REPO, tsc);
  const have = existsSync(STAMP) ? readFileSync(STAMP, "utf8").trim() : "";
  if (process.env.RINGMASTER_TEST_BUILD !== "always" && have === want && existsSync(ENTRY)) return;
  execFileSync(process.execPath, [tsc, "-p", "tsconfig.build.json", "--noCheck"], {
    cwd: REPO,
    stdio: "inherit",
  });
  writeFileSync(STAMP, `${want}\n`);
}
