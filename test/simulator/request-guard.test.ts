import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { virtualClock } from "../../src/clock/clock.js";
import { parseFleetYaml } from "../../src/simulator/load-fleet.js";
import { Simulator } from "../../src/simulator/server.js";
import { clusterIdOf, testFleetYaml } from "../helpers/simulator.js";

describe("Simulator: browser requests and file writes", () => {
  let sim: Simulator;
  let stateDir: string;
  beforeAll(async () => {
    stateDir = mkdtempSync(join(tmpdir(), "rm-sim-state-"));
    const fleet = parseFleetYaml(testFleetYaml());
    const clock = virtualClock({ virtualStart: Date.parse(fleet.clock.start), speed: fleet.clock.speed });
    sim = await Simulator.start({ fleet, clock, stateDir });
  });
  afterAll(async () => {
    await sim.stop();
    rmSync(stateDir, { recursive: true, force: true });
  });
  const alpha = `${clusterIdOf("rg", "alpha")}?api-version=2026-06-01`;

  it("refuses a request with a foreign Origin, even an empty text/plain POST", async () => {
    const res = await fetch(`${sim.url}/_sim/summary?file=x.json`, {
      method: "POST",
      headers: { Origin: "http://evil.example", "Content-Type": "text/plain" },
    });
    expect(res.status).toBe(403);
    expect(existsSync(join(stateDir, "x.json"))).toBe(false);
    const own = await fetch(`${sim.url}/_sim/clock`, { headers: { Origin: sim.url } });
    expect(own.status).toBe(200);
  });

  it("requires Content-Type: application/json on a write with a body", async () => {
    const put = (type: string) =>
      fetch(`${sim.url}${alpha}`, {
        method: "PUT",
        headers: { Authorization: "Bearer t", "Content-Type": type },
        body: JSON.stringify({ properties: {} }),
      });
    const plain = await put("text/plain");
    expect(plain.status).toBe(415);
    expect(((await plain.json()) as { error: { code: string } }).error.code).toBe("UnsupportedMediaType");
    expect((await put("application/json")).status).not.toBe(415);
  });

  it("writes the summary file only inside its state directory", async () => {
    // An absolute path outside the state directory (in the machine's temp folder, wherever that is).
    const outside = join(tmpdir(), "rm-escaped.json");
    for (const escape of ["../escaped.json", outside, "a/../../escaped.json", "."]) {
      const res = await fetch(`${sim.url}/_sim/summary?file=${encodeURIComponent(escape)}`, {
        method: "POST",
      });
      expect(res.status).toBe(400);
    }
    expect(existsSync(join(stateDir, "..", "escaped.json"))).toBe(false);
    expect(existsSync(outside)).toBe(false);
    const ok = await fetch(`${sim.url}/_sim/summary?file=summary.json`, { method: "POST" });
    expect(ok.status).toBe(200);
    expect(JSON.parse(readFileSync(join(stateDir, "summary.json"), "utf8"))).toEqual(await ok.json());
  });
});
