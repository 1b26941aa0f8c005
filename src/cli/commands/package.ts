import type { Command } from "commander";
import { relative } from "node:path";
import { packageApp } from "../../package/package-app.js";
import type { CliIo } from "../main.js";

/** `ringmaster package`: the deployable zip of the built app (what `azd deploy` uploads). */
export function registerPackageCommand(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command("package")
    .description(
      "Build the deployable zip: the app bundled with esbuild, host.json, policy (.funcignore applies)",
    )
    .option("--cwd <dir>", "the app directory", ".")
    .option("--out <file>", "the zip to write", ".ringmaster/package/ringmaster.zip")
    .option("--policy <file...>", "policy file(s) the app reads, relative to the app", [
      "examples/policy.yaml",
    ])
    .action(async (o: { cwd: string; out: string; policy: string[] }) => {
      try {
        const r = await packageApp({ appDir: o.cwd, out: o.out, policyFiles: o.policy });
        io.out(
          `${relative(process.cwd(), r.zip) || r.zip}: ${r.files} files, entries ${r.entries.join(", ")}\n`,
        );
      } catch (error) {
        io.err(`ringmaster package: ${error instanceof Error ? error.message : String(error)}\n`);
        setExit(1);
      }
    });
}
