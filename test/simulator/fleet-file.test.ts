import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { PolicyError } from "../../src/config/errors.js";
import { loadPolicyFile } from "../../src/config/policy.js";
import { realClock } from "../../src/clock/clock.js";
import { aksRoutes } from "../../src/simulator/arm-aks.js";
import { fleetRoutes } from "../../src/simulator/arm-fleet.js";
import { insightRoutes } from "../../src/simulator/arm-insights.js";
import { costRoutes } from "../../src/simulator/arm-cost.js";
import { resourceGraphRoutes } from "../../src/simulator/arm-resourcegraph.js";
import { maintenanceRoutes } from "../../src/simulator/arm-maintenance.js";
import { SIMULATED_APIS } from "../../src/simulator/fleet-checks.js";
import { FleetFileError, loadFleetFile, parseFleetYaml } from "../../src/simulator/load-fleet.js";
import { World } from "../../src/simulator/world.js";
import { fleetYaml } from "../e2e/fixtures.js";

const REPO = resolve(import.meta.dirname, "..", "..");
const dir = mkdtempSync(join(tmpdir(), "rm-fleet-file-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function problems(text: string): string[] {
  try {
    parseFleetYaml(text, "test.yaml");
  } catch (error) {
    expect(error).toBeInstanceOf(FleetFileError);
    return [...(error as FleetFileError).problems];
  }
  throw new Error("expected the fleet file to be rejected");
}

const withFaults = (faults: string) => fleetYaml({ speed: 3600, faults });

/** A YAML document whose aliases expand to 9^6 values: small on disk, huge in memory. */
const LAUGHS = [
  'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  ...["b", "c", "d", "e", "f"].map((k, i) => `${k}: &${k} [${Array(9).fill(`*${"abcdef"[i]}`).join(",")}]`),
].join("\n");

describe("Fleet files: what cannot be right is refused, with its path", () => {
  it("loads examples/fleet.yaml and the e2e fleet unchanged", () => {
    expect(loadFleetFile(join(REPO, "examples", "fleet.yaml")).subscriptions.length).toBeGreaterThan(0);
    expect(
      parseFleetYaml(withFaults("  - { cluster: dev-1, pool: apps, on: upgrade, error: PodDrainFailure }"))
        .faults,
    ).toHaveLength(1);
  });

  it("refuses a cluster listed twice", () => {
    const text = fleetYaml({
      speed: 3600,
      clusters: `      - name: dev-1
        resourceGroup: rg-dev
        location: westeurope
        kubernetesVersion: 1.30.4
        nodePools: [{ name: system, count: 1, nodeImageVersion: x-1 }]`,
    });
    expect(problems(text)).toContainEqual(
      expect.stringMatching(
        /^subscriptions\[0\]\.clusters\[5\]\.name: "dev-1" is already the name of subscriptions\[0\]\.clusters\[0\]/,
      ),
    );
  });

  it("refuses faults that can never fire: unknown API, unknown error code, missing status, unknown cluster or pool", () => {
    const lines = problems(
      withFaults(`  - { api: managedCluster.get, status: 429 }
  - { cluster: dev-1, error: PodDrainFailur }
  - { api: managedClusters.get, error: TooManyRequests }
  - { cluster: dev-9, error: PodDrainFailure }
  - { cluster: dev-1, pool: batch, error: PodDrainFailure }
  - { event: lost, eventType: NewKubernetesVersion }
  - { api: managedClusters.get, status: 200 }`),
    );
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^faults\[0\]\.api: "managedCluster\.get" is not an API the simulator serves/),
        expect.stringMatching(/^faults\[1\]\.error: "PodDrainFailur" is not an AKS operation error/),
        expect.stringMatching(/^faults\[2\]: mixes fields of different fault kinds/),
        expect.stringMatching(/^faults\[3\]\.cluster: "dev-9" is not a cluster of this fleet file/),
        expect.stringMatching(/^faults\[4\]\.pool: "batch" is not a node pool of dev-1/),
        expect.stringMatching(/^faults\[5\]\.eventType: "NewKubernetesVersion" is no event/),
        expect.stringMatching(/^faults\[6\]\.status: 200 is not an error status/),
      ]),
    );
  });

  it("knows exactly the API names the simulator's routes serve", () => {
    const fleet = loadFleetFile(join(REPO, "examples", "fleet.yaml"));
    const world = new World(fleet, realClock());
    const served = [
      ...aksRoutes(world),
      ...fleetRoutes(world),
      ...maintenanceRoutes(world),
      ...insightRoutes(world),
      ...costRoutes(world),
      ...resourceGraphRoutes(world),
    ].map((r) => r.api);
    expect(new Set([...served, "emails.send"])).toEqual(SIMULATED_APIS);
  });

  it("names the file when refusing a YAML alias bomb (fleet and policy)", () => {
    const fleetFile = join(dir, "laughs-fleet.yaml");
    writeFileSync(fleetFile, `${LAUGHS}\n`);
    expect(() => loadFleetFile(fleetFile)).toThrow(FleetFileError);
    expect(() => loadFleetFile(fleetFile)).toThrow(
      new RegExp(
        `^Fleet ${fleetFile.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}: 1 problem\\(s\\)\\n  - refused: .*alias`,
      ),
    );
    const policyFile = join(dir, "laughs-policy.yaml");
    writeFileSync(policyFile, `${LAUGHS}\n`);
    expect(() => loadPolicyFile(policyFile)).toThrow(PolicyError);
    expect(() => loadPolicyFile(policyFile)).toThrow(
      new RegExp(
        `^Policy ${policyFile.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}: 1 problem\\(s\\)\\n  - refused: .*alias`,
      ),
    );
    expect(readFileSync(policyFile, "utf8").length).toBeLessThan(1000);
  });
});
