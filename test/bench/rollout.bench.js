// A whole rollout with the example files, measured from the simulator's records only: ARM calls per cluster
// upgrade (against a naive client that polls the operation every 30 s, in the same run), emails per rollout
// (against one email per message per recipient), and the start lag between a window opening and the first
// upgrade write: exact, in simulated seconds, on the discrete-event clock; on the wall-coupled clock also in
// the real milliseconds of processing that lag stands for.
import { execFileSync } from "node:child_process";
import { resolve } from "node:path";
import { startLocalRun } from "../../dist/src/app/local-run.js";
import { row } from "./harness.js";

const REPO = resolve(import.meta.dirname, "..", "..");
const UNTIL = Date.parse("2026-11-26T03:00:00Z"); // dev (Tue) and staging (Wed) windows of the first week
const WINDOW_OPEN = {
  "aks-dev-weu-1": "2026-11-24T08:00:00Z",
  "aks-stg-weu-1": "2026-11-25T21:00:00Z",
  "aks-stg-neu-1": "2026-11-25T21:00:00Z",
};

// One local host per process (the functions-core shim is process-wide): each clock runs in a child.
// `speed` is "discrete" or the wall-coupled clock's simulated seconds per real second.
function runAt(speed) {
  const out = execFileSync(process.execPath, [import.meta.filename, "--child", String(speed)], {
    maxBuffer: 256 * 1024 * 1024,
  });
  return JSON.parse(out.toString());
}

async function childRun(speed) {
  const run = await startLocalRun({
    appDir: REPO,
    fleetFile: "examples/fleet.yaml",
    policyFile: "examples/policy.yaml",
    ...(speed === "discrete" ? { discrete: true } : { speed }),
    port: 0,
  });
  const started = Date.now();
  if (speed === "discrete") await run.clock.at(UNTIL);
  else while (run.clock.now() < UNTIL) await new Promise((r) => setTimeout(r, 100));
  const wallMs = Date.now() - started;
  const records = run.sim.world.records;
  const audit = [...records.audit];
  const operations = [...records.operations];
  const emails = [...records.emails];
  await run.stop();
  return { audit, operations, emails, speed, wallMs };
}

function perUpgrade({ audit, operations }) {
  const out = [];
  for (const [cluster, open] of Object.entries(WINDOW_OPEN)) {
    const ops = operations.filter((o) => o.cluster === cluster);
    const end = Math.max(...ops.map((o) => Date.parse(o.end ?? o.start)));
    // Everything that touched the cluster from the window opening to ten minutes after its last step ended,
    // but not the maintenance-configuration reconcile (not part of the upgrade).
    const calls = audit.filter(
      (a) =>
        a.kind === "request" &&
        String(a.detail?.path ?? "").includes(`/managedClusters/${cluster}`) &&
        !String(a.detail?.path ?? "").includes("/maintenanceConfigurations") &&
        Date.parse(a.time) >= Date.parse(open) &&
        Date.parse(a.time) <= end + 600_000,
    );
    const firstWrite = calls.find((a) => a.what.startsWith("PUT managedClusters.createOrUpdate"));
    const durationS = (end - Math.min(...ops.map((o) => Date.parse(o.start)))) / 1000;
    out.push({
      cluster,
      calls: calls.length,
      writes: calls.filter((a) => a.what.startsWith("PUT") || a.what.startsWith("POST")).length,
      // A naive client: GET, PUT, then a poll every 30 s until the operation ends, then a GET to verify.
      naive: 3 + Math.ceil(durationS / 30),
      lagMs: firstWrite ? Date.parse(firstWrite.time) - Date.parse(open) : NaN,
    });
  }
  return out;
}

function messagesIn(email) {
  return email.text.split("\n\n---\n\n").length;
}

export async function run() {
  console.log("Rollout with the example files (dev + staging windows), from the simulator's records");
  for (const speed of ["discrete", 6000]) {
    const result = runAt(speed);
    const upgrades = perUpgrade(result);
    console.log(
      speed === "discrete"
        ? `  on the discrete-event clock (${(result.wallMs / 1000).toFixed(1)} s of wall time):`
        : `  at ${speed}x simulated time (${(result.wallMs / 1000).toFixed(1)} s of wall time):`,
    );
    for (const u of upgrades) {
      row(
        `${u.cluster}: ARM calls (writes)`,
        `${u.calls} (${u.writes})  vs naive 30 s poller ${u.naive}  = ${(u.calls / u.naive).toFixed(2)}x`,
      );
      row(
        `${u.cluster}: start lag after window opens`,
        speed === "discrete"
          ? `${(u.lagMs / 1000).toFixed(1)} simulated s (exact: time stands still while work is in flight)`
          : `${(u.lagMs / 60_000).toFixed(1)} simulated min = ${(u.lagMs / speed).toFixed(0)} ms of real processing`,
      );
    }
    const messages = result.emails.reduce((n, e) => n + messagesIn(e), 0);
    const perRecipient = result.emails.reduce((n, e) => n + messagesIn(e) * e.to.length, 0);
    const sent = result.emails.reduce((n, e) => n + e.to.length, 0);
    row("emails sent (to recipients)", `${result.emails.length} (${sent})  carrying ${messages} messages`);
    row(
      "  vs one email per message per recipient",
      `${perRecipient}  = ${(sent / perRecipient).toFixed(2)}x`,
    );
  }
}

if (process.argv[2] === "--child") {
  const arg = process.argv[3];
  process.stdout.write(JSON.stringify(await childRun(arg === "discrete" ? arg : Number(arg))));
  process.exit(0);
}
