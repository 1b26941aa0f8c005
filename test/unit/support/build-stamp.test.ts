import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { sourcesHash } from "../../global-setup.js";

/**
 * The global setup skips `tsc` when dist/ was built from the same inputs: the hash must move with every
 * input the build reads, or end-to-end tests would run stale code.
 */
describe("the global setup's build stamp", () => {
  const root = mkdtempSync(join(tmpdir(), "rm-stamp-"));
  const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const write = (path: string, text: string) => {
    mkdirSync(join(root, path, ".."), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  write("package.json", '{ "type": "module" }');
  write("tsconfig.json", "{}");
  write("tsconfig.build.json", "{}");
  write("src/a.ts", "export const a = 1;");
  write("functions/api.ts", "export {};");

  it("is the same for the same inputs and changes with a source, a new file, package.json or a tsconfig", () => {
    const first = sourcesHash(root, tsc);
    expect(sourcesHash(root, tsc)).toBe(first);
    const changes: [string, string][] = [
      ["src/a.ts", "export const a = 2;"],
      ["src/deep/b.ts", "export const b = 1;"],
      ["functions/api.ts", "export const x = 1;"],
      ["package.json", '{ "type": "commonjs" }'],
      ["tsconfig.build.json", '{ "compilerOptions": {} }'],
    ];
    const seen = new Set([first]);
    for (const [path, text] of changes) {
      write(path, text);
      const next = sourcesHash(root, tsc);
      expect(seen.has(next), `${path} changed but the hash did not`).toBe(false);
      seen.add(next);
    }
  });

  it("tells a file's content from its name (a rename changes the hash)", () => {
    const before = sourcesHash(root, tsc);
    rmSync(join(root, "src/a.ts"));
    write("src/c.ts", "export const a = 2;");
    expect(sourcesHash(root, tsc)).not.toBe(before);
  });
});
