import { afterEach, describe, expect, it } from "vitest";
import { main, type CliIo } from "../../../src/cli/main.js";
import { DEFAULT_ACS_KEY } from "../../../src/simulator/acs-email.js";
import { startSimulator, SUB, testFleetYaml, type SimHarness } from "../../helpers/simulator.js";

/**
 * `ringmaster windows migrate` against the simulator, over the real adapters the command builds from the
 * settings (RINGMASTER_MODE=simulator, RINGMASTER_ARM_ENDPOINT): a dry run writes nothing; `--apply` leaves
 * the cluster with the equivalent aksManagedAutoUpgradeSchedule and no assignment, one cluster at a time,
 * and the summary says what was migrated, skipped and why.
 */
function io(): CliIo & { stdout: string; stderr: string } {
  const state = { stdout: "", stderr: "" };
  return Object.assign(state, {
    out: (s: string) => void (state.stdout += s),
    err: (s: string) => void (state.stderr += s),
    readStdin: () => Promise.resolve(""),
  });
}

/** alpha: only a weekend_utc-5 assignment; beta: an assignment and an AKS window (skipped). */
function fleet(): string {
  return testFleetYaml()
    .replace(
      "        tags: { env: dev }\n",
      "        tags: { env: dev }\n        maintenanceAssignments:\n          - { name: legacy-weekend, configuration: aks-mrp-cfg-weekend_utc-5 }\n",
    )
    .replace(
      "        autoUpgradeProfile: { upgradeChannel: patch }\n",
      `        autoUpgradeProfile: { upgradeChannel: patch }
        maintenanceAssignments:
          - { configuration: aks-mrp-cfg-weekday_utc8 }
        maintenanceConfigurations:
          default:
            maintenanceWindow: { schedule: { weekly: { dayOfWeek: Tuesday, intervalWeeks: 1 } }, startTime: "01:00", durationHours: 4, utcOffset: "+00:00" }
`,
    );
}

interface Summary {
  mode: string;
  migrated: number;
  skipped: number;
  failed: number;
  clusters: { cluster: string; status: string; reason?: string; nightsDropped?: string[] }[];
}

describe("Command: ringmaster windows migrate (against the simulator)", () => {
  let h: SimHarness;
  const saved = { ...process.env };
  afterEach(async () => {
    process.env = { ...saved };
    await h?.stop();
  });

  async function run(args: string[]) {
    process.env.RINGMASTER_MODE = "simulator";
    process.env.RINGMASTER_POLICY_FILE = "examples/policy.yaml";
    process.env.RINGMASTER_SUBSCRIPTION_IDS = SUB;
    process.env.RINGMASTER_ARM_ENDPOINT = h.sim.url;
    process.env.RINGMASTER_ACS_CONNECTION_STRING = `endpoint=${h.sim.url}/;accesskey=${DEFAULT_ACS_KEY}`;
    process.env.RINGMASTER_CLOCK = h.clockSetting;
    const cli = io();
    const code = await main(["node", "ringmaster", "windows", "migrate", ...args], cli);
    return { code, ...cli };
  }
  const alpha = () => h.sim.world.clusters.find((c) => c.name === "alpha")!;
  const assignmentsOf = (name: string) =>
    [...h.sim.world.assignments.keys()].filter((k) => k.includes(`/managedclusters/${name}/`));
  const writes = () =>
    h.sim.world.records.audit.filter(
      (e) =>
        e.kind === "request" && /^(PUT|DELETE|PATCH|POST) /.test(e.what) && !/resourceGraph/i.test(e.what),
    );

  it("dry run: says what it would write and writes nothing", async () => {
    h = await startSimulator(fleet());
    const { code, stdout, stderr } = await run([]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout).toContain(
      "would migrate alpha: aks-mrp-cfg-weekend_utc-5 (assignment legacy-weekend) → aksManagedAutoUpgradeSchedule weekly Fridays 22:00 for 8 h at -05:00",
    );
    expect(stdout).toMatch(/skipped beta: it has the AKS configuration "default"/);
    expect(stdout).toContain("Would migrate (dry run; --apply writes): 1; skipped: 1; failed: 0");
    expect(writes()).toEqual([]);
    expect(alpha().maintenanceConfigs.size).toBe(0);
    expect(assignmentsOf("alpha")).toHaveLength(1);
  });

  it("--apply: alpha gets the equivalent AKS configuration and loses the assignment; beta is skipped with why", async () => {
    h = await startSimulator(fleet());
    const { code, stdout, stderr } = await run(["--apply", "--json"]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const summary = JSON.parse(stdout) as Summary;
    expect(summary).toMatchObject({ mode: "apply", migrated: 1, skipped: 1, failed: 0 });
    expect(summary.clusters.find((c) => c.cluster === "alpha")).toMatchObject({
      status: "migrated",
      nightsDropped: ["Saturday", "Sunday"],
    });
    expect(summary.clusters.find((c) => c.cluster === "beta")?.reason).toMatch(/"default"/);
    expect(alpha().maintenanceConfigs.get("aksManagedAutoUpgradeSchedule")).toMatchObject({
      maintenanceWindow: {
        schedule: { weekly: { dayOfWeek: "Friday", intervalWeeks: 1 } },
        startTime: "22:00",
        durationHours: 8,
        utcOffset: "-05:00",
      },
    });
    expect(assignmentsOf("alpha")).toEqual([]);
    expect(assignmentsOf("beta")).toHaveLength(1);
    // Run again: nothing left to migrate.
    const again = JSON.parse((await run(["--apply", "--json"])).stdout) as Summary;
    expect(again).toMatchObject({ migrated: 0, failed: 0 });
  });

  it("a failed write keeps the assignment and is reported as failed (exit 1)", async () => {
    h = await startSimulator(
      fleet().replace(
        /releases:/,
        `faults:
  - { api: maintenanceConfigurations.createOrUpdate, status: 500, times: 20 }
releases:`,
      ),
    );
    const { code, stdout } = await run(["--apply", "--cluster", "alpha"]);
    expect(code).toBe(1);
    expect(stdout).toMatch(/failed alpha: writing aksManagedAutoUpgradeSchedule: .*the assignment is kept/);
    expect(assignmentsOf("alpha")).toHaveLength(1);
  });
});
