import { afterAll, describe, expect, it } from "vitest";
import { DiscreteClock, type Clock, type Hold } from "../../src/clock/clock.js";
import { rolloutDetail, startStack } from "../helpers/stack.js";
import { judge, type Violation } from "../helpers/window-oracle.js";
import { generateScenario, type Scenario } from "./outage-scenarios.js";

/**
 * Property: whenever the host dies and comes back — around a window's start or end, just before the last
 * moment an upgrade still fits, or down across a whole window — no operation in the simulator's records
 * starts outside its cluster's window, overruns it by prediction, or touches a freeze. The simulator runs
 * in this process, so its records outlive every kill; windows are judged by an independent oracle
 * (test/helpers/window-oracle.ts).
 *
 * Reproduce a run with RINGMASTER_PROPERTY_SEED=<base seed> (scenario i uses base + i; RINGMASTER_PROPERTY_RUNS
 * sets how many); the seed is printed. Each scenario costs about 5 s of CPU (a host started once per outage
 * and a day and a half of simulated rollout), so `npm test` runs three: base 20261208 is the first base
 * whose three scenarios place every kind of outage the generator knows (near a window's start, near its
 * end, across a whole window, before the last moment an upgrade fits) between them, with a freeze, one ring
 * and two. For a longer search, e.g. RINGMASTER_PROPERTY_RUNS=20 (and any RINGMASTER_PROPERTY_SEED; the
 * earlier default base 20261123 with 5 runs covers three of the four kinds). On the discrete-event clock (the stack's default) a kill and a
 * restart land exactly on their planned instants and a boot takes no simulated time; on the wall-coupled
 * clock a boot takes 1–5 real seconds, i.e. 2–10 simulated hours at SPEED (the log shows planned and
 * actual instants).
 */
const DEFAULT_BASE_SEED = 20261208;
const DEFAULT_RUNS = 3;
const BASE_SEED = Number(process.env.RINGMASTER_PROPERTY_SEED || DEFAULT_BASE_SEED);
const RUNS = Number(process.env.RINGMASTER_PROPERTY_RUNS || DEFAULT_RUNS);
const SPEED = 8_000;
/** Simulated hours a scenario covers at most: the release, a first day of windows and most of a second. */
const SPAN_HOURS = 42;
/**
 * Tolerance for the predicted end only: the real time between the app's last look at the clock and the
 * simulator recording the write (≤ 0.15 s real = 20 simulated minutes at this speed; the shortest upgrade
 * here takes 20). Starts get none: nothing may start outside a window or inside a freeze.
 */
const SLACK_MS = 150 * SPEED;

/** Resolves at simulated instant `at`; on the discrete clock time is held there until released. */
const atSim = (clock: Clock, at: number): Promise<Hold> =>
  clock instanceof DiscreteClock
    ? clock.at(at)
    : new Promise((done) => {
        const now = { reason: "", release: () => {} };
        if (clock.now() >= at) done(now);
        else clock.setTimer(at, () => done(now));
      });
const iso = (ms: number) => new Date(ms).toISOString();

interface Run {
  readonly log: string[];
  readonly violations: Violation[];
  readonly operations: number;
}

