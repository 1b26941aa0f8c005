import { build, type Metafile, type Plugin } from "esbuild";
import { readdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

/**
 * The deployed app as esbuild bundles (issue 12, cold start): one ESM file per entry (`functions/*.ts` →
 * `dist/functions/*.js`, so package.json's `main` glob is unchanged) and shared chunks in `dist/chunks/`.
 * Loading a bundle costs a fraction of loading the same code as hundreds of files from node_modules (no
 * resolution, one compile per chunk), and code splitting keeps every `import()` a chunk of its own, so what
 * the app defers (Azure SDKs, durable-functions, the dispatcher) still loads on first use only.
 *
 * Nothing the app needs is external: the zip ships no node_modules. The one exception is
 * `@azure/functions-core`, which is not a package but the module the Functions Node worker provides at run
 * time (by proxying `Module.prototype.require`, which the `require` below goes through).
 */
export interface BundleOptions {
  /** The app's root: functions/ (entry files) and src/. */
  readonly appDir: string;
  /** Receives dist/functions/*.js and dist/chunks/*.js, each with its source map. */
  readonly outDir: string;
}

export interface BundleResult {
  /** Entry bundles written, relative to outDir (dist/functions/<entry>.js). */
  readonly entries: readonly string[];
  /** esbuild's record of inputs and outputs (paths relative to appDir); tests read the static graph. */
  readonly metafile: Metafile;
}

/** Provided by the Functions Node worker, never installed (see above). */
export const WORKER_PROVIDED = ["@azure/functions-core"] as const;

/**
 * CommonJS dependencies (@azure/functions, durable-functions, the Azure SDKs) call `require` for Node
 * built-ins and for the worker's module; an ESM bundle has no `require` of its own, so each output file
 * gets one bound to itself.
 */
const REQUIRE_BANNER = `import { createRequire as __ringmasterCreateRequire } from "node:module";
const require = __ringmasterCreateRequire(import.meta.url);`;

/**
 * zod 4 re-exports every message locale as `z.locales` (366 KB, a quarter of what the app loads at start),
 * while its default, English, comes from classic/schemas.js importing locales/en.js itself. The app calls
 * no `z.config(z.locales.xx())`, so the bundle keeps `z.locales.en` and drops the rest.
 * test/unit/package/bundle.test.ts checks bundled zod still answers in English.
 */
export const zodEnglishOnly: Plugin = {
  name: "zod-english-only",
  setup(b) {
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[/\\]zod[/\\]v4[/\\](classic|core)$/.test(args.resolveDir)
        ? { path: join(args.resolveDir, "..", "locales", "en.js"), namespace: "zod-locales" }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: "zod-locales" }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(args.path)};`,
      resolveDir: dirname(args.path),
      loader: "js",
    }));
  },
};

export async function bundleApp(options: BundleOptions): Promise<BundleResult> {
  const appDir = resolve(options.appDir);
  const entryFiles = readdirSync(join(appDir, "functions"))
    .filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"))
    .sort();
  const result = await build({
    absWorkingDir: appDir,
    entryPoints: entryFiles.map((f) => `functions/${f}`),
    outdir: join(resolve(options.outDir), "dist"),
    entryNames: "functions/[name]",
    chunkNames: "chunks/[name]-[hash]",
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node22",
    // Linked maps for stack traces (`--enable-source-maps`); without sources, which the zip need not carry.
    sourcemap: "linked",
    sourcesContent: false,
    external: [...WORKER_PROVIDED],
    banner: { js: REQUIRE_BANNER },
    plugins: [zodEnglishOnly],
    metafile: true,
    logLevel: "silent",
  });
  // esbuild rejects on errors; a warning (an unresolvable require, a misplaced import.meta) is one here too,
  // since what it warns about would break in Azure, not on this machine.
  if (result.warnings.length > 0)
    throw new Error(
      `esbuild: ${result.warnings.map((w) => `${w.location?.file ?? ""}: ${w.text}`).join("; ")}`,
    );
  return {
    entries: entryFiles.map((f) => `dist/functions/${f.replace(/\.ts$/, ".js")}`),
    metafile: result.metafile,
  };
}

/**
 * The input files an output file loads with static imports alone, transitively: what loading it costs before
 * any `import()` runs. Output and input paths as in the metafile (relative to appDir; a dependency's path
 * contains `node_modules/<package>/`).
 */
export function staticInputs(metafile: Metafile, output: string): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const i of metafile.outputs[file]?.imports ?? [])
      if (i.kind === "import-statement" && !i.external) visit(i.path);
  };
  visit(output);
  return new Set([...seen].flatMap((file) => Object.keys(metafile.outputs[file]?.inputs ?? {})));
}

/** The packages among `staticInputs`: `zod`, `@azure/functions`, … */
export function staticPackages(metafile: Metafile, output: string): Set<string> {
  const packages = new Set<string>();
  for (const input of staticInputs(metafile, output)) {
    const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (m) packages.add(m[1]!);
  }
  return packages;
}
