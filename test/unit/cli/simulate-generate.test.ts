import { resolve } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { main, type CliIo } from "../../../src/cli/main.js";
import { loadPolicyFile } from "../../../src/config/policy.js";
import type { InventoryCluster } from "../../../src/domain/inventory.js";
import { assignRings } from "../../../src/domain/rings.js";
import type { Fleet } from "../../../src/simulator/fleet-schema.js";
import { parseFleetYaml } from "../../../src/simulator/load-fleet.js";
import { parseFaultList } from "../../../src/simulator/generated-faults.js";

const REPO = resolve(import.meta.dirname, "..", "..", "..");

function io(): CliIo & { stdout: string; stderr: string } {
  const state = { stdout: "", stderr: "" };
  return Object.assign(state, {
    out: (s: string) => void (state.stdout += s),
    err: (s: string) => void (state.stderr += s),
    readStdin: () => Promise.resolve(""),
  });
}

const generate = async (...args: string[]) => {
  const cli = io();
  const code = await main(["node", "ringmaster", "simulate", "generate", ...args], cli);
  return { code, stdout: cli.stdout, stderr: cli.stderr };
};

const REGIONS = ["--regions", "westeurope,northeurope,eastus"];
const clustersOf = (fleet: Fleet) => fleet.subscriptions.flatMap((s) => s.clusters.map((c) => ({ s, c })));

/** The fleet's clusters as the planner sees them, enough for the policy's ring selectors. */
function inventoryOf(fleet: Fleet): InventoryCluster[] {
  return clustersOf(fleet).map(({ s, c }) => ({
    id: `/subscriptions/${s.id}/resourceGroups/${c.resourceGroup}/providers/Microsoft.ContainerService/managedClusters/${c.name}`,
    name: c.name,
    subscriptionId: s.id,
    resourceGroup: c.resourceGroup,
    location: c.location,
    tags: c.tags,
    kubernetesVersion: c.kubernetesVersion,
    provisioningState: "Succeeded",
    nodePools: [],
    windows: {},
  }));
}

