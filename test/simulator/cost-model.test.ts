import { describe, expect, it } from "vitest";
import { FleetFileError, parseFleetYaml } from "../../src/simulator/load-fleet.js";
import { testFleetYaml } from "../helpers/simulator.js";

/** The fleet file's cost model (fleet-schema.ts `costs`) and the checks on it (fleet-checks.ts). */
describe("simulator cost model in the fleet file", () => {
  it("defaults to a flat, noiseless model whose rows land 8 h after each day", () => {
    const costs = parseFleetYaml(testFleetYaml()).costs;
    expect(costs).toMatchObject({
      perNodeHour: 0.2,
      controlPlaneHour: 0.1,
      weekday: [1, 1, 1, 1, 1, 1, 1],
      noise: 0,
      dataLatencyHours: 8,
      pageSize: 1000,
      spikes: [],
    });
  });

  it("names a spike's unknown pool and the cluster's pools", () => {
    const bad = () =>
      parseFleetYaml(
        testFleetYaml(`costs:
  spikes: [ { cluster: alpha, day: "2026-11-21", factor: 2, pools: [batch] } ]
`),
      );
    expect(bad).toThrow(FleetFileError);
    expect(bad).toThrow(/costs\.spikes\[0\]\.pools\[0\]: "batch" is not a pool of alpha \(system, apps\)/);
  });

  it("wants seven weekday factors and a YYYY-MM-DD spike day", () => {
    expect(() => parseFleetYaml(testFleetYaml(`costs: { weekday: [1, 1] }\n`))).toThrow(
      /costs\.weekday.*seven factors, Monday first/,
    );
    expect(() =>
      parseFleetYaml(
        testFleetYaml(`costs: { spikes: [ { cluster: alpha, day: "21.11.2026", factor: 2 } ] }\n`),
      ),
    ).toThrow(/costs\.spikes\.0\.day|costs\.spikes\[0\]\.day/);
  });
});
