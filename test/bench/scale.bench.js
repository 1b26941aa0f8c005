// A generated fleet at real size (a third per ring, 5 subscriptions, 3 regions): dev → staging → prod with
// prod's approval granted through the API, for 30 simulated days, judged from the simulator's records and
// the host's own figures: wall time, peak RSS, ARM reads and writes per cluster, 429s, largest custom
// status and input, longest history per execution, emails per hour. The same run on the wall-coupled clock
// gives the discrete clock's speed-up.
//
//   npm run bench scale                                  1,000 and 5,000 clusters, 30 days
//   npm run bench scale -- --clusters 100 --days 4       smaller (also SCALE_CLUSTERS=100 SCALE_DAYS=4)
//   options: --clusters 1000,5000  --days 30  --clock discrete|wall  --speed 7200 (wall-coupled clock)
//            --compare 1000 (the size also run on the wall-coupled clock; 0: none)  --seed 1
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import * as clockModule from "../../dist/src/clock/clock.js";
import { startLocalRun } from "../../dist/src/app/local-run.js";
import { fleetYaml } from "../../dist/src/cli/commands/simulate-generate.js";
import { generateFleet } from "../../dist/src/simulator/fleet-generator.js";
import { DateTime, Duration } from "luxon";
import { parse } from "yaml";
import { readFileSync } from "node:fs";
import { row } from "./harness.js";

const REPO = resolve(import.meta.dirname, "..", "..");
const POLICY = resolve(REPO, "examples/policy.yaml");
const REGIONS = "westeurope,northeurope,eastus";
const START = "2026-11-23T00:00:00Z";
const DAY = 86_400_000;

/** `--clock discrete` (the default) asks startLocalRun for the discrete-event clock; `wall` for `--speed`. */
const DISCRETE_AVAILABLE = typeof clockModule.coordinatedClock === "function";

function options(argv) {
  const { values } = parseArgs({
    args: argv,
    strict: false,
    options: {
      clusters: { type: "string" },
      days: { type: "string" },
      clock: { type: "string" },
      speed: { type: "string" },
      compare: { type: "string" },
      seed: { type: "string" },
    },
  });
  const env = process.env;
  const sizes = String(values.clusters ?? env.SCALE_CLUSTERS ?? "1000,5000")
    .split(",")
    .map(Number);
  const days = Number(values.days ?? env.SCALE_DAYS ?? 30);
  const clock = String(values.clock ?? env.SCALE_CLOCK ?? (DISCRETE_AVAILABLE ? "discrete" : "wall"));
  const speed = Number(values.speed ?? env.SCALE_SPEED ?? 7200);
  const compare = Number(values.compare ?? env.SCALE_COMPARE ?? Math.min(1000, ...sizes));
  const seed = Number(values.seed ?? env.SCALE_SEED ?? 1);
  if (sizes.some((n) => !(Number.isInteger(n) && n >= 3)))
    throw new Error(`--clusters: expected sizes of at least 3, e.g. 1000,5000`);
  if (!(days > 0)) throw new Error(`--days: expected a positive number`);
  if (!["discrete", "wall"].includes(clock)) throw new Error(`--clock: expected discrete or wall`);
  if (!(speed > 0)) throw new Error(`--speed: expected a positive number`);
  return { sizes, days, clock, speed, compare, seed };
}

// One local host per process (the functions-core shim is process-wide): each run is a child.
function runChild(params) {
  const out = execFileSync(
    process.execPath,
    ["--expose-gc", import.meta.filename, "--child", JSON.stringify(params)],
    { maxBuffer: 64 * 1024 * 1024, stdio: ["ignore", "pipe", "inherit"] },
  );
  return JSON.parse(out.toString());
}

const utf16Bytes = (value) => (value === undefined || value === null ? 0 : JSON.stringify(value).length * 2);

