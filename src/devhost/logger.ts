/** The host's console output: one readable line per invocation, user logs indented under their function. */
export interface HostLogger {
  invocation(line: string): void;
  user(functionName: string, level: string, message: string): void;
  system(level: string, message: string): void;
}

export function consoleLogger(options: { quiet?: boolean; now: () => number }): HostLogger {
  const stamp = () => new Date(options.now()).toISOString().replace(/\.\d{3}Z$/, "Z");
  return {
    invocation: (line) => {
      if (!options.quiet) console.log(`[${stamp()}] ${line}`);
    },
    user: (fn, level, message) => {
      if (options.quiet && level !== "error" && level !== "critical") return;
      const text = `[${stamp()}]   ${fn}: ${message}`;
      if (level === "error" || level === "critical") console.error(text);
      else if (level === "warning") console.warn(text);
      else if (level !== "trace" && level !== "debug") console.log(text);
    },
    system: (level, message) => {
      if (options.quiet && level !== "error") return;
      (level === "error" ? console.error : console.log)(`[${stamp()}] host: ${message}`);
    },
  };
}

export function silentLogger(): HostLogger {
  return { invocation: () => {}, user: () => {}, system: () => {} };
}
