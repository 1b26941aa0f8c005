import { resolve } from "node:path";
import type { Command } from "commander";
import { clockSetting, coordinatedClock, virtualClock, type CoordinatedClock } from "../../clock/clock.js";
import { loadFleetFile } from "../../simulator/load-fleet.js";
import { Simulator } from "../../simulator/server.js";
import { restoreWorld } from "../../simulator/world-snapshot.js";
import { WorldStore } from "../../simulator/world-store.js";
import type { CliIo } from "../main.js";
import { registerGenerateCommand } from "./simulate-generate.js";

/** `ringmaster simulate --fleet FILE`: the simulated Azure alone, on its virtual clock, until SIGINT/SIGTERM. */
export function registerSimulateCommand(program: Command, io: CliIo, setExit: (code: number) => void): void {
  const simulate = program
    .command("simulate")
    .description(
      "Run the simulated Azure (ARM, Event Grid delivery, Communication Services) from a fleet file",
    )
    // Checked in the action, not by commander: `simulate generate` needs no fleet file.
    .option("--fleet <file>", "fleet file (examples/fleet.yaml format); required")
    .option("--port <n>", "HTTP port on 127.0.0.1", "7080")
    .option("--speed <x>", "simulated seconds per real second (default: the fleet file's clock.speed)")
    .option(
      "--deliver-to <url>",
      "Event Grid webhook to deliver to (default: the fleet file's eventGrid.deliverTo)",
    )
    .option("--state <dir>", "save the simulated world here; starting again with it resumes world and clock")
    .option(
      "--discrete",
      "the discrete-event clock: time jumps whenever nothing is in flight, here and in every host started with the printed RINGMASTER_CLOCK (instead of --speed)",
    )
    .action(
      async (opts: {
        fleet?: string;
        port: string;
        speed?: string;
        deliverTo?: string;
        state?: string;
        discrete?: boolean;
      }) => {
        let sim: Simulator;
        let store: WorldStore | undefined;
        let coordinated: CoordinatedClock | undefined;
        if (opts.fleet === undefined) {
          io.err("ringmaster simulate: required option '--fleet <file>' not specified\n");
          return setExit(2);
        }
        try {
          const fleet = loadFleetFile(opts.fleet);
          const speed = opts.speed === undefined ? fleet.clock.speed : Number(opts.speed);
          if (!(speed > 0)) throw new Error(`--speed: expected a positive number, got "${opts.speed}"`);
          store = opts.state ? new WorldStore(resolve(opts.state)) : undefined;
          const saved = store?.load(fleet);
          const realStart = Date.now();
          const virtualStart = saved?.resumeAt ?? Date.parse(fleet.clock.start);
          if (opts.discrete && opts.speed !== undefined)
            throw new Error("--discrete and --speed: choose one clock");
          coordinated = opts.discrete ? await coordinatedClock(virtualStart) : undefined;
          const clock = coordinated?.clock ?? virtualClock({ virtualStart, speed, realStart });
          sim = await Simulator.start({
            fleet,
            clock,
            port: Number(opts.port),
            ...(store ? { recordsDir: store.dir } : {}),
            ...(opts.deliverTo ? { deliverTo: opts.deliverTo } : {}),
            ...(saved ? { prepare: (world) => restoreWorld(world, saved.snapshot) } : {}),
          });
          store?.attach(sim.world);
          io.out(`Simulated Azure on ${sim.url} (${clock.description})\n`);
          if (saved)
            io.out(`Resumed the saved world at ${new Date(virtualStart).toISOString()} (simulated)\n`);
          io.out(
            `RINGMASTER_CLOCK=${coordinated?.setting ?? clockSetting({ virtualStart, speed, realStart })}\n`,
          );
          io.out(`Records: ${sim.url}/_sim/summary, /_sim/audit, /_sim/counters, /_sim/outbox\n`);
        } catch (error) {
          io.err(`ringmaster simulate: ${error instanceof Error ? error.message : String(error)}\n`);
          return setExit(2);
        }
        await new Promise<void>((done) => {
          const stop = () => {
            store?.stop();
            void sim
              .stop()
              .then(() => coordinated?.stop())
              .finally(done);
          };
          process.once("SIGINT", stop);
          process.once("SIGTERM", stop);
        });
      },
    );
  registerGenerateCommand(simulate, io, setExit);
}
