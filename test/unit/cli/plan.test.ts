import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HtmlValidate } from "html-validate";
import { parse, type DefaultTreeAdapterMap } from "parse5";
import { describe, expect, it } from "vitest";
import { main, type CliIo } from "../../../src/cli/main.js";

type Node = DefaultTreeAdapterMap["node"];
type Element = DefaultTreeAdapterMap["element"];

function io(): CliIo & { stdout: string; stderr: string } {
  const state = { stdout: "", stderr: "" };
  return Object.assign(state, {
    out: (s: string) => void (state.stdout += s),
    err: (s: string) => void (state.stderr += s),
    readStdin: () => Promise.resolve(""),
  });
}
const run = async (args: string[]) => {
  const cli = io();
  const code = await main(["node", "ringmaster", ...args], cli);
  return { code, stdout: cli.stdout, stderr: cli.stderr };
};
const PLAN = [
  "plan",
  "--fleet",
  "examples/fleet.yaml",
  "--policy",
  "examples/policy.yaml",
  "--now",
  "2026-11-23T06:00:00Z",
];

function elements(node: Node, out: Element[] = []): Element[] {
  if ("tagName" in node) out.push(node);
  if ("childNodes" in node) for (const child of node.childNodes) elements(child, out);
  if ("content" in node && node.content) elements(node.content, out);
  return out;
}
const attr = (el: Element, name: string) => el.attrs.find((a) => a.name === name)?.value;
const textOf = (el: Node): string =>
  "value" in el && typeof el.value === "string"
    ? el.value
    : "childNodes" in el
      ? el.childNodes.map(textOf).join("")
      : "";

describe("Command: ringmaster windows", () => {
  const dir = mkdtempSync(join(tmpdir(), "rm-win-"));

  it("prints one {start,end} per line in UTC for an AKS maintenanceWindow", async () => {
    const file = join(dir, "aks.json");
    writeFileSync(
      file,
      JSON.stringify({
        schedule: { weekly: { dayOfWeek: "Thursday", intervalWeeks: 1 } },
        startTime: "20:00",
        durationHours: 4,
        utcOffset: "+01:00",
      }),
    );
    const { code, stdout } = await run([
      "windows",
      "--window",
      file,
      "--from",
      "2026-11-23T00:00:00Z",
      "--count",
      "2",
    ]);
    expect(code).toBe(0);
    expect(stdout).toBe(
      '{"start":"2026-11-26T19:00:00Z","end":"2026-11-26T23:00:00Z"}\n{"start":"2026-12-03T19:00:00Z","end":"2026-12-03T23:00:00Z"}\n',
    );
  });

  it("reads a policy window in YAML with a named zone, and a whole maintenance configuration", async () => {
    const yaml = join(dir, "ring.yaml");
    writeFileSync(
      yaml,
      "weekly: { dayOfWeek: Tuesday }\nstartTime: '09:00'\ndurationHours: 6\ntimeZone: Europe/Berlin\n",
    );
    expect(
      (await run(["windows", "--window", yaml, "--from", "2026-11-23T00:00:00Z", "--count", "1"])).stdout,
    ).toBe('{"start":"2026-11-24T08:00:00Z","end":"2026-11-24T14:00:00Z"}\n');
    const config = join(dir, "config.json");
    writeFileSync(
      config,
      JSON.stringify({
        properties: {
          maintenanceWindow: {
            schedule: { daily: { intervalDays: 1 } },
            startTime: "01:00",
            durationHours: 4,
          },
        },
      }),
    );
    expect(
      (await run(["windows", "--window", config, "--from", "2026-11-23T00:00:00Z", "--count", "1"])).stdout,
    ).toBe('{"start":"2026-11-23T01:00:00Z","end":"2026-11-23T05:00:00Z"}\n');
  });

  it("reads `az aks maintenanceconfiguration show` output as the AKS docs print it (unused kinds null)", async () => {
    const show = join(dir, "show.json");
    // planned-maintenance.md, "Show a specific maintenance configuration window": every 3 months on the 1st,
    // 09:00 at -08:00, counted from startDate's month (January 2023).
    writeFileSync(
      show,
      JSON.stringify({
        id: "/subscriptions/<subscription>/resourceGroups/myResourceGroup/providers/Microsoft.ContainerService/managedClusters/myAKSCluster/maintenanceConfigurations/aksManagedAutoUpgradeSchedule",
        maintenanceWindow: {
          durationHours: 4,
          notAllowedDates: [{ end: "2024-01-05", start: "2023-12-23" }],
          schedule: {
            absoluteMonthly: { dayOfMonth: 1, intervalMonths: 3 },
            daily: null,
            relativeMonthly: null,
            weekly: null,
          },
          startDate: "2023-01-20",
          startTime: "09:00",
          utcOffset: "-08:00",
        },
        name: "aksManagedAutoUpgradeSchedule",
        notAllowedTime: null,
        resourceGroup: "myResourceGroup",
        systemData: null,
        timeInWeek: null,
        type: null,
      }),
    );
    const { code, stdout, stderr } = await run([
      "windows",
      "--window",
      show,
      "--from",
      "2026-11-23T00:00:00Z",
      "--count",
      "1",
    ]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout).toBe('{"start":"2027-01-01T17:00:00Z","end":"2027-01-01T21:00:00Z"}\n');
  });

  it("names what is wrong with a window file", async () => {
    const bad = join(dir, "bad.json");
    writeFileSync(
      bad,
      JSON.stringify({ schedule: { weekly: { dayOfWeek: "Funday" } }, startTime: "25:00", durationHours: 2 }),
    );
    const { code, stderr } = await run(["windows", "--window", bad, "--from", "2026-11-23T00:00:00Z"]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/schedule\.weekly\.dayOfWeek: expected a day name/);
    expect(stderr).toMatch(/startTime: expected "HH:MM"/);
    expect(stderr).toMatch(/durationHours: must be at least 4/);
  });
});

