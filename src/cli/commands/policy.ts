import type { Command } from "commander";
import { loadPolicyFile, policyJsonSchema } from "../../config/policy.js";
import type { CliIo } from "../main.js";

/** `ringmaster policy schema|validate`: the JSON Schema for editors, and a validator for CI. */
export function registerPolicyCommand(program: Command, io: CliIo, setExit: (code: number) => void): void {
  const policy = program.command("policy").description("Rollout policy files");
  policy
    .command("schema")
    .description("Print the policy's JSON Schema (for editor validation and completion)")
    .action(() => {
      io.out(`${JSON.stringify(policyJsonSchema(), null, 2)}\n`);
    });
  policy
    .command("validate")
    .description("Validate a policy file; every problem names its path")
    .argument("<file>", "policy YAML")
    .action((file: string) => {
      try {
        const p = loadPolicyFile(file);
        io.out(`${file}: valid (${p.metadata.name}, ${p.spec.rings.length} rings)\n`);
      } catch (error) {
        io.err(`${error instanceof Error ? error.message : String(error)}\n`);
        setExit(2);
      }
    });
}
