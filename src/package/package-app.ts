import { spawnSync } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { z } from "zod";
import { isIgnored, parseFuncignore } from "./funcignore.js";

/**
 * The deployable zip (`npm run package`): what the Functions host runs, and nothing else. The app bundled
 * by esbuild (bundle.ts: dist/functions/*.js, one per entry, and dist/chunks/, with source maps), host.json,
 * a package.json without scripts or dependencies (the bundle carries every one of them, so the zip has no
 * node_modules and is deployed as built: no remote build), and the policy file(s) the app reads.
 * `.funcignore` applies to everything copied.
 */
const PackageJsonSchema = z.looseObject({
  name: z.string(),
  version: z.string(),
  type: z.string().optional(),
  main: z.string({ error: 'package.json needs "main" (the v4 model finds entry files through it)' }),
  engines: z.record(z.string(), z.string()).optional(),
});

export interface PackageOptions {
  readonly appDir: string;
  /** The zip to write. */
  readonly out: string;
  /** Policy files the app reads, relative to appDir (RINGMASTER_POLICY_FILE); default examples/policy.yaml. */
  readonly policyFiles?: readonly string[];
}

export interface PackageResult {
  readonly zip: string;
  readonly files: number;
  /** The entry bundles the host loads through `main` (dist/functions/<entry>.js). */
  readonly entries: readonly string[];
}

export class PackageError extends Error {
  override readonly name = "PackageError";
}

export async function packageApp(options: PackageOptions): Promise<PackageResult> {
  const appDir = resolve(options.appDir);
  if (!existsSync(join(appDir, "functions")))
    throw new PackageError(`${appDir} has no functions/ (the app's entry files)`);
  const ignoreFile = join(appDir, ".funcignore");
  const rules = existsSync(ignoreFile) ? parseFuncignore(readFileSync(ignoreFile, "utf8")) : [];
  const stage = mkdtempSync(join(tmpdir(), "ringmaster-package-"));
  const built = mkdtempSync(join(tmpdir(), "ringmaster-bundle-"));
  let files = 0;
  const copy = (from: string, rel: string): void => {
    const stat = lstatSync(from);
    // Links would point outside the zip once deployed; npm installs none that the app needs at run time.
    if (stat.isSymbolicLink()) return;
    if (isIgnored(rules, rel, stat.isDirectory())) return;
    if (stat.isDirectory()) {
      for (const entry of readdirSync(from)) copy(join(from, entry), `${rel}/${entry}`);
      return;
    }
    mkdirSync(dirname(join(stage, rel)), { recursive: true });
    copyFileSync(from, join(stage, rel));
    files++;
  };
  try {
    // Imported here: esbuild is a build tool (a devDependency), which the rest of the CLI must not need.
    const { bundleApp } = await import("./bundle.js");
    const bundle = await bundleApp({ appDir, outDir: built });
    copy(join(built, "dist"), "dist");
    copy(join(appDir, "host.json"), "host.json");
    for (const policy of options.policyFiles ?? ["examples/policy.yaml"]) {
      if (!existsSync(join(appDir, policy)))
        throw new PackageError(`policy file ${policy} does not exist in ${appDir}`);
      copy(join(appDir, policy), policy);
    }
    writeFileSync(join(stage, "package.json"), `${JSON.stringify(deployedPackageJson(appDir), null, 2)}\n`);
    files++;
    zipDirectory(stage, resolve(options.out));
    return { zip: resolve(options.out), files, entries: bundle.entries };
  } finally {
    rmSync(stage, { recursive: true, force: true });
    rmSync(built, { recursive: true, force: true });
  }
}

/**
 * package.json as deployed: no scripts (`prepare` would try to build), and no dependencies, which are in the
 * bundle; an install there would only add an unused node_modules.
 */
function deployedPackageJson(appDir: string): Record<string, unknown> {
  const pkg = PackageJsonSchema.parse(JSON.parse(readFileSync(join(appDir, "package.json"), "utf8")));
  return {
    name: pkg.name,
    version: pkg.version,
    private: true,
    ...(pkg.type ? { type: pkg.type } : {}),
    main: pkg.main,
    ...(pkg.engines ? { engines: pkg.engines } : {}),
  };
}

/**
 * The system `zip` (Info-ZIP; Debian package `zip`), rather than a new npm dependency: it is on every CI
 * image we use, and the zip it writes is the one Azure's deployment and `unzip` read.
 */
function zipDirectory(dir: string, out: string): void {
  mkdirSync(dirname(out), { recursive: true });
  rmSync(out, { force: true });
  // -X: no extra file attributes (uid/gid, times beyond the DOS one), so two builds of one tree compare.
  const r = spawnSync("zip", ["-q", "-r", "-X", out, "."], { cwd: dir, encoding: "utf8" });
  if (r.error)
    throw new PackageError(
      `cannot run "zip" (${r.error.message}): install it (Debian/Ubuntu: apt-get install -y zip)`,
    );
  if (r.status !== 0) throw new PackageError(`zip failed (${r.status}): ${r.stderr.trim()}`);
  if (!statSync(out).isFile()) throw new PackageError(`zip wrote no ${out}`);
}
