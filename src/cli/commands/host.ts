import { resolve } from "node:path";
import type { Command } from "commander";
import { clockFromSetting, virtualClock, type Clock } from "../../clock/clock.js";
import { readHostKeys, type HostKeys } from "../../devhost/host-keys.js";
import { LocalHost } from "../../devhost/host.js";
import { toIsoInstant } from "../../events/field-schemas.js";
import type { CliIo } from "../main.js";

/** `ringmaster host start`: host any v4 app (with Durable Functions) on 127.0.0.1 until SIGINT/SIGTERM. */
export function registerHostCommand(program: Command, io: CliIo, setExit: (code: number) => void): void {
  const host = program
    .command("host")
    .description("Local Azure Functions host (Node v4 model, Durable Functions 3)");
  host
    .command("start")
    .description("Load the app's entry files (package.json main) and serve them on 127.0.0.1")
    .option("--cwd <dir>", "the function app directory", ".")
    .option("--port <n>", "HTTP port (default: local.settings.json Host.LocalHttpPort, else 7071)")
    .option("--start <iso>", "run on a virtual clock starting at this instant")
    .option("--speed <x>", "virtual seconds per real second (with --start)", "1")
    .option(
      "--state <dir>",
      "where durable state, checkpoints and outputs are kept (default <cwd>/.ringmaster)",
    )
    .option("--quiet", "log only failures")
    .option(
      "--keys <file>",
      'check keys as Azure does, from a JSON file shaped like `az functionapp keys list`: {"masterKey", "functionKeys": {...}, "systemKeys": {"eventgrid_extension", "durabletask_extension"}} (default: no keys checked, as Core Tools)',
    )
    .action(
      async (opts: {
        cwd: string;
        port?: string;
        start?: string;
        speed: string;
        state?: string;
        quiet?: boolean;
        keys?: string;
      }) => {
        const port = opts.port === undefined ? undefined : Number(opts.port);
        if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) {
          io.err(`ringmaster host start: --port: expected 0-65535, got "${opts.port}"\n`);
          return setExit(2);
        }
        let clock: Clock;
        try {
          if (opts.start) {
            const start = toIsoInstant(opts.start);
            if (!start) throw new Error(`--start: "${opts.start}" is not an ISO 8601 date-time`);
            clock = virtualClock({ virtualStart: Date.parse(start), speed: Number(opts.speed) });
          } else clock = clockFromSetting(process.env.RINGMASTER_CLOCK);
        } catch (error) {
          io.err(`ringmaster host start: ${error instanceof Error ? error.message : String(error)}\n`);
          return setExit(2);
        }
        let keys: HostKeys | undefined;
        try {
          keys = opts.keys === undefined ? undefined : readHostKeys(resolve(opts.keys));
        } catch (error) {
          io.err(`ringmaster host start: ${error instanceof Error ? error.message : String(error)}\n`);
          return setExit(2);
        }
        let running: LocalHost;
        try {
          // A discrete clock's participant learns the current time from its coordinator first.
          await clock.ready();
          running = await LocalHost.start({
            appDir: resolve(opts.cwd),
            clock,
            quiet: opts.quiet === true,
            ...(keys ? { keys } : {}),
            ...(port !== undefined ? { port } : {}),
            ...(opts.state ? { stateDir: resolve(opts.state) } : {}),
          });
        } catch (error) {
          io.err(`ringmaster host start: ${error instanceof Error ? error.message : String(error)}\n`);
          return setExit(1);
        }
        io.out(`Ringmaster local host listening on ${running.baseUrl} (Ctrl+C to stop)\n`);
        await new Promise<void>((done) => {
          const stop = (signal: string) => {
            io.out(`\n${signal}: stopping\n`);
            void running.stop().finally(done);
          };
          process.once("SIGINT", () => stop("SIGINT"));
          process.once("SIGTERM", () => stop("SIGTERM"));
        });
      },
    );
}
