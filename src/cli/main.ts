import { Command, CommanderError } from "commander";

type Register = (program: Command, io: CliIo, setExit: (code: number) => void) => void;

/**
 * Each command's module, loaded only when that command runs: one command's dependencies (the simulator,
 * the packager, the planner's renderers) cost every other command nothing, and `host start` — which every
 * local host and end-to-end test starts — loads the host alone. In `--help`'s order.
 */
const COMMANDS: Record<string, () => Promise<Register>> = {
  events: async () => (await import("./commands/events.js")).registerEventsCommand,
  policy: async () => (await import("./commands/policy.js")).registerPolicyCommand,
  windows: async () => (await import("./commands/windows.js")).registerWindowsCommand,
  plan: async () => (await import("./commands/plan.js")).registerPlanCommand,
  host: async () => (await import("./commands/host.js")).registerHostCommand,
  simulate: async () => (await import("./commands/simulate.js")).registerSimulateCommand,
  start: async () => (await import("./commands/start.js")).registerStartCommand,
  package: async () => (await import("./commands/package.js")).registerPackageCommand,
};

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
  // The command named first, alone; anything else (help, a typo, an option first) sees them all.
  const named = argv[2];
  const names = named !== undefined && Object.hasOwn(COMMANDS, named) ? [named] : Object.keys(COMMANDS);
  for (const register of await Promise.all(names.map((n) => COMMANDS[n]!()))) register(program, io, setExit);
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
