import { build } from "esbuild";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  bundleApp,
  staticInputs,
  staticPackages,
  zodEnglishOnly,
  type BundleResult,
} from "../../../src/package/bundle.js";
import { AZURE_SDK_PACKAGES } from "../../helpers/azure-packages.js";

/**
 * The deployed bundle (issue 12, cold start): what each entry loads before any `import()` runs, read from
 * esbuild's metafile, so it holds on a loaded machine. test/bench/coldstart.bench.js measures the time.
 */
const REPO = resolve(import.meta.dirname, "..", "..", "..");
const SDKS: readonly string[] = [...AZURE_SDK_PACKAGES, "axios"];
let out: string;
let bundle: BundleResult;
const output = (entry: string) => {
  const key = Object.keys(bundle.metafile.outputs).find((o) => o.endsWith(entry));
  if (!key) throw new Error(`${entry} is not in the bundle`);
  return key;
};

beforeAll(async () => {
  out = mkdtempSync(join(tmpdir(), "rm-bundle-"));
  bundle = await bundleApp({ appDir: REPO, outDir: out });
}, 60_000);
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe("The deployed bundle", () => {
  it("has one file per entry where package.json's main glob finds it", () => {
    expect(bundle.entries).toEqual(
      ["api", "dashboard", "ingress", "schedules", "telemetry", "workflows"].map(
        (e) => `dist/functions/${e}.js`,
      ),
    );
  });

  it("loads only @azure/functions for the webhook and Event Hub path: no zod, yaml, luxon, SDK or durable-functions", () => {
    const loaded = staticPackages(bundle.metafile, output("dist/functions/ingress.js"));
    expect([...loaded].sort()).toEqual(["@azure/functions", "@azure/functions-extensions-base", "cookie"]);
  });

  it("loads for the whole app @azure/functions, and zod and croner for the settings check, nothing else", () => {
    const inputs = new Set(bundle.entries.flatMap((e) => [...staticInputs(bundle.metafile, output(e))]));
    const packages = new Set(bundle.entries.flatMap((e) => [...staticPackages(bundle.metafile, output(e))]));
    // No SDK, no durable-functions, no yaml or luxon: handlers, workflows and activities load on first call.
    expect([...packages].sort()).toEqual([
      "@azure/functions",
      "@azure/functions-extensions-base",
      "cookie",
      "croner",
      "zod",
    ]);
    expect([...packages].filter((p) => SDKS.includes(p))).toEqual([]);
    // The zod locales other than English are left out (zodEnglishOnly).
    expect([...inputs].filter((i) => /zod\/v4\/locales\/(?!en\.js)/.test(i))).toEqual([]);
  });

  it("keeps what is deferred reachable: durable-functions and the SDKs are chunks loaded by import()", () => {
    const all = Object.values(bundle.metafile.outputs).flatMap((o) => Object.keys(o.inputs));
    expect(all.some((i) => i.includes("node_modules/durable-functions/lib/src/index.js"))).toBe(true);
    expect(all.some((i) => i.includes("node_modules/@azure/identity/"))).toBe(true);
  });

  it("zod still answers in English with the other locales dropped", async () => {
    const r = await build({
      stdin: {
        contents: `import { z } from "zod"; export const message = z.string().safeParse(1).error.issues[0].message;
          export const en = typeof z.locales.en;`,
        resolveDir: REPO,
        loader: "ts",
      },
      bundle: true,
      format: "esm",
      platform: "node",
      write: false,
      plugins: [zodEnglishOnly],
      logLevel: "silent",
    });
    const text = r.outputFiles[0]!.text;
    const mod = (await import(`data:text/javascript;base64,${Buffer.from(text).toString("base64")}`)) as {
      message: string;
      en: string;
    };
    expect(mod.message).toBe("Invalid input: expected string, received number");
    expect(mod.en).toBe("function");
    expect(text).not.toContain("locales/de.js");
  });
});