describe("Command: ringmaster plan", () => {
  it("prints a readable table with rings, predicted times and reasons", async () => {
    const { code, stdout } = await run([...PLAN, "--target", "1.30.5"]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/Ring 1: dev/);
    expect(stdout).toMatch(/aks-dev-weu-1 .* 2026-11-24 08:00 +2026-11-24 08:55 +55 min/);
    expect(stdout).toMatch(/aks-dev-neu-1 .* skipped: AKS auto-upgrade channel "patch"/);
    expect(stdout).toMatch(/Ring 3: prod .* approval required/);
  });

  it("prints JSON with every cluster", async () => {
    const plan = JSON.parse((await run([...PLAN, "--target", "1.30.5", "--format", "json"])).stdout) as {
      clusters: unknown[];
      rings: unknown[];
    };
    expect(plan.clusters).toHaveLength(7);
    expect(plan.rings).toHaveLength(3);
  });

  it("renders a valid, self-contained HTML timeline with rings as lanes and upgrades as bars", async () => {
    const { code, stdout } = await run([...PLAN, "--target", "1.30.5", "--format", "html"]);
    expect(code).toBe(0);
    const report = await new HtmlValidate({
      extends: ["html-validate:recommended"],
      rules: { "no-inline-style": "off" },
    }).validateString(stdout);
    expect(report.results.flatMap((r) => r.messages.map((m) => `${m.ruleId}: ${m.message}`))).toEqual([]);
    const all = elements(parse(stdout));
    expect(
      all.some((e) => e.tagName === "script" || (e.tagName === "link" && attr(e, "rel") === "stylesheet")),
    ).toBe(false);
    const upgrades = all.filter((e) => e.tagName === "rect" && attr(e, "class") === "upgrade");
    expect(upgrades).toHaveLength(6);
    const rings = all.filter((e) => e.tagName === "text" && attr(e, "class") === "ring").map(textOf);
    expect(rings).toEqual(["dev", "staging", "prod ⏸ approval"]);
    expect(all.filter((e) => e.tagName === "rect" && attr(e, "class") === "window")).toHaveLength(6);
    expect(all.some((e) => e.tagName === "td" && textOf(e) === "AutoUpgradeChannelConflict")).toBe(true);
  });

  it("names a bad target, format or file", async () => {
    expect((await run([...PLAN, "--target", "latest"])).stderr).toMatch(
      /--target: expected a Kubernetes version/,
    );
    expect((await run([...PLAN, "--target", "1.30.5", "--format", "pdf"])).stderr).toMatch(
      /--format: expected table, json or html/,
    );
    expect(
      (await run(["plan", "--fleet", "nope.yaml", "--policy", "examples/policy.yaml", "--target", "1.30.5"]))
        .stderr,
    ).toMatch(/Fleet nope.yaml: .*cannot read/s);
  });
});
