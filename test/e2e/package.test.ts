import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { isBuiltin } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { virtualClock } from "../../src/clock/clock.js";
import { packageApp } from "../../src/package/package-app.js";
import { parseFleetYaml } from "../../src/simulator/load-fleet.js";
import { IDENTITY_PATH } from "../../src/simulator/managed-identity.js";
import { Simulator } from "../../src/simulator/server.js";
import { startHost, waitFor, type HostProcess } from "../helpers/host-process.js";
import { REPO } from "../helpers/stack.js";

/**
 * The artifact deployed is the one tested: `packageApp` (what `npm run package` runs) bundles the app with
 * esbuild and builds the zip, the test unpacks it into an empty directory and runs the local host on that directory in azure mode — no
 * static token, no transport rewriting. `DefaultAzureCredential` gets its tokens from the simulator's App
 * Service managed-identity endpoint (IDENTITY_ENDPOINT/IDENTITY_HEADER); the simulator serves HTTPS with a
 * certificate made here with openssl and trusted through NODE_EXTRA_CA_CERTS, as Azure's would be. Azure
 * mode runs on real time, so the fleet starts now at 1x with upgrades of seconds.
 */
const SUB = "44444444-4444-4444-4444-444444444444";
const CLIENT_ID = "5d5c1e0f-0000-4000-8000-00000000c11d";
const IMAGE = "AKSUbuntu-2204gen2containerd-202611.03.0";

function fleetYaml(startIso: string, releaseIso: string): string {
  return `apiVersion: ringmaster/v1
kind: SimulatedAzure
clock: { start: "${startIso}", speed: 1 }
timing: { controlPlaneMinutes: 0.02, perNodeMinutes: 0.02 }
subscriptions:
  - id: ${SUB}
    name: packaged
    clusters:
      - name: dev-1
        resourceGroup: rg-dev
        location: westeurope
        kubernetesVersion: 1.30.4
        tags: { env: dev }
        nodePools:
          - { name: system, mode: System, count: 1, nodeImageVersion: ${IMAGE} }
releases:
  kubernetes:
    - { version: 1.30.5, regions: [westeurope], at: "${releaseIso}" }
  nodeImages: []
`;
}

/** One ring whose daily window opened at the start of this UTC hour and lasts six hours. */
function policyYaml(windowStartHour: number): string {
  return `apiVersion: ringmaster/v1
kind: RolloutPolicy
metadata: { name: packaged }
spec:
  versions: { patch: auto, minor: approval }
  nodeImage: { schedule: "0 0 5 * * Mon" }
  manageWindows: true
  estimates: { controlPlaneMinutes: 1, perNodeMinutes: 1 }
  defaults:
    soak: PT1M
    failureBudget: 0
    maxConcurrentPerSubscriptionRegion: 1
    gates: [provisioningState]
    slowPoll: PT5S
  rings:
    - name: dev
      selector: { tags: { env: dev } }
      maintenanceWindow: { daily: { intervalDays: 1 }, startTime: "${String(windowStartHour).padStart(2, "0")}:00", durationHours: 6, utcOffset: "+00:00" }
  onCall:
    platform: { email: ["oncall@package.example"] }
  notifications: { from: "ringmaster@package.example", digest: PT30M }
`;
}

