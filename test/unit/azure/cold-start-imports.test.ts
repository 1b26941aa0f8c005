import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

/**
 * Cold start (issue 12, test/bench/coldstart.bench.js measures it): loading the entry files must load no
 * Azure SDK client package; each is imported when its client is first needed. This checks the module graph
 * rather than time, so it holds on a loaded machine: a fresh node process imports the compiled entry files
 * with a resolve hook that lists every package resolved.
 */
const REPO = resolve(import.meta.dirname, "..", "..", "..");
const SDKS = [
  "@azure/identity",
  "@azure/arm-containerservice",
  "@azure/arm-containerservicefleet",
  "@azure/arm-resourcegraph",
  "@azure/communication-email",
  "@azure/event-hubs",
  "@azure/core-client",
  "@azure/core-rest-pipeline",
];
const dir = mkdtempSync(join(tmpdir(), "rm-coldstart-"));
const hook = join(dir, "hook.mjs");
writeFileSync(
  hook,
  `export async function resolve(s, c, next) { const r = await next(s, c); const m = /node_modules\\/((?:@[^/]+\\/)?[^/]+)\\//.exec(r.url); if (m) process.stderr.write("PKG " + m[1] + "\\n"); return r; }`,
);

function packagesLoadedBy(entries: string[]): Set<string> {
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
  return new Set([...r.stderr.matchAll(/^PKG (.+)$/gm)].map((m) => m[1]!));
}

describe("Cold start: what loading the app imports", () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("the webhook and Event Hub entry (ingress.js) loads no Azure SDK and not durable-functions", () => {
    const loaded = packagesLoadedBy(["dist/functions/ingress.js"]);
    expect(loaded.has("@azure/functions")).toBe(true);
    expect([...loaded].filter((p) => SDKS.includes(p) || p === "durable-functions")).toEqual([]);
  });

  it("the whole app (every entry file) loads no Azure SDK client package", () => {
    const loaded = packagesLoadedBy(
      ["api", "ingress", "schedules", "workflows"].map((f) => `dist/functions/${f}.js`),
    );
    expect(loaded.has("durable-functions")).toBe(true);
    expect([...loaded].filter((p) => SDKS.includes(p))).toEqual([]);
  });
});
