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
 * The deployable zip (`npm run package`): what the Functions host runs, and nothing else. dist/, host.json,
 * a package.json without scripts or devDependencies (the zip is deployed as built: no remote build), the
 * policy file(s) the app reads, and the production dependency closure. That closure is read from
 * package-lock.json, the file `npm ci --omit=dev` installs from: every package not marked `dev`, copied
 * from node_modules, so packaging needs no network. `.funcignore` applies to everything copied.
 */
const LockSchema = z.object({
  lockfileVersion: z.number().int().min(2, "package-lock.json must be lockfileVersion 2 or 3 (npm 7+)"),
  packages: z.record(
    z.string(),
    z.looseObject({ dev: z.boolean().optional(), optional: z.boolean().optional() }),
  ),
});

const PackageJsonSchema = z.looseObject({
  name: z.string(),
  version: z.string(),
  type: z.string().optional(),
  main: z.string({ error: 'package.json needs "main" (the v4 model finds entry files through it)' }),
  engines: z.record(z.string(), z.string()).optional(),
  dependencies: z.record(z.string(), z.string()).optional(),
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
  readonly packages: number;
}

export class PackageError extends Error {
  override readonly name = "PackageError";
}

export function packageApp(options: PackageOptions): PackageResult {
  const appDir = resolve(options.appDir);
  if (!existsSync(join(appDir, "dist", "functions")))
    throw new PackageError(`${join(appDir, "dist")} has no functions/: run "npm run build" first`);
  const ignoreFile = join(appDir, ".funcignore");
  const rules = existsSync(ignoreFile) ? parseFuncignore(readFileSync(ignoreFile, "utf8")) : [];
  const stage = mkdtempSync(join(tmpdir(), "ringmaster-package-"));
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
    copy(join(appDir, "dist"), "dist");
    copy(join(appDir, "host.json"), "host.json");
    for (const policy of options.policyFiles ?? ["examples/policy.yaml"]) {
      if (!existsSync(join(appDir, policy)))
        throw new PackageError(`policy file ${policy} does not exist in ${appDir}`);
      copy(join(appDir, policy), policy);
    }
    writeFileSync(join(stage, "package.json"), `${JSON.stringify(deployedPackageJson(appDir), null, 2)}\n`);
    files++;
    const packages = copyProductionDependencies(appDir, (from, rel) => copy(from, rel));
    zipDirectory(stage, resolve(options.out));
    return { zip: resolve(options.out), files, packages };
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

/** package.json as deployed: no scripts (`prepare` would try to build) and no devDependencies. */
function deployedPackageJson(appDir: string): Record<string, unknown> {
  const pkg = PackageJsonSchema.parse(JSON.parse(readFileSync(join(appDir, "package.json"), "utf8")));
  return {
    name: pkg.name,
    version: pkg.version,
    private: true,
    ...(pkg.type ? { type: pkg.type } : {}),
    main: pkg.main,
    ...(pkg.engines ? { engines: pkg.engines } : {}),
    dependencies: pkg.dependencies ?? {},
  };
}

/** Copies every non-dev package of the lockfile; nested node_modules are entries of their own. */
function copyProductionDependencies(appDir: string, copy: (from: string, rel: string) => void): number {
  const lockPath = join(appDir, "package-lock.json");
  if (!existsSync(lockPath)) throw new PackageError(`${lockPath} is missing: run "npm install" once`);
  const parsed = LockSchema.safeParse(JSON.parse(readFileSync(lockPath, "utf8")));
  if (!parsed.success)
    throw new PackageError(`${lockPath}: ${parsed.error.issues.map((i) => i.message).join("; ")}`);
  let count = 0;
  for (const [key, entry] of Object.entries(parsed.data.packages)) {
    if (!key.startsWith("node_modules/") || entry.dev === true) continue;
    const from = join(appDir, key);
    if (!existsSync(from)) {
      // An optional dependency for another platform is legitimately absent.
      if (entry.optional === true) continue;
      throw new PackageError(`${key} is in package-lock.json but not installed: run "npm ci" first`);
    }
    for (const name of readdirSync(from)) {
      if (name === "node_modules") continue;
      copy(join(from, name), `${key}/${name}`);
    }
    count++;
  }
  return count;
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
