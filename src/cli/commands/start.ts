import { resolve } from "node:path";
import type { Command } from "commander";
import { startLocalRun, type LocalRun } from "../../app/local-run.js";
import { DiscreteClock } from "../../clock/clock.js";
import { toIsoInstant } from "../../events/field-schemas.js";
import type { CliIo } from "../main.js";
import { ProgressReporter } from "../progress.js";

/**
 * `ringmaster start` (what `npm start` runs): the whole service on one machine, on a virtual clock. With
 * `--until ISO --summary FILE` it runs the clock to that instant, writes a summary from the simulator's own
 * records (clusters, operations, emails) and exits 0.
 */
export function registerStartCommand(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command("start")
    .description("Run Ringmaster end to end on the simulated Azure: local host + simulator + virtual clock")
    .option("--fleet <file>", "simulated fleet", "examples/fleet.yaml")
    .option("--policy <file>", "rollout policy", "examples/policy.yaml")
    .option("--speed <x>", "simulated seconds per real second (default: the fleet file's clock.speed)")
    .option("--port <n>", "local host port (default 7071, or a free one if taken)")
    .option("--until <iso>", "stop when the simulated clock reaches this instant")
    .option(
      "--summary <file>",
      "with --until: write the simulator's summary (clusters, operations, emails) here",
    )
    .option(
      "--state <dir>",
      "keep the durable task hub and the simulated world here; starting again with the same directory resumes both, clock included (default: a fresh temporary directory)",
    )
    .option("--verbose", "log every function invocation")
    .action(
      async (opts: {
        fleet: string;
        policy: string;
        speed?: string;
        port?: string;
        until?: string;
        summary?: string;
        state?: string;
        verbose?: boolean;
      }) => {
        const until = opts.until === undefined ? undefined : toIsoInstant(opts.until);
        if (opts.until !== undefined && !until) {
          io.err(`ringmaster start: --until: "${opts.until}" is not an ISO 8601 date-time\n`);
          return setExit(2);
        }
        const speed = opts.speed === undefined ? undefined : Number(opts.speed);
        if (speed !== undefined && !(speed > 0)) {
          io.err(`ringmaster start: --speed: expected a positive number, got "${opts.speed}"\n`);
          return setExit(2);
        }
        let run: LocalRun;
        try {
          run = await startLocalRun({
            appDir: resolve("."),
            fleetFile: opts.fleet,
            policyFile: opts.policy,
            ...(speed ? { speed } : {}),
            // A run to a given instant goes as fast as the work allows; `--speed` is for watching one.
            discrete: until !== undefined && speed === undefined,
            port: opts.port ? Number(opts.port) : await freePortOr(7071),
            verbose: opts.verbose === true,
            ...(opts.state ? { stateDir: resolve(opts.state) } : {}),
          });
        } catch (error) {
          io.err(`ringmaster start: ${error instanceof Error ? error.message : String(error)}\n`);
          return setExit(1);
        }
        io.out(`Ringmaster is running on simulated Azure (${run.clock.description}).\n`);
        if (run.resumedAt !== undefined)
          io.out(
            `  Resumed the saved state in ${opts.state} at ${new Date(run.resumedAt).toISOString()} (simulated).\n`,
          );
        io.out(
          `  API:        ${run.host.baseUrl}/api/rollouts   (approve: POST ${run.host.baseUrl}/api/rollouts/<id>/approve?ring=<ring>)\n`,
        );
        io.out(`  Simulator:  ${run.sim.url}/_sim/summary\n`);
        io.out(until ? `  Running until ${until} (simulated).\n` : "  Ctrl+C to stop.\n");
        const progress = new ProgressReporter(run, (line) => io.out(`${line}\n`));
        const code = await new Promise<number>((done) => {
          let finished = false;
          const finish = (c: number) => {
            if (finished) return;
            finished = true;
            clearInterval(ticker);
            void progress
              .poll()
              .catch(() => {})
              .then(async () => {
                if (until && opts.summary) {
                  run.sim.world.records.writeSummary(resolve(opts.summary), run.sim.world.summary());
                  io.out(`Summary written to ${opts.summary} (from the simulator's records).\n`);
                }
                await run.stop();
                done(c);
              });
          };
          const clock = run.clock;
          const ticker = setInterval(() => {
            if (clock.discrete) return;
            void progress.poll().catch(() => {});
            if (until && clock.now() >= Date.parse(until)) finish(0);
          }, 250);
          if (clock instanceof DiscreteClock) {
            // Real time means nothing to a discrete clock: the live view looks every few simulated minutes
            // (time held while it looks), and time stops exactly at --until while the run winds down.
            const look = () =>
              void clock
                .held("the live view", () => progress.poll().catch(() => {}))
                .then(() => {
                  if (!finished) clock.setTimer(clock.now() + PROGRESS_EVERY_MS, look);
                });
            look();
            if (until) void clock.at(Date.parse(until)).then(() => finish(0));
          }
          process.once("SIGINT", () => finish(0));
          process.once("SIGTERM", () => finish(0));
        });
        setExit(code);
      },
    );
}

/** Simulated time between looks of the live view on the discrete clock. */
const PROGRESS_EVERY_MS = 30 * 60_000;

async function freePortOr(preferred: number): Promise<number> {
  const { createServer } = await import("node:net");
  return new Promise((ok) => {
    const probe = createServer();
    probe.once("error", () => ok(0));
    probe.listen(preferred, "127.0.0.1", () => probe.close(() => ok(preferred)));
  });
}
