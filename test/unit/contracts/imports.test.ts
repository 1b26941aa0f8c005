import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

/**
 * Issue 10: the contracts module is the bottom layer every other layer may read, so it reads none of
 * them: only zod, its own files, and domain types.
 */
const DIR = resolve(import.meta.dirname, "..", "..", "..", "src", "contracts");

describe("contracts imports nothing of ours but domain", () => {
  it.each(readdirSync(DIR).filter((f) => f.endsWith(".ts")))("%s", (file) => {
    const text = readFileSync(join(DIR, file), "utf8");
    const specifiers = [...text.matchAll(/^(?:import|export)\s[^;]*?from\s+"([^"]+)"/gms)].map((m) => m[1]!);
    const foreign = specifiers.filter(
      (s) => s !== "zod" && !/^\.\/[\w-]+\.js$/.test(s) && !s.startsWith("../domain/"),
    );
    expect(foreign).toEqual([]);
  });
});