async function getJson(url, init) {
  const res = await fetch(url, init);
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** Largest custom status, input and output per orchestration name, and the longest history per execution. */
async function durableFigures(baseUrl) {
  const status = (await getJson(`${baseUrl}/admin/host/status`)).body ?? {};
  // The host's own maxima, when it keeps them (Durable limits branch); else computed from the instances.
  const reported = status.limits ?? status.largest ?? status.durableLimits;
  const instances =
    (await getJson(`${baseUrl}/runtime/webhooks/durabletask/instances/?showInput=true`)).body ?? [];
  const byName = {};
  for (const i of instances) {
    const f = (byName[i.name] ??= { instances: 0, customStatus: 0, input: 0, output: 0, history: 0 });
    f.instances++;
    f.customStatus = Math.max(f.customStatus, utf16Bytes(i.customStatus));
    f.input = Math.max(f.input, utf16Bytes(i.input));
    f.output = Math.max(f.output, utf16Bytes(i.output));
    // Where each cluster's own workflow stands (waiting for its window, upgrading, done…).
    const phase = `${i.runtimeStatus}${i.customStatus?.phase ? `/${i.customStatus.phase}` : ""}`;
    if (i.name === "clusterUpgrade") f.phases = { ...f.phases, [phase]: (f.phases?.[phase] ?? 0) + 1 };
  }
  // History of each instance's current execution (continueAsNew starts a new one), eight at a time.
  const queue = [...instances];
  const worker = async () => {
    for (let i = queue.shift(); i; i = queue.shift()) {
      const one = await getJson(
        `${baseUrl}/runtime/webhooks/durabletask/instances/${encodeURIComponent(i.instanceId)}?showHistory=true&showInput=false`,
      );
      const events = Array.isArray(one.body?.historyEvents) ? one.body.historyEvents.length : 0;
      byName[i.name].history = Math.max(byName[i.name].history, events);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return { reported: reported ?? null, byName, instances: instances.length };
}

/**
 * Ring order, soak and freezes judged from the simulator's operations (not Ringmaster's view): per
 * Kubernetes target, no ring's first upgrade starts before the previous ring's last upgrade ended plus
 * that ring's soak, and no upgrade starts inside a freeze. Read from the policy file itself.
 */
function orderAndFreezes(operations, ringOf) {
  const spec = parse(readFileSync(POLICY, "utf8")).spec;
  const rings = spec.rings.map((r) => ({
    name: r.name,
    soakMs: Duration.fromISO(r.soak ?? spec.defaults?.soak ?? "PT0S").toMillis(),
  }));
  const freezes = (spec.freezes ?? []).map((f) => ({
    name: f.name,
    start: DateTime.fromISO(f.start, { zone: f.timeZone ?? "UTC" }).toMillis(),
    end: DateTime.fromISO(f.end, { zone: f.timeZone ?? "UTC" }).toMillis(),
  }));
  const upgrades = new Map();
  for (const o of operations) {
    if (o.kind === "nodeImageUpgrade") continue;
    const u = upgrades.get(o.id) ?? { cluster: o.cluster, target: o.target, start: Infinity, end: -Infinity };
    u.start = Math.min(u.start, Date.parse(o.start));
    u.end = Math.max(u.end, Date.parse(o.end ?? o.start));
    upgrades.set(o.id, u);
  }
  const violations = [];
  const byTarget = new Map();
  for (const u of upgrades.values()) {
    const perRing = byTarget.get(u.target) ?? new Map();
    const ring = ringOf.get(u.cluster);
    const span = perRing.get(ring) ?? { first: Infinity, last: -Infinity };
    span.first = Math.min(span.first, u.start);
    span.last = Math.max(span.last, u.end);
    perRing.set(ring, span);
    byTarget.set(u.target, perRing);
    for (const f of freezes)
      if (f.start <= u.start && u.start < f.end)
        violations.push(`${u.cluster} started inside freeze ${f.name}`);
  }
  for (const [target, perRing] of byTarget) {
    let previous;
    for (const ring of rings) {
      const span = perRing.get(ring.name);
      if (!span) continue;
      if (previous && span.first < previous.span.last + previous.ring.soakMs)
        violations.push(
          `${target}: ${ring.name} started ${new Date(span.first).toISOString()}, before ${previous.ring.name}'s soak ended`,
        );
      previous = { ring, span };
    }
  }
  return { upgrades: upgrades.size, violations };
}

async function childRun({ clusters, days, clock, speed, seed }) {
  const dir = mkdtempSync(join(tmpdir(), "rm-bench-scale-"));
  const fleetFile = join(dir, "fleet.yaml");
  const fleetData = generateFleet({ clusters, subscriptions: 5, regions: REGIONS, seed, start: START });
  writeFileSync(fleetFile, fleetYaml(fleetData, `scale bench, ${clusters} clusters`));
  const until = Date.parse(START) + days * DAY;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const run = await startLocalRun({
    appDir: REPO,
    fleetFile,
    policyFile: POLICY,
    speed,
    port: 0,
    stateDir: join(dir, "state"),
    ...(clock === "discrete" ? { discrete: true } : {}),
  });
  const startedMs = performance.now() - t0;
  const api = (path, init) => getJson(`${run.host.baseUrl}${path}`, init);
  const approved = new Map();
  let checking = false;
  // On-call approves prod when asked. Checked when an email goes out (the request is one), during the send,
  // so a discrete clock cannot jump past the approval's timeout in between; and every poll besides.
  const approveWaiting = async () => {
    if (checking) return;
    checking = true;
    try {
      const list = await api("/api/rollouts");
      for (const r of list.body?.rollouts ?? []) {
        if (r.state !== "waiting-approval" || r.ring !== "prod" || approved.has(r.id)) continue;
        const answer = await api(`/api/rollouts/${encodeURIComponent(r.id)}/approve?ring=prod`, {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ by: "scale-bench" }),
        });
        if (answer.status === 202) approved.set(r.id, new Date(run.clock.now()).toISOString());
      }
    } finally {
      checking = false;
    }
  };
  const records = run.sim.world.records;
  const saveHook = records.onLog;
  records.onLog = (entry) => {
    saveHook?.(entry);
    // Held: on a discrete clock time must not move while on-call reads the email and answers (it did, so
    // two runs of the same fleet approved at different instants and did different work).
    if (entry.kind === "email" && entry.what.startsWith("sent"))
      void run.clock.held("on-call answering an email", approveWaiting, { detached: true });
  };
  let peakRss = 0;
  // On the discrete clock time stops exactly at `until` (held there while the figures are read); on the
  // wall-coupled one it is watched.
  let reached = false;
  const end = run.clock.discrete ? run.clock.at(until).then((hold) => ((reached = true), hold)) : undefined;
  while (end ? !reached : run.clock.now() < until) {
    await new Promise((r) => setTimeout(r, 250));
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    await run.clock.held("on-call looking at the rollouts", approveWaiting).catch(() => {});
  }
  const endHold = await end;
  const wallMs = performance.now() - t0;
  // CPU (user + system) of this process over the same span: on a machine shared with other work, wall
  // time overstates what the run costs.
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const simulatedDays = (run.clock.now() - Date.parse(START)) / DAY;
  const summary = run.sim.world.summary();
  const durable = await durableFigures(run.host.baseUrl);
  const rollouts = (await api("/api/rollouts")).body?.rollouts ?? [];
  const failure = new Map();
  for (const r of rollouts.filter((x) => x.runtimeStatus === "Failed")) {
    const one = await api(
      `/runtime/webhooks/durabletask/instances/${encodeURIComponent(r.id)}?showInput=false`,
    );
    failure.set(r.id, JSON.stringify(one.body?.output ?? null).slice(0, 400));
  }
  const hours = (run.clock.now() - Date.parse(START)) / 3_600_000;
  const perHour = new Map();
  for (const e of records.emails)
    perHour.set(e.time.slice(0, 13), (perHour.get(e.time.slice(0, 13)) ?? 0) + 1);
  const ringOf = new Map(fleetData.subscriptions.flatMap((s) => s.clusters.map((c) => [c.name, c.tags.env])));
  const upgraded = {};
  for (const o of records.operations)
    if (o.result === "Succeeded" && o.pool === null)
      upgraded[ringOf.get(o.cluster)] = (upgraded[ringOf.get(o.cluster)] ?? 0) + 1;
  const judged = orderAndFreezes(records.operations, ringOf);
  endHold?.release();
  await run.stop();
  // SCALE_KEEP_STATE=1 keeps the state directory (the durable store's files, the simulator's records) to look into.
  if (process.env.SCALE_KEEP_STATE) console.error(`scale bench: state kept in ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
  const perCluster = Object.values(summary.perCluster);
  return {
    clusters,
    clock: run.clock.description,
    startedMs,
    wallMs,
    cpuMs,
    simulatedDays,
    peakRss: Math.max(peakRss, process.resourceUsage().maxRSS * 1024),
    armReads: summary.requests["arm:reads"] ?? 0,
    armWrites: summary.requests["arm:writes"] ?? 0,
    clusterReads: perCluster.reduce((n, c) => n + c.reads, 0),
    clusterWrites: perCluster.reduce((n, c) => n + c.writes, 0),
    throttled: summary.throttled,
    peakInFlight: Math.max(0, ...Object.values(summary.peakInFlight)),
    operations: records.operations.length,
    controlPlaneUpgrades: upgraded,
    emails: records.emails.length,
    emailsPerHour: records.emails.length / hours,
    emailsPeakHour: Math.max(0, ...perHour.values()),
    durable,
    rollouts: rollouts.map((r) => ({
      id: r.id,
      runtimeStatus: r.runtimeStatus,
      state: r.state,
      ring: r.ring,
      rings: (r.rings ?? []).map((x) => `${x.name}:${x.status}(${x.clusters})`).join(" "),
      output: r.runtimeStatus === "Failed" ? failure.get(r.id) : undefined,
    })),
    approved: Object.fromEntries(approved),
    judged,
  };
}

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;

function report(r) {
  console.log(`  ${r.clusters} clusters, ${r.simulatedDays.toFixed(1)} simulated days (${r.clock}):`);
  row("wall time", `${(r.wallMs / 1000).toFixed(1)} s (start ${(r.startedMs / 1000).toFixed(1)} s)`);
  if (r.cpuMs !== undefined) row("CPU time (user + system)", `${(r.cpuMs / 1000).toFixed(1)} s`);
  row("peak RSS", `${(r.peakRss / 1024 / 1024).toFixed(0)} MB`);
  row(
    "ARM reads / writes per cluster",
    `${(r.armReads / r.clusters).toFixed(1)} / ${(r.armWrites / r.clusters).toFixed(2)}  (on cluster paths ${(r.clusterReads / r.clusters).toFixed(1)} / ${(r.clusterWrites / r.clusters).toFixed(2)})`,
  );
  row("ARM reads per cluster per day", (r.armReads / r.clusters / r.simulatedDays).toFixed(2));
  row("429s answered", `${r.throttled.total} ${JSON.stringify(r.throttled.byBucket)}`);
  row("most operations in flight per subscription-region", String(r.peakInFlight));
  row("clusters upgraded per ring (control plane)", JSON.stringify(r.controlPlaneUpgrades));
  const names = Object.entries(r.durable.byName);
  const max = (k) => Math.max(0, ...names.map(([, f]) => f[k]));
  const top = (k) => names.sort((a, b) => b[1][k] - a[1][k])[0]?.[0] ?? "-";
  row("largest custom status (UTF-16)", `${kb(max("customStatus"))} (${top("customStatus")})`);
  row("largest input (UTF-16)", `${kb(max("input"))} (${top("input")})`);
  row("largest output (UTF-16)", `${kb(max("output"))} (${top("output")})`);
  row("longest history per execution", `${max("history")} events (${top("history")})`);
  if (r.durable.reported) row("host's own maxima", JSON.stringify(r.durable.reported).slice(0, 300));
  row(
    "orchestration instances",
    `${r.durable.instances} ${JSON.stringify(Object.fromEntries(names.map(([n, f]) => [n, f.instances])))}`,
  );
  if (r.durable.byName.clusterUpgrade?.phases)
    row("cluster workflows by phase", JSON.stringify(r.durable.byName.clusterUpgrade.phases));
  row(
    "emails per simulated hour (peak hour)",
    `${r.emailsPerHour.toFixed(2)} (${r.emailsPeakHour}), ${r.emails} in all`,
  );
  row("prod approvals granted", JSON.stringify(r.approved));
  row(
    "ring order, soak and freezes (simulator's records)",
    `${r.judged.upgrades} upgrades, ${r.judged.violations.length} violation(s)${r.judged.violations.length ? `: ${r.judged.violations.slice(0, 3).join("; ")}` : ""}`,
  );
  for (const x of r.rollouts)
    row(
      `  ${x.id}`,
      `${x.runtimeStatus} ${x.state ?? ""} ${x.ring ?? ""} [${x.rings}]${x.output ? ` — ${x.output}` : ""}`,
    );
}

export async function run() {
  const o = options(process.argv.slice(3));
  console.log(
    `Scale: generated fleets (a third per ring, 5 subscriptions, 3 regions), examples/policy.yaml, ${o.days} simulated days`,
  );
  if (o.clock === "discrete" && !DISCRETE_AVAILABLE) {
    console.log("  (no discrete-event clock in this build: running on the wall-coupled clock)");
    o.clock = "wall";
  }
  const results = [];
  for (const clusters of o.sizes) {
    const r = runChild({ clusters, days: o.days, clock: o.clock, speed: o.speed, seed: o.seed });
    report(r);
    results.push(r);
  }
  if (o.compare > 0 && o.clock === "discrete") {
    const wall = runChild({ clusters: o.compare, days: o.days, clock: "wall", speed: o.speed, seed: o.seed });
    report(wall);
    const same = results.find((r) => r.clusters === o.compare);
    if (same)
      row(
        `speed-up of the discrete clock at ${o.compare} clusters`,
        `${(wall.wallMs / same.wallMs).toFixed(1)}x`,
      );
  } else row("speed-up vs the wall-coupled clock", "n/a (every run above is on the wall-coupled clock)");
}

if (process.argv[2] === "--child") {
  process.stdout.write(JSON.stringify(await childRun(JSON.parse(process.argv[3]))));
  process.exit(0);
}