function listFiles(dir: string, prefix = ""): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listFiles(join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`],
  );
}

describe("e2e: the packaged zip in azure mode", () => {
  let dir: string;
  let appDir: string;
  let sim: Simulator;
  let host: HostProcess | undefined;
  let files: string[];
  /** The ring's window: from the start of the UTC hour the test began, six hours. */
  let windowOpen = 0;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "rm-package-"));
    const zip = join(dir, "ringmaster.zip");
    await packageApp({ appDir: REPO, out: zip });
    appDir = join(dir, "wwwroot");
    mkdirSync(appDir);
    execFileSync("unzip", ["-q", zip, "-d", appDir]);
    files = listFiles(appDir);

    // A loopback certificate for the simulator, trusted by the host process only.
    const key = join(dir, "sim-key.pem");
    const cert = join(dir, "sim-cert.pem");
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-keyout",
        key,
        "-out",
        cert,
        "-days",
        "1",
        "-subj",
        "/CN=127.0.0.1",
        "-addext",
        "subjectAltName=IP:127.0.0.1,DNS:localhost",
      ],
      { stdio: "ignore" },
    );

    const now = Date.now();
    windowOpen = now - (now % 3_600_000);
    // The release a second in: deliveries wait for the host's webhook, so the host need not be up by then.
    const fleet = parseFleetYaml(fleetYaml(new Date(now).toISOString(), new Date(now + 1000).toISOString()));
    sim = await Simulator.start({
      fleet,
      clock: virtualClock({ virtualStart: now, speed: 1, realStart: now }),
      deliverTo: "deferred",
      tls: { key: readFileSync(key, "utf8"), cert: readFileSync(cert, "utf8") },
    });
    // The policy is the operator's file beside the app (RINGMASTER_POLICY_FILE), not the example's.
    const policyFile = join(appDir, "policy", "packaged.yaml");
    mkdirSync(join(appDir, "policy"));
    writeFileSync(policyFile, policyYaml(new Date(now).getUTCHours()));
    host = await startHost(appDir, {
      args: ["--quiet"],
      env: {
        RINGMASTER_MODE: "azure",
        // What Azure mode requires of the local host's durable store (the suite's page-cache is refused).
        RINGMASTER_DEVHOST_DURABLE_SYNC: "disk",
        // Absolute: the local host keeps the working directory it was started in.
        RINGMASTER_POLICY_FILE: policyFile,
        RINGMASTER_SUBSCRIPTION_IDS: SUB,
        RINGMASTER_ARM_ENDPOINT: sim.url,
        RINGMASTER_ACS_ENDPOINT: sim.url,
        RINGMASTER_LRO_POLL_SECONDS: "30",
        TASKHUB_NAME: "ringmaster",
        AzureWebJobsStorage: "UseDevelopmentStorage=true",
        // What the Functions host gives an app with a user-assigned identity (infra/app/api.bicep).
        AZURE_CLIENT_ID: CLIENT_ID,
        IDENTITY_ENDPOINT: `${sim.url}${IDENTITY_PATH}`,
        IDENTITY_HEADER: sim.identity.header,
        NODE_EXTRA_CA_CERTS: cert,
      },
    });
    sim.world.events.retarget(`${host.url}/runtime/webhooks/eventgrid?functionName=aksEvents`);
    sim.world.events.start();
    try {
      await waitFor(
        "dev-1 and its pools to run 1.30.5",
        () => {
          const c = sim.world.clusters.find((x) => x.name === "dev-1");
          const done =
            c?.currentKubernetesVersion === "1.30.5" &&
            c.pools.every((p) => p.currentOrchestratorVersion === "1.30.5") &&
            sim.world.records.operations.every((o) => o.result !== "InProgress");
          return Promise.resolve(done ? true : undefined);
        },
        150_000,
      );
    } catch (error) {
      throw new Error(`${(error as Error).message}\nhost output (tail):\n${host.output().slice(-4000)}`);
    }
  }, 240_000);

  afterAll(async () => {
    await host?.stop().catch(() => {});
    await sim?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("holds the bundled app, host.json, package.json and the example policy only: no node_modules", () => {
    expect(files).toContain("host.json");
    expect(files).toContain("examples/policy.yaml");
    for (const entry of ["api", "ingress", "schedules", "telemetry", "workflows"])
      expect(files).toContain(`dist/functions/${entry}.js`);
    expect(files.some((f) => /^dist\/chunks\/.+\.js$/.test(f))).toBe(true);
    const pkg = JSON.parse(readFileSync(join(appDir, "package.json"), "utf8")) as Record<string, unknown>;
    // The glob the host loads matches the entry bundles, not the chunks they share.
    expect(pkg.main).toBe("dist/functions/*.js");
    expect(pkg.type).toBe("module");
    expect(pkg.dependencies).toBeUndefined();
    expect(pkg.devDependencies).toBeUndefined();
    expect(pkg.scripts).toBeUndefined();
    expect(files.filter((f) => f.startsWith("node_modules/"))).toEqual([]);
  });

  it("is self-contained: the bundle imports only its own chunks, Node built-ins and the worker's module", () => {
    // esbuild writes static imports as statements of their own, and dynamic ones as import("…").
    const specifiers = new Set<string>();
    for (const f of files.filter((x) => x.endsWith(".js"))) {
      const text = readFileSync(join(appDir, f), "utf8");
      for (const re of [/^(?:import|export)\b[^;"]*?\bfrom\s*"([^"]+)";$/gm, /^import\s*"([^"]+)";$/gm])
        for (const m of text.matchAll(re)) specifiers.add(m[1]!);
      for (const m of text.matchAll(/(?:\bimport|require)\("([^"]+)"\)/g)) specifiers.add(m[1]!);
    }
    const foreign = [...specifiers].filter(
      (s) => !s.startsWith("./") && !s.startsWith("../") && !s.startsWith("node:") && !isBuiltin(s),
    );
    expect(foreign).toEqual(["@azure/functions-core"]);
  });

  it("keeps the bundle's source maps and leaves out declarations and the local tooling", () => {
    expect(files).toContain("dist/functions/ingress.js.map");
    expect(files.filter((f) => f.endsWith(".d.ts"))).toEqual([]);
    expect(files.some((f) => f.startsWith("dist/src/"))).toBe(false);
    expect(files.some((f) => f.startsWith("src/") || f.startsWith("test/"))).toBe(false);
  });

  it("upgrades dev inside its window through the packaged app", () => {
    const ops = sim.world.records.operations.filter((o) => o.cluster === "dev-1");
    expect(ops.map((o) => [o.kind, o.target, o.result])).toEqual([
      ["controlPlaneUpgrade", "1.30.5", "Succeeded"],
      ["poolUpgrade", "1.30.5", "Succeeded"],
    ]);
    for (const op of ops) {
      expect(Date.parse(op.start)).toBeGreaterThanOrEqual(windowOpen);
      expect(Date.parse(op.end!)).toBeLessThanOrEqual(windowOpen + 6 * 3_600_000);
    }
  });

  it("authenticates every ARM call with a token from the managed-identity endpoint", () => {
    const audit = sim.world.records.audit.filter((a) => a.kind === "request");
    const issued = audit.filter((a) => a.what === "GET identity.token");
    expect(issued.length).toBeGreaterThan(0);
    expect(issued.every((a) => a.detail?.clientId === CLIENT_ID)).toBe(true);
    expect(issued.some((a) => String(a.detail?.resource).startsWith("https://management.azure.com"))).toBe(
      true,
    );
    const arm = audit.filter((a) => a.what !== "GET identity.token");
    expect(arm.some((a) => a.what.startsWith("PUT managedClusters.createOrUpdate"))).toBe(true);
    expect(arm.filter((a) => a.detail?.credential !== "managed-identity").map((a) => a.what)).toEqual([]);
    expect(arm.every((a) => a.detail?.clientId === CLIENT_ID)).toBe(true);
  });
});
