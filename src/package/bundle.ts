import { build, type Metafile } from "esbuild";
import { readdirSync } from "node:fs";
import { join, resolve } from "node:path";

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
    metafile: true,
    logLevel: "silent",
  });
  const problems = [...result.errors, ...result.warnings];
  if (result.errors.length > 0) throw new Error(`esbuild: ${problems.map((p) => p.text).join("; ")}`);
  return {
    entries: entryFiles.map((f) => `dist/functions/${f.replace(/\.ts$/, ".js")}`),
    metafile: result.metafile,
  };
}

/**
 * The packages an output file loads with static imports alone, transitively: what loading it costs before
 * any `import()` runs. Output paths as in the metafile (relative to appDir).
 */
export function staticPackages(metafile: Metafile, output: string): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const i of metafile.outputs[file]?.imports ?? [])
      if (i.kind === "import-statement" && !i.external) visit(i.path);
  };
  visit(output);
  const packages = new Set<string>();
  for (const file of seen)
    for (const input of Object.keys(metafile.outputs[file]?.inputs ?? {})) {
      const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
      packages.add(m ? m[1]! : input);
    }
  return packages;
}