describe("Command: ringmaster simulate generate", () => {
  it("prints a fleet file that parses, with N clusters over K subscriptions and the regions named", async () => {
    const out = await generate("--clusters", "300", "--subscriptions", "5", ...REGIONS);
    expect(out.stderr).toBe("");
    expect(out.code).toBe(0);
    const fleet = parseFleetYaml(out.stdout, "generated");
    const all = clustersOf(fleet).map((x) => x.c);
    expect(all).toHaveLength(300);
    expect(fleet.subscriptions).toHaveLength(5);
    expect(new Set(all.map((c) => c.name)).size).toBe(300);
    expect(new Set(all.map((c) => c.location))).toEqual(new Set(["westeurope", "northeurope", "eastus"]));
    // Realistic: several minors, both node-image families, user pools, and releases for the run to act on.
    expect(
      new Set(all.map((c) => c.kubernetesVersion.split(".").slice(0, 2).join("."))).size,
    ).toBeGreaterThan(2);
    expect(new Set(all.map((c) => c.nodePools[0]!.nodeImageVersion.split("-")[0])).size).toBe(2);
    expect(all.some((c) => c.nodePools.some((p) => p.mode === "User"))).toBe(true);
    expect(all.every((c) => c.nodePools[0]!.mode === "System")).toBe(true);
    expect(fleet.releases.kubernetes.map((r) => r.version)).toEqual(["1.30.5", "1.31.2"]);
    expect(fleet.releases.nodeImages.length).toBeGreaterThan(0);
  });

  it("assigns a third of the clusters to each of examples/policy.yaml's rings, in every subscription-region", async () => {
    const out = await generate("--clusters", "1000", "--subscriptions", "5", ...REGIONS);
    const fleet = parseFleetYaml(out.stdout, "generated");
    const policy = loadPolicyFile(resolve(REPO, "examples/policy.yaml"));
    const assignment = assignRings(policy, inventoryOf(fleet));
    expect(assignment.unassigned).toEqual([]);
    expect(assignment.overlaps).toEqual([]);
    expect([...assignment.byRing].map(([ring, cs]) => [ring, cs.length])).toEqual([
      ["dev", 334],
      ["staging", 333],
      ["prod", 333],
    ]);
    for (const [, members] of assignment.byRing) {
      const lanes = new Map<string, number>();
      for (const c of members)
        lanes.set(
          `${c.subscriptionId}/${c.location}`,
          (lanes.get(`${c.subscriptionId}/${c.location}`) ?? 0) + 1,
        );
      expect(lanes.size).toBe(15);
      expect(Math.max(...lanes.values()) - Math.min(...lanes.values())).toBeLessThanOrEqual(1);
    }
  });

  it("is the same for a seed and differs between seeds", async () => {
    const args = ["--clusters", "50", "--subscriptions", "3", ...REGIONS];
    const a = await generate(...args, "--seed", "7");
    const b = await generate(...args, "--seed", "7");
    const c = await generate(...args, "--seed", "8");
    expect(a.stdout).toBe(b.stdout);
    expect(c.stdout).not.toBe(a.stdout);
  });

  it("parses for any size, subscription count, region list and ring list", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 1, max: 6 }),
        fc.uniqueArray(fc.constantFrom("westeurope", "eastus", "uksouth", "japaneast"), { minLength: 1 }),
        fc.uniqueArray(fc.constantFrom("canary", "dev", "staging", "prod"), { minLength: 1 }),
        fc.nat(1000),
        async (clusters, subs, regions, rings, seed) => {
          fc.pre(subs <= clusters);
          const out = await generate(
            ...["--clusters", String(clusters), "--subscriptions", String(subs)],
            ...["--regions", regions.join(","), "--rings", rings.join(","), "--seed", String(seed)],
          );
          expect(out.stderr).toBe("");
          const fleet = parseFleetYaml(out.stdout, "generated");
          const all = clustersOf(fleet).map((x) => x.c);
          expect(all).toHaveLength(clusters);
          expect(fleet.subscriptions.every((s) => s.clusters.length > 0)).toBe(true);
          const perRing = rings.map((r) => all.filter((c) => c.tags.env === r).length);
          expect(Math.max(...perRing) - Math.min(...perRing)).toBeLessThanOrEqual(1);
        },
      ),
      { numRuns: 60 },
    );
  });

  it("maps the --faults vocabulary onto the fleet file's faults, on clusters of the fleet", async () => {
    const out = await generate(
      ...["--clusters", "30", "--subscriptions", "2", ...REGIONS],
      ...[
        "--faults",
        "drain-failure=2,slow-upgrade,throttle=20,server-error=3,lost-event=1,duplicate-event=2",
      ],
    );
    expect(out.stderr).toBe("");
    const fleet = parseFleetYaml(out.stdout, "generated");
    const names = new Set(clustersOf(fleet).map((x) => x.c.name));
    const drains = fleet.faults.filter((f) => f.error === "PodDrainFailure");
    expect(drains).toHaveLength(2);
    expect(drains.every((f) => names.has(f.cluster!))).toBe(true);
    expect(fleet.faults.filter((f) => f.slowMinutes === 60)).toHaveLength(1);
    expect(fleet.faults).toContainEqual(
      expect.objectContaining({ api: "managedClusters.get", status: 429, times: 20 }),
    );
    expect(fleet.faults).toContainEqual(
      expect.objectContaining({ api: "managedClusters.get", status: 503, times: 3 }),
    );
    expect(fleet.faults).toContainEqual(expect.objectContaining({ event: "lost", times: 1 }));
    expect(fleet.faults).toContainEqual(expect.objectContaining({ event: "duplicate", times: 2 }));
  });

  it("refuses unknown faults and bad sizes with the option and the fix", async () => {
    const bad = await generate("--clusters", "5", "--subscriptions", "2", ...REGIONS, "--faults", "meteor=1");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--faults: "meteor=1": unknown fault; use one of drain-failure, slow-upgrade/);
    const zero = await generate("--clusters", "0", "--subscriptions", "1", ...REGIONS);
    expect(zero.code).toBe(2);
    expect(zero.stderr).toMatch(/--clusters:/);
    const many = await generate("--clusters", "3", "--subscriptions", "4", ...REGIONS);
    expect(many.stderr).toMatch(/--subscriptions: cannot exceed --clusters/);
    const region = await generate("--clusters", "3", "--subscriptions", "1", "--regions", "West Europe");
    expect(region.stderr).toMatch(/--regions: each region must be lower-case letters and digits/);
    expect(() => parseFaultList("throttle=0")).toThrow(/at least 1/);
  });

  it("leaves `ringmaster simulate` requiring --fleet", async () => {
    const cli = io();
    const code = await main(["node", "ringmaster", "simulate"], cli);
    expect(code).toBe(2);
    expect(cli.stderr).toMatch(/required option '--fleet <file>'/);
  });
});