async function runScenario(s: Scenario): Promise<Run> {
  const log: string[] = [];
  const stack = await startStack({ fleetYaml: s.fleetYaml, policyYaml: s.policyYaml, speed: SPEED });
  try {
    log.push(`host up at ${stack.now()}`);
    // Outages are meant for a rollout whose clusters wait for their windows: let the first ring start.
    await stack
      .until("the first ring to start", async () => {
        const r = await rolloutDetail(stack, s.rolloutId);
        return r && r.state !== "planned" && r.state !== null ? r : undefined;
      })
      .then((r) => log.push(`rollout in phase "${r.phase}" at ${stack.now()}`))
      .catch(() => log.push(`rollout not started by ${stack.now()}`));
    for (const o of s.outages) {
      // Kill and restart at the planned simulated instants, or at once when a slow boot made us late.
      const killing = await atSim(stack.clock, o.killAt);
      const killed = stack.now();
      await stack.kill();
      killing.release();
      const restart = await atSim(stack.clock, o.restartAt);
      const restarting = stack.now();
      await stack.restart();
      restart.release();
      log.push(
        `${o.why}: killed ${killed} (planned ${iso(o.killAt)}), restarted ${restarting} (planned ${iso(o.restartAt)}), serving ${stack.now()}`,
      );
    }
    // Then until the rollout is over or the span ends, whichever is first.
    const over = await stack.until(
      "the rollout to end or the span to pass",
      async () => {
        const r = await rolloutDetail(stack, s.rolloutId);
        if (r && ["Completed", "Failed", "Terminated", "Canceled"].includes(r.runtimeStatus)) return r;
        return stack.clock.now() >= s.end ? null : undefined;
      },
      80_000,
    );
    if (over)
      log.push(
        `rollout ${over.runtimeStatus} at ${stack.now()}: ${over.rings.map((x) => `${x.name} ${x.status}`).join(", ")}`,
      );
    const ops = [...stack.operations()];
    log.push(
      ...ops.map(
        (o) =>
          `op ${o.cluster}${o.pool ? `/${o.pool}` : ""} ${o.kind} ${o.start}–${o.end ?? "…"} ${o.result} (${o.id.slice(0, 8)})`,
      ),
    );
    return { log, violations: judge(s.model, ops, SLACK_MS), operations: ops.length };
  } finally {
    await stack.stop();
  }
}

function reproducer(s: Scenario, run: Run): string {
  return [
    `RINGMASTER_PROPERTY_SEED base ${BASE_SEED}, scenario seed ${s.seed}: ${run.violations.length} violation(s)`,
    ...run.violations.map((v) => `  ${v.rule}: ${v.operation.cluster} ${v.operation.kind} ${v.detail}`),
    "outages:",
    ...s.outages.map((o) => `  ${o.why}: kill ${iso(o.killAt)}, restart ${iso(o.restartAt)}`),
    "run:",
    ...run.log.map((l) => `  ${l}`),
    "--- fleet.yaml",
    s.fleetYaml,
    "--- policy.yaml",
    s.policyYaml,
  ].join("\n");
}

describe("e2e property: host outages around window boundaries never move an upgrade outside its window", () => {
  console.log(`outage property: RINGMASTER_PROPERTY_SEED=${BASE_SEED}, ${RUNS} scenario(s) at ${SPEED}x`);
  let operations = 0;
  let ran = 0;
  for (let i = 0; i < RUNS; i++) {
    const scenario = generateScenario(BASE_SEED + i, SPAN_HOURS);
    it(`scenario seed ${scenario.seed}: ${scenario.outages.length} outage(s)`, async () => {
      const run = await runScenario(scenario);
      operations += run.operations;
      if (run.violations.length) console.error(reproducer(scenario, run));
      else
        console.log(
          `seed ${scenario.seed}: ${run.operations} operation record(s), all inside their windows\n  ${run.log.join("\n  ")}`,
        );
      ran++;
      expect(
        run.violations.map((v) => `${v.rule}: ${v.operation.cluster} ${v.operation.kind} ${v.detail}`),
        `scenario seed ${scenario.seed} (base ${BASE_SEED}); the reproducer (fleet, policy, outages, operations) is printed above`,
      ).toEqual([]);
    }, 90_000);
  }
  it("the scenarios place every kind of outage, a freeze, one ring and two (the sample is not narrow)", () => {
    // Judged on npm test's own sample, whatever seeds were chosen by hand for this run.
    const scenarios = Array.from({ length: DEFAULT_RUNS }, (_, i) =>
      generateScenario(DEFAULT_BASE_SEED + i, SPAN_HOURS),
    );
    const whys = scenarios.flatMap((s) => s.outages.map((o) => o.why));
    for (const kind of ["window start", "window end", "down across", "the last moment"])
      expect(
        whys.some((w) => w.includes(kind)),
        `${kind} in ${whys.join("; ")}`,
      ).toBe(true);
    expect(scenarios.some((s) => !s.policyYaml.includes("freezes: []"))).toBe(true);
    const rings = new Set(scenarios.map((s) => (s.policyYaml.match(/- name: r\d/g) ?? []).length));
    expect([...rings].sort()).toEqual([1, 2]);
  });
  // The property is not vacuous: the scenarios, run in order, upgraded something at all.
  afterAll(() => {
    if (ran === RUNS) expect(operations).toBeGreaterThan(0);
  });
});
