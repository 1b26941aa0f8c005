import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isIgnored, parseFuncignore } from "../../../src/package/funcignore.js";

describe("Function: .funcignore rules (gitignore syntax, as func pack reads them)", () => {
  it("matches a pattern without a slash at any depth, and an anchored one from the root only", () => {
    const rules = parseFuncignore("*.map\n/host.local.json\n");
    expect(isIgnored(rules, "dist/functions/api.js.map", false)).toBe(true);
    expect(isIgnored(rules, "api.js.map", false)).toBe(true);
    expect(isIgnored(rules, "dist/functions/api.js", false)).toBe(false);
    expect(isIgnored(rules, "host.local.json", false)).toBe(true);
    expect(isIgnored(rules, "dist/host.local.json", false)).toBe(false);
  });

  it("applies a trailing slash to directories only, ** across directories, and ! to re-include", () => {
    const rules = parseFuncignore("# comment\nnode_modules/**/test/\n*.md\n!node_modules/keep/README.md\n");
    expect(isIgnored(rules, "node_modules/zod/src/test", true)).toBe(true);
    expect(isIgnored(rules, "node_modules/zod/test", true)).toBe(true);
    expect(isIgnored(rules, "node_modules/zod/test", false)).toBe(false);
    expect(isIgnored(rules, "node_modules/zod/README.md", false)).toBe(true);
    expect(isIgnored(rules, "node_modules/keep/README.md", false)).toBe(false);
  });

  it("keeps everything the app runs under the repository's own .funcignore", () => {
    const rules = parseFuncignore(
      readFileSync(join(import.meta.dirname, "..", "..", "..", ".funcignore"), "utf8"),
    );
    for (const kept of [
      "dist/functions/ingress.js",
      // The bundle's maps ship (src/package/bundle.ts); dependencies' do not.
      "dist/functions/ingress.js.map",
      "dist/chunks/chunk-ABCDEF12.js.map",
      "dist/src/devhost/clock.js",
      "host.json",
      "node_modules/zod/package.json",
    ])
      expect(isIgnored(rules, kept, false), kept).toBe(false);
    for (const dropped of [
      "node_modules/zod/index.js.map",
      "node_modules/zod/index.d.ts",
      "local.settings.json",
    ])
      expect(isIgnored(rules, dropped, false), dropped).toBe(true);
    expect(isIgnored(rules, "dist/src/simulator", true)).toBe(true);
  });
});
