import type { Command } from "commander";
import { loadPolicyFile } from "../../config/policy.js";
import { planRollout } from "../../domain/planner.js";
import { parseVersion } from "../../domain/versions.js";
import { toIsoInstant } from "../../events/field-schemas.js";
import { loadFleetFile } from "../../simulator/load-fleet.js";
import { inventoryFromFleet } from "../fleet-inventory.js";
import type { CliIo } from "../main.js";
import { renderPlanHtml } from "../../notify/plan-html.js";
import { renderPlanTable } from "../../notify/plan-table.js";

/** `ringmaster plan`: the forecast for a simulated fleet file, as a table, JSON or an HTML timeline. */
export function registerPlanCommand(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command("plan")
    .description("Forecast a rollout: ring, window, predicted start and end per cluster, or why not")
    .requiredOption("--fleet <file>", "simulated fleet file (examples/fleet.yaml format)")
    .requiredOption("--policy <file>", "rollout policy YAML")
    .requiredOption("--target <version|node-image>", "Kubernetes version (e.g. 1.30.5) or node-image")
    .option("--now <iso>", "plan as of this instant (default: the fleet's clock start)")
    .option("--horizon <days>", "days to look ahead for windows", "90")
    .option("--format <format>", "table | json | html", "table")
    .action(
      (opts: {
        fleet: string;
        policy: string;
        target: string;
        now?: string;
        horizon: string;
        format: string;
      }) => {
        const fail = (m: string) => {
          io.err(`ringmaster plan: ${m}\n`);
          setExit(2);
        };
        if (!["table", "json", "html"].includes(opts.format))
          return fail(`--format: expected table, json or html, got "${opts.format}"`);
        if (opts.target !== "node-image" && !parseVersion(opts.target))
          return fail(
            `--target: expected a Kubernetes version such as 1.30.5 or "node-image", got "${opts.target}"`,
          );
        const horizonDays = Number(opts.horizon);
        if (!Number.isInteger(horizonDays) || horizonDays < 1 || horizonDays > 730)
          return fail(`--horizon: expected whole days 1-730, got "${opts.horizon}"`);
        let plan;
        try {
          const fleet = loadFleetFile(opts.fleet);
          const policy = loadPolicyFile(opts.policy);
          const nowIso = opts.now === undefined ? fleet.clock.start : toIsoInstant(opts.now);
          if (!nowIso) return fail(`--now: "${opts.now}" is not an ISO 8601 date-time`);
          const now = Date.parse(nowIso);
          const target =
            opts.target === "node-image"
              ? ({ kind: "nodeImage" } as const)
              : ({ kind: "kubernetes", version: opts.target } as const);
          plan = planRollout({ policy, inventory: inventoryFromFleet(fleet, now), target, now, horizonDays });
        } catch (error) {
          return fail(error instanceof Error ? error.message : String(error));
        }
        if (opts.format === "json") io.out(`${JSON.stringify(plan, null, 2)}\n`);
        else if (opts.format === "html") io.out(renderPlanHtml(plan));
        else io.out(renderPlanTable(plan));
      },
    );
}
