// Cold start: how long the Functions host takes to load the app's entry files in a fresh process, for the
// webhook and Event Hub path (ingress.js) and for the whole app (every entry `main` matches), against
// importing the bare SDKs the app depends on, in the same run. What is measured is what is deployed: the
// esbuild bundle `npm run package` ships (src/package/bundle.ts), built here into a temporary directory.
// The unbundled dist/ (what the local host runs in development) is shown alongside, without targets.
// Targets (issue 12): ingress ≤ 100 ms, whole app ≤ 250 ms. Every sample is a new `node` process (module
// caches are per process); the scenarios are interleaved so a load spike on the machine hits them alike.
// COLDSTART_SAMPLES=N.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { percentile, row } from "./harness.js";

const REPO = resolve(import.meta.dirname, "..", "..");
const url = (p) => pathToFileURL(resolve(REPO, p)).href;

/** Every Azure package the app imports: what loading the app cost before SDKs were loaded on first use. */
export const BARE_SDKS = [
  "@azure/functions",
  "durable-functions",
  "@azure/identity",
  "@azure/arm-containerservice",
  "@azure/arm-containerservicefleet",
  "@azure/arm-resourcegraph",
  "@azure/communication-email",
  "@azure/event-hubs",
  "@azure/core-client",
  "@azure/core-rest-pipeline",
];

/** The scenarios over the bundle in `bundleDir` (entries: dist/functions/<name>.js) and over dist/. */
function scenarios(bundleDir, entries) {
  const bundled = (e) => pathToFileURL(join(bundleDir, e)).href;
  return [
    { name: "bare SDK imports (baseline)", modules: BARE_SDKS },
    {
      name: "webhook + Event Hub path (bundled ingress.js)",
      modules: [bundled("dist/functions/ingress.js")],
      target: 100,
    },
    { name: `whole app (bundled, ${entries.length} entries)`, modules: entries.map(bundled), target: 250 },
    { name: "  unbundled dist/functions/ingress.js", modules: [url("dist/functions/ingress.js")] },
    { name: "  unbundled dist/functions/*.js", modules: entries.map(url) },
  ];
}

// The child installs the local host's `@azure/functions-core` shim first (outside the timed part), so the
// library registers functions as under a real worker instead of switching to its test mode.
const CHILD = `
const { installCoreApi, Registry } = await import(${JSON.stringify(url("dist/src/devhost/core-api.js"))});
installCoreApi(new Registry());
const modules = JSON.parse(process.argv[1]);
const start = performance.now();
for (const m of modules) await import(m);
process.stdout.write(String(performance.now() - start));
`;

const ENV = {
  RINGMASTER_MODE: "simulator",
  RINGMASTER_POLICY_FILE: "examples/policy.yaml",
  RINGMASTER_SUBSCRIPTION_IDS: "11111111-1111-1111-1111-111111111111",
  RINGMASTER_ARM_ENDPOINT: "http://127.0.0.1:9",
  RINGMASTER_ACS_CONNECTION_STRING: "endpoint=http://127.0.0.1:9/;accesskey=YmVuY2g=",
};

function sample(modules) {
  return new Promise((ok, fail) => {
    const child = spawn(process.execPath, ["--input-type=module", "-e", CHILD, JSON.stringify(modules)], {
      cwd: REPO,
      env: { ...process.env, ...ENV },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.once("exit", (code) =>
      code === 0 && out ? ok(Number(out)) : fail(new Error(`cold-start sample exited ${code}: ${err}`)),
    );
  });
}

export async function run() {
  const n = Number(process.env.COLDSTART_SAMPLES ?? 15);
  const bundleDir = mkdtempSync(join(tmpdir(), "ringmaster-coldstart-"));
  try {
    const { bundleApp } = await import(url("dist/src/package/bundle.js"));
    const { entries } = await bundleApp({ appDir: REPO, outDir: bundleDir });
    return await measure(n, scenarios(bundleDir, entries));
  } finally {
    rmSync(bundleDir, { recursive: true, force: true });
  }
}

async function measure(n, SCENARIOS) {
  console.log(`cold start: loading entry files in a fresh process, median of ${n} (ms)`);
  const times = SCENARIOS.map(() => []);
  for (let i = 0; i < n; i++) {
    for (const [s, scenario] of SCENARIOS.entries()) times[s].push(await sample(scenario.modules));
  }
  const baseline = percentile(times[0], 50);
  const results = SCENARIOS.map((scenario, s) => {
    const median = percentile(times[s], 50);
    const verdict =
      scenario.target === undefined
        ? ""
        : median <= scenario.target
          ? `  ≤ ${scenario.target} ok`
          : `  > ${scenario.target} MISSED`;
    row(
      scenario.name,
      `${median.toFixed(0)} ms (min ${Math.min(...times[s]).toFixed(0)}, ${(median / baseline).toFixed(2)}x baseline)${verdict}`,
    );
    return { name: scenario.name, median, min: Math.min(...times[s]), target: scenario.target };
  });
  return { baseline, results };
}
