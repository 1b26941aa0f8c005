import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { SAMPLE_APP } from "../../helpers/host-process.js";

/**
 * The `@azure/functions-core` seam is the process's (src/devhost/core-api.ts): the library keeps the module
 * it found first, so a later host in the same process must be served through that same module. Each case
 * runs in a fresh node process, since the seam outlives any one test (the compiled dist/, as hosts run it).
 */
const REPO = resolve(import.meta.dirname, "..", "..", "..");
const dist = (path: string) => JSON.stringify(pathToFileURL(join(REPO, "dist", "src", path)).href);
const dir = mkdtempSync(join(tmpdir(), "rm-seam-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function inFreshProcess(script: string): unknown {
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
    cwd: REPO,
    encoding: "utf8",
  });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as unknown;
}

describe("Devhost: the functions-core seam serves one host at a time", () => {
  it("hands the library's registrations to the host loading an app now, with the model set only once", () => {
    const seen = inFreshProcess(`
      import { createRequire } from "node:module";
      const { installCoreApi, Registry } = await import(${dist("devhost/core-api.js")});
      const require = createRequire(${JSON.stringify(join(REPO, "package.json"))});
      const first = new Registry();
      const one = installCoreApi(first);
      const { app } = require("@azure/functions");
      app.http("one", { handler: () => ({}) });
      one.release();
      const second = new Registry();
      const two = installCoreApi(second);
      app.http("two", { handler: () => ({}) });
      let refused = "";
      try { installCoreApi(new Registry()); } catch (error) { refused = error.message; }
      console.log(JSON.stringify({
        first: [...first.functions.keys()], second: [...second.functions.keys()],
        earlier: [one.earlier, two.earlier], model: second.programmingModel?.name, refused,
      }));`);
    expect(seen).toEqual({
      first: ["one"],
      second: ["two"],
      earlier: [false, true],
      model: "@azure/functions",
      refused: expect.stringMatching(/already serving a host in this process/),
    });
  });

  it("refuses a second host whose app's modules were loaded already, instead of hosting nothing", () => {
    const seen = inFreshProcess(`
      const { LocalHost } = await import(${dist("devhost/host.js")});
      const { silentLogger } = await import(${dist("devhost/logger.js")});
      const options = (n) => ({ appDir: ${JSON.stringify(SAMPLE_APP)}, port: 0, stateDir: ${JSON.stringify(dir)} + "/" + n, logger: silentLogger() });
      const first = await LocalHost.start(options(1));
      const hosted = first.registry.functions.size;
      await first.stop();
      let refused = "";
      await LocalHost.start(options(2)).then((h) => h.stop(), (error) => { refused = error.message; });
      console.log(JSON.stringify({ hosted: hosted > 0, refused }));
      process.exit(0);`);
    expect(seen).toEqual({
      hosted: true,
      refused: expect.stringMatching(/loaded by an earlier host in this process and registered nothing/),
    });
  });
});
