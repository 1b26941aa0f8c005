import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { virtualClock } from "../../src/clock/clock.js";
import { etag } from "../../src/simulator/aks-state.js";
import { parseFleetYaml } from "../../src/simulator/load-fleet.js";
import { restoreWorld, snapshotWorld, WorldSnapshotSchema } from "../../src/simulator/world-snapshot.js";
import { WorldStateError, WorldStore } from "../../src/simulator/world-store.js";
import { World } from "../../src/simulator/world.js";
import { testFleetYaml } from "../helpers/simulator.js";

/** The saved world is the world: saving, reading back and restoring loses nothing a restart needs. */
const fleet = parseFleetYaml(
  testFleetYaml(
    "faults:\n  - { cluster: alpha, pool: apps, on: upgrade, error: PodDrainFailure, times: 2 }\neventGrid: { deliverTo: 'http://127.0.0.1:9/never' }\n",
  ),
);
const dir = mkdtempSync(join(tmpdir(), "rm-world-"));
const worlds: World[] = [];
afterAll(() => {
  for (const w of worlds) w.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** A world on a clock that barely moves (1x), so nothing fires while the test looks at it. */
function world(at = Date.parse("2026-11-23T00:00:00Z")): World {
  const w = new World(fleet, virtualClock({ virtualStart: at, speed: 1 }));
  worlds.push(w);
  return w;
}

function busyWorld(): World {
  const w = world();
  w.start();
  const alpha = w.clusters.find((c) => c.name === "alpha")!;
  alpha.tags.ring = "dev";
  w.operations.startUpgrade(
    alpha,
    "1.30.5",
    new Map([
      ["system", "1.30.5"],
      ["apps", "1.30.5"],
    ]),
  );
  w.emitClusterEvent(alpha, "Microsoft.ContainerService.NewKubernetesVersionAvailable", { x: 1 });
  w.records.count("arm:reads");
  w.records.countCluster("alpha", "polls");
  return w;
}

describe("world snapshots", () => {
  it("round-trip through JSON and the schema to an identical world", () => {
    const before = busyWorld();
    const saved = WorldSnapshotSchema.parse(JSON.parse(JSON.stringify(snapshotWorld(before))));
    const after = world(saved.now);
    restoreWorld(after, saved);
    after.start();
    const again = snapshotWorld(after);
    expect({ ...again, now: 0 }).toEqual({ ...snapshotWorld(before), now: 0 });
    // What matters, spelled out: the operation is still running, with the same step end, and armed.
    const [op] = [...after.operations.all.values()];
    expect(op?.status).toBe("InProgress");
    expect(op?.stepDue).toBe([...before.operations.all.values()][0]?.stepDue);
    expect(op?.timer?.at).toBe(op?.stepDue);
    expect(after.clusters.find((c) => c.name === "alpha")?.runningOperation).toBe(op?.id);
    expect(after.clusters.find((c) => c.name === "alpha")?.tags.ring).toBe("dev");
    expect(again.events.pending.map((p) => p.event.id)).toEqual(
      snapshotWorld(before).events.pending.map((p) => p.event.id),
    );
    expect(after.availableVersions("westeurope")).toContain("1.31.2");
  });

  it("never hand out an eTag the saved world already gave", () => {
    const saved = snapshotWorld(busyWorld());
    const ahead = '"000fffff-0000-0000-0000-000000000000"';
    const after = world(saved.now);
    restoreWorld(after, { ...saved, clusters: saved.clusters.map((c) => ({ ...c, eTag: ahead })) });
    expect(etag() > ahead).toBe(true);
  });

  it("are written atomically to the state directory and read back; another fleet's state is refused", () => {
    const store = new WorldStore(join(dir, "sim"));
    expect(store.load(fleet)).toBeUndefined();
    const w = busyWorld();
    store.attach(w);
    store.stop();
    expect(readdirSync(join(dir, "sim")).sort()).toEqual(["clock.json", "world.json"]);
    const saved = new WorldStore(join(dir, "sim")).load(fleet);
    expect(saved?.snapshot.operations).toHaveLength(1);
    expect(saved?.resumeAt).toBeGreaterThanOrEqual(Date.parse("2026-11-23T00:00:00Z"));
    const other = parseFleetYaml(testFleetYaml().replace("speed: 60000", "speed: 1000"));
    expect(() => new WorldStore(join(dir, "sim")).load(other)).toThrow(WorldStateError);
    expect(() => new WorldStore(join(dir, "sim")).load(other)).toThrow(/different fleet file/);
  });
});
