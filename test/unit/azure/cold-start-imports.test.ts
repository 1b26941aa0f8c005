import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { AZURE_SDK_PACKAGES } from "../../helpers/azure-packages.js";

/**
 * Cold start (issue 12, test/bench/coldstart.bench.js measures it): loading the entry files must load no
 * Azure SDK client package; each is imported when its client is first needed. This checks the module graph
 * rather than time, so it holds on a loaded machine: a fresh node process imports the compiled entry files
 * (dist/, as the local host runs them; test/unit/package/bundle.test.ts checks the deployed bundle) with a
 * resolve hook that lists every module resolved.
 */
const REPO = resolve(import.meta.dirname, "..", "..", "..");
const SDKS: readonly string[] = AZURE_SDK_PACKAGES;
const dir = mkdtempSync(join(tmpdir(), "rm-coldstart-"));
const hook = join(dir, "hook.mjs");
writeFileSync(
  hook,
  `export async function resolve(s, c, next) { const r = await next(s, c); const m = /node_modules\\/((?:@[^/]+\\/)?[^/]+)\\//.exec(r.url); if (m) process.stderr.write("PKG " + m[1] + " " + r.url + "\\n"); return r; }`,
);

function packagesLoadedBy(entries: string[]): Set<string> {
  return new Set(modulesLoadedBy(entries).map((m) => m.pkg));
}

/** Every module of a package the entries load: the package and the resolved URL. */
function modulesLoadedBy(entries: string[]): { pkg: string; url: string }[] {
  const script = `import { register } from "node:module"; register(${JSON.stringify(pathToFileURL(hook).href)});
const { installCoreApi, Registry } = await import(${JSON.stringify(pathToFileURL(join(REPO, "dist/src/devhost/core-api.js")).href)});
installCoreApi(new Registry());
for (const e of ${JSON.stringify(entries.map((e) => pathToFileURL(join(REPO, e)).href))}) await import(e);`;
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
    cwd: REPO,
    encoding: "utf8",
    env: {
      ...process.env,
      RINGMASTER_MODE: "simulator",
      RINGMASTER_POLICY_FILE: "examples/policy.yaml",
      RINGMASTER_SUBSCRIPTION_IDS: "11111111-1111-1111-1111-111111111111",
      RINGMASTER_ARM_ENDPOINT: "http://127.0.0.1:9",
      RINGMASTER_ACS_CONNECTION_STRING: "endpoint=http://127.0.0.1:9/;accesskey=YQ==",
    },
  });
  expect(r.status, r.stderr).toBe(0);
  return [...r.stderr.matchAll(/^PKG (\S+) (\S+)$/gm)].map((m) => ({ pkg: m[1]!, url: m[2]! }));
}

describe("Cold start: what loading the app imports", () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("the webhook and Event Hub entry (ingress.js) loads @azure/functions only: no SDK, durable-functions, zod or yaml", () => {
    const loaded = packagesLoadedBy(["dist/functions/ingress.js"]);
    expect(loaded.has("@azure/functions")).toBe(true);
    // The dispatcher, its event schemas and the policy come with the first event (src/app/ingress-handlers.ts).
    expect(
      [...loaded].filter(
        (p) => SDKS.includes(p) || ["durable-functions", "zod", "yaml", "luxon", "croner"].includes(p),
      ),
    ).toEqual([]);
  });

  it("the whole app (every entry file) loads no Azure SDK, no durable-functions, no yaml and no luxon", () => {
    const loaded = packagesLoadedBy(
      ["api", "ingress", "schedules", "telemetry", "workflows"].map((f) => `dist/functions/${f}.js`),
    );
    // Settings are checked at load (functions/schedules.ts): zod and croner. The rest comes on first call:
    // durable-functions (src/app/durable-app.ts), the workflows, activities, API handlers and the policy.
    expect(loaded.has("zod")).toBe(true);
    expect(
      [...loaded].filter(
        (p) => SDKS.includes(p) || ["axios", "durable-functions", "yaml", "luxon"].includes(p),
      ),
    ).toEqual([]);
  });
});
