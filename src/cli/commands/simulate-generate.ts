import type { Command } from "commander";
import { Document, isMap, isScalar, isSeq, visit } from "yaml";
import { generateFleet, GenerateOptionsSchema } from "../../simulator/fleet-generator.js";
import { FAULT_WORDS } from "../../simulator/generated-faults.js";
import type { CliIo } from "../main.js";

/**
 * `ringmaster simulate generate --clusters N --subscriptions K --regions a,b,c`: prints a fleet file of
 * that size (fleet-generator.ts), so anyone can try Ringmaster at scale with `ringmaster start --fleet`.
 */
export function registerGenerateCommand(simulate: Command, io: CliIo, setExit: (code: number) => void): void {
  const vocabulary = Object.entries(FAULT_WORDS)
    .map(([word, meaning]) => `  ${word}=count: ${meaning}`)
    .join("\n");
  simulate
    .command("generate")
    .description("Print a generated fleet file (examples/fleet.yaml format) of any size, the same for a seed")
    .requiredOption("--clusters <n>", "how many clusters")
    .requiredOption("--subscriptions <k>", "how many subscriptions they spread over")
    .requiredOption("--regions <list>", "comma-separated Azure regions, e.g. westeurope,northeurope,eastus")
    .option(
      "--rings <list>",
      "ring names (the env tag each cluster gets; an equal share each)",
      "dev,staging,prod",
    )
    .option("--seed <s>", "seed for names, versions, pools and fault targets", "1")
    .option("--start <iso>", "the simulated clock's start", "2026-11-23T00:00:00Z")
    .option("--faults <list>", "comma-separated name=count faults to inject (the words are below)")
    .option(
      "--legacy-assignments <share>",
      "share of clusters (0-1) with a Microsoft.Maintenance aks-mrp-cfg-* assignment (legacy window)",
    )
    .addHelpText(
      "after",
      `\nFaults:\n${vocabulary}\n` +
        "\nThe rings match examples/policy.yaml's selectors (tags env: dev|staging|prod) with the default --rings.\n" +
        "Example: ringmaster simulate generate --clusters 300 --subscriptions 5 --regions westeurope,northeurope,eastus > fleet.yaml",
    )
    .action((opts: GenerateFlags) => {
      const parsed = GenerateOptionsSchema.safeParse(opts);
      if (!parsed.success) {
        for (const issue of parsed.error.issues)
          io.err(`ringmaster simulate generate: --${String(issue.path[0] ?? "options")}: ${issue.message}\n`);
        return setExit(2);
      }
      try {
        io.out(fleetYaml(generateFleet(opts), commandLine(opts)));
      } catch (error) {
        io.err(`ringmaster simulate generate: ${error instanceof Error ? error.message : String(error)}\n`);
        setExit(2);
      }
    });
}

/** The flags as commander hands them over (every value a string; defaults filled in). */
type GenerateFlags = Record<"clusters" | "subscriptions" | "regions" | "rings" | "seed" | "start", string> & {
  faults?: string;
  legacyAssignments?: string;
};

function commandLine(opts: GenerateFlags): string {
  const args = Object.entries(opts)
    .filter(([, v]) => v !== undefined && v !== "")
    .map(([k, v]) => `--${k.replace(/[A-Z]/g, (m) => `-${m.toLowerCase()}`)} ${v}`);
  return `ringmaster simulate generate ${args.join(" ")}`;
}

/** YAML as examples/fleet.yaml writes it: one line per node pool, release, fault and tag set. */
export function fleetYaml(data: unknown, generatedBy: string): string {
  // No anchors: a shared region list stays written out (the fleet reader allows few aliases).
  const doc = new Document(data, { aliasDuplicateObjects: false });
  doc.commentBefore = ` A generated simulated Azure: ${generatedBy}`;
  visit(doc, {
    Pair(_, pair) {
      const key = isScalar(pair.key) ? String(pair.key.value) : "";
      if (
        [
          "nodePools",
          "kubernetes",
          "nodeImages",
          "faults",
          "endOfSupport",
          "maintenanceAssignments",
        ].includes(key) &&
        isSeq(pair.value)
      )
        for (const item of pair.value.items) if (isMap(item)) item.flow = true;
      if (key === "tags" && isMap(pair.value)) pair.value.flow = true;
    },
  });
  return doc.toString({ lineWidth: 0 });
}
