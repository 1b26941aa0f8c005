import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import { normalizeText } from "../../events/normalize.js";
import type { CliIo } from "../main.js";

/** `ringmaster events normalize [FILE|-]`: one JSON line per event; exit 2 when anything was rejected. */
export function registerEventsCommand(program: Command, io: CliIo, setExit: (code: number) => void): void {
  const events = program.command("events").description("Read inbound event payloads");
  events
    .command("normalize")
    .description("Normalize Event Grid, CloudEvents, Event Hub bodies or alert payloads (JSON or JSON lines)")
    .argument("[file]", "file to read, or - for standard input", "-")
    .action(async (file: string) => {
      let text: string;
      try {
        text = file === "-" ? await io.readStdin() : await readFile(file, "utf8");
      } catch (error) {
        io.err(
          `ringmaster events normalize: cannot read ${file}: ${error instanceof Error ? error.message : String(error)}\n`,
        );
        setExit(2);
        return;
      }
      const normalized = normalizeText(text);
      io.out(normalized.map((e) => JSON.stringify(e)).join("\n") + (normalized.length ? "\n" : ""));
      setExit(normalized.some((e) => e.kind === "Rejected") ? 2 : 0);
    });
}
