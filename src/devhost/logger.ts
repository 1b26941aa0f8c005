import { safeLogField } from "../shared/safe-text.js";

/**
 * The host's console output: one readable line per invocation, user logs indented under their function.
 * Every line passes safeLogField: a CR/LF from an event cannot forge an entry, and a huge field is cut.
 */
export interface HostLogger {
  invocation(line: string): void;
  user(functionName: string, level: string, message: string): void;
  system(level: string, message: string): void;
}

export function consoleLogger(options: { quiet?: boolean; now: () => number }): HostLogger {
  const stamp = () => new Date(options.now()).toISOString().replace(/\.\d{3}Z$/, "Z");
  return {
    invocation: (line) => {
      if (!options.quiet) console.log(`[${stamp()}] ${safeLogField(line)}`);
    },
    user: (fn, level, message) => {
      if (options.quiet && level !== "error" && level !== "critical") return;
      const text = `[${stamp()}]   ${safeLogField(fn, 256)}: ${safeLogField(message)}`;
      if (level === "error" || level === "critical") console.error(text);
      else if (level === "warning") console.warn(text);
      else if (level !== "trace" && level !== "debug") console.log(text);
    },
    system: (level, message) => {
      if (options.quiet && level !== "error") return;
      (level === "error" ? console.error : console.log)(`[${stamp()}] host: ${safeLogField(message)}`);
    },
  };
}

export function silentLogger(): HostLogger {
  return { invocation: () => {}, user: () => {}, system: () => {} };
}
