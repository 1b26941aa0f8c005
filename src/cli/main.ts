import { Command, CommanderError } from "commander";
import { registerEventsCommand } from "./commands/events.js";
import { registerHostCommand } from "./commands/host.js";
import { registerPackageCommand } from "./commands/package.js";
import { registerPlanCommand } from "./commands/plan.js";
import { registerPolicyCommand } from "./commands/policy.js";
import { registerSimulateCommand } from "./commands/simulate.js";
import { registerStartCommand } from "./commands/start.js";
import { registerWindowsCommand } from "./commands/windows.js";

/**
 * `ringmaster` entry point. Returns the exit code instead of exiting, so tests run commands in-process;
 * every failure becomes one readable line on stderr, never a stack trace.
 */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const program = new Command("ringmaster")
    .description("Ring-based AKS fleet maintenance: events, plans, windows, simulator and local host")
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) });
  let exitCode = 0;
  const setExit = (code: number) => {
    exitCode = code;
  };
  registerEventsCommand(program, io, setExit);
  registerPolicyCommand(program, io, setExit);
  registerWindowsCommand(program, io, setExit);
  registerPlanCommand(program, io, setExit);
  registerHostCommand(program, io, setExit);
  registerSimulateCommand(program, io, setExit);
  registerStartCommand(program, io, setExit);
  registerPackageCommand(program, io, setExit);
  try {
    await program.parseAsync([...argv]);
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    io.err(`ringmaster: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  readStdin(): Promise<string>;
}

export function processIo(): CliIo {
  return {
    out: (s) => process.stdout.write(s),
    err: (s) => process.stderr.write(s),
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString("utf8");
    },
  };
}
