// Ringmaster executor vs Fleet executor on the same fleet and policy (examples/fleet.yaml with
// examples/policy.yaml, and the same policy with `executor: fleet`), each in its own child on the
// discrete-event clock, measured from the simulator's records only: per cluster, the start lag between its
// maintenance window opening and its first upgrade step (the window as the cluster carries it, computed by
// the simulator's own window arithmetic), and the time from the release to the last step of the rollout.
import { execFileSync } from "node:child_process";
import { resolve } from "node:path";
import { startLocalRun } from "../../dist/src/app/local-run.js";
import { occurrences } from "../../dist/src/simulator/fleet-windows.js";
import { row } from "./harness.js";

const REPO = resolve(import.meta.dirname, "..", "..");
const RELEASE = Date.parse("2026-11-23T06:00:00Z"); // Kubernetes 1.30.5 (examples/fleet.yaml)
const UNTIL = Date.parse("2026-12-10T00:00:00Z");
const POLICIES = { ringmaster: "examples/policy.yaml", fleet: "examples/policy-fleet.yaml" };

function runWith(executor) {
  const out = execFileSync(process.execPath, [import.meta.filename, "--child", executor], {
    maxBuffer: 256 * 1024 * 1024,
  });
  return JSON.parse(out.toString());
}

async function childRun(executor) {
  const run = await startLocalRun({
    appDir: REPO,
    fleetFile: "examples/fleet.yaml",
    policyFile: POLICIES[executor],
    discrete: true,
    port: 0,
  });
  const started = Date.now();
  await run.clock.at(UNTIL);
  const wallMs = Date.now() - started;
  const world = run.sim.world;
  const ops = world.records.operations.filter((o) => o.target === "1.30.5");
  const clusters = {};
  for (const c of world.clusters) {
    const mine = ops.filter((o) => o.cluster === c.name);
    if (!mine.length) continue;
    const first = Math.min(...mine.map((o) => Date.parse(o.start)));
    const last = Math.max(...mine.map((o) => Date.parse(o.end ?? o.start)));
    const config = c.maintenanceConfigs.get("aksManagedAutoUpgradeSchedule");
    const window = config
      ? occurrences(config, first, first).find((w) => w.start <= first && first < w.end)
      : undefined;
    clusters[c.name] = { first, last, lagMs: window ? first - window.start : null };
  }
  await run.stop();
  return { executor, wallMs, clusters };
}

const minutes = (ms) => `${(ms / 60_000).toFixed(0)} min`;

if (process.argv[2] === "--child") {
  process.stdout.write(JSON.stringify(await childRun(process.argv[3])));
} else {
  const results = [runWith("ringmaster"), runWith("fleet")];
  console.log(
    "Ringmaster executor vs Fleet executor: Kubernetes 1.30.5 on examples/fleet.yaml (simulated time)",
  );
  const names = [...new Set(results.flatMap((r) => Object.keys(r.clusters)))].sort();
  for (const name of names) {
    const cells = results.map((r) => {
      const c = r.clusters[name];
      return c
        ? `${r.executor}: lag ${c.lagMs === null ? "n/a" : minutes(c.lagMs)}`
        : `${r.executor}: not upgraded`;
    });
    row(`start lag after the window opens, ${name}`, cells.join("   "));
  }
  for (const r of results) {
    const lags = Object.values(r.clusters)
      .map((c) => c.lagMs)
      .filter((l) => l !== null);
    const last = Math.max(...Object.values(r.clusters).map((c) => c.last));
    row(
      `${r.executor}: mean lag / max lag / release → last step`,
      `${minutes(lags.reduce((a, b) => a + b, 0) / Math.max(1, lags.length))} / ${minutes(Math.max(...lags))} / ${((last - RELEASE) / 3_600_000).toFixed(1)} h  (wall ${r.wallMs} ms)`,
    );
  }
}
