import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import { parse as parseYaml } from "yaml";
import type { z } from "zod";
import { toIsoInstant } from "../../events/field-schemas.js";
import {
  AksMaintenanceWindowSchema,
  fromAksWindow,
  fromPolicyWindow,
  PolicyWindowSchema,
  type WindowSpec,
} from "../../domain/window-spec.js";
import { windowsEndingAfter } from "../../domain/windows.js";
import type { CliIo } from "../main.js";
import { registerWindowsMigrateCommand } from "./windows-migrate.js";

/**
 * `ringmaster windows --window FILE --from ISO --count N`: the next N allowed windows, one
 * `{"start","end"}` object per line in UTC. FILE holds an AKS `maintenanceWindow` (schedule + utcOffset),
 * a whole maintenance configuration (`properties.maintenanceWindow`), or a policy ring window (timeZone).
 */
export function registerWindowsCommand(program: Command, io: CliIo, setExit: (code: number) => void): void {
  const windows = program
    .command("windows")
    .description("List the next maintenance windows of an AKS maintenanceWindow or a policy window (UTC)")
    // Checked in the action, not by commander: `windows migrate` needs no window file.
    .option("--window <file>", "JSON or YAML window definition; required")
    .option("--from <iso>", "list windows that end after this instant", new Date().toISOString())
    .option("--count <n>", "how many windows", "10")
    .action(async (opts: { window?: string; from: string; count: string }) => {
      if (opts.window === undefined) {
        io.err("ringmaster windows: required option '--window <file>' not specified\n");
        return setExit(2);
      }
      const from = toIsoInstant(opts.from);
      const count = Number(opts.count);
      if (!from)
        return fail(
          io,
          setExit,
          `--from: "${opts.from}" is not an ISO 8601 date-time such as 2026-11-23T00:00:00Z`,
        );
      if (!Number.isInteger(count) || count < 1 || count > 10_000)
        return fail(io, setExit, `--count: expected a whole number 1-10000, got "${opts.count}"`);
      let spec: WindowSpec;
      try {
        spec = readWindow(parseYaml(await readFile(opts.window, "utf8")) as unknown);
      } catch (error) {
        return fail(
          io,
          setExit,
          `--window ${opts.window}: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
      const windows = windowsEndingAfter(spec, Date.parse(from), count);
      // Second-precision UTC, as AKS writes instants ("2026-11-26T19:00:00Z").
      const utc = (ms: number) => new Date(ms).toISOString().replace(/\.000Z$/, "Z");
      const lines = windows.map((w) => JSON.stringify({ start: utc(w.start), end: utc(w.end) }));
      io.out(lines.length ? `${lines.join("\n")}\n` : "");
    });
  registerWindowsMigrateCommand(windows, io, setExit);
}

function readWindow(value: unknown): WindowSpec {
  const obj = (value ?? {}) as Record<string, unknown>;
  const inner =
    (obj.properties as Record<string, unknown> | undefined)?.maintenanceWindow ??
    obj.maintenanceWindow ??
    obj;
  const candidate = inner as Record<string, unknown>;
  const result =
    "schedule" in candidate
      ? AksMaintenanceWindowSchema.safeParse(candidate)
      : PolicyWindowSchema.safeParse(candidate);
  if (!result.success) throw new Error(describe(result.error));
  return "schedule" in candidate
    ? fromAksWindow(result.data as z.infer<typeof AksMaintenanceWindowSchema>)
    : fromPolicyWindow(result.data);
}

function describe(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.map(String).join(".") || "window"}: ${i.message}`).join("; ");
}

function fail(io: CliIo, setExit: (code: number) => void, message: string): void {
  io.err(`ringmaster windows: ${message}\n`);
  setExit(2);
}
