import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ActivityDeps } from "../../src/activities/deps.js";
import { windowOf } from "../../src/activities/inventory.js";
import { applyRingWindows } from "../../src/activities/windows.js";
import { parsePolicyYaml } from "../../src/config/policy.js";
import { windowsEndingAfter } from "../../src/domain/windows.js";
import { activityDeps } from "../helpers/activity-deps.js";
import { clusterIdOf, startSimulator, type SimHarness } from "../helpers/simulator.js";

/**
 * Window reconciliation with an interval above 1, through the real adapters against the simulator (which
 * fills `startDate` and `durationHours` as AKS does): Ringmaster writes the anchor, reads AKS's back, and a
 * `startDate` that moves AKS's grid is drift.
 */
const POLICY = `apiVersion: ringmaster/v1
kind: RolloutPolicy
metadata: { name: windows }
spec:
  manageWindows: true
  rings:
    - name: dev
      selector: { tags: { env: dev } }
      maintenanceWindow: { weekly: { dayOfWeek: Monday, intervalWeeks: 2 }, startTime: "01:00", timeZone: UTC }
`;

describe("Contract: ring windows with an interval, against the simulated AKS", () => {
  let h: SimHarness;
  let deps: ActivityDeps;
  const alpha = clusterIdOf("rg", "alpha");
  const CONFIG = "aksManagedAutoUpgradeSchedule";

  beforeAll(async () => {
    h = await startSimulator();
    deps = activityDeps(h, parsePolicyYaml(POLICY));
  });
  afterAll(() => h.stop());

  const stored = async () => (await h.aks.getMaintenanceConfiguration(alpha, CONFIG))?.maintenanceWindow;
  const isoDay = (d: Date | string | undefined) =>
    d === undefined ? undefined : typeof d === "string" ? d.slice(0, 10) : d.toISOString().slice(0, 10);

  it("writes an explicit startDate on Ringmaster's grid, and AKS's windows are Ringmaster's", async () => {
    const now = Date.parse("2026-11-23T12:00:00Z");
    const first = await applyRingWindows(deps, { kinds: ["kubernetes"], nowMs: now });
    expect(first.written.map((w) => w.cluster)).toEqual(["alpha"]);
    expect(first.written[0]!.now).toContain('"startDate":"2026-11-23"');
    expect(isoDay((await stored())?.startDate)).toBe("2026-11-23");
    expect((await stored())?.durationHours).toBe(24);
    // Read back the way inventory does: the same windows as the policy's.
    const read = windowOf(await h.aks.getMaintenanceConfiguration(alpha, CONFIG));
    expect(read?.kind).toBe("window");
    if (read?.kind !== "window") throw new Error("unreachable");
    const ringWindows = deps.policy().spec.rings[0]!.maintenanceWindow!;
    expect(ringWindows.startDate).toBeUndefined();
    const starts = windowsEndingAfter(read.spec, now, 3).map((w) => new Date(w.start).toISOString());
    // 24 hours (AKS's default duration) from Monday 01:00: today's window is still open at noon.
    expect(starts).toEqual([
      "2026-11-23T01:00:00.000Z",
      "2026-12-07T01:00:00.000Z",
      "2026-12-21T01:00:00.000Z",
    ]);

    const again = await applyRingWindows(deps, { kinds: ["kubernetes"], nowMs: now + 30 * 86_400_000 });
    expect(again.written).toEqual([]);
    expect(again.unchanged).toBe(1);
  });

  it("treats a startDate that moves AKS's grid as drift and writes it back", async () => {
    const w = (await stored())!;
    // Someone re-anchors the window one week later: AKS would now open in Ringmaster's closed weeks.
    await h.aks.putMaintenanceConfiguration(alpha, CONFIG, {
      maintenanceWindow: { ...w, startDate: new Date("2026-11-30T00:00:00Z") },
    });
    const now = Date.parse("2026-12-01T00:00:00Z");
    const fixed = await applyRingWindows(deps, { kinds: ["kubernetes"], nowMs: now });
    expect(fixed.written).toHaveLength(1);
    expect(fixed.written[0]!.was).toContain('"startDate":"2026-11-30"');
    expect(fixed.written[0]!.now).toContain('"startDate":"2026-11-23"');
    expect(isoDay((await stored())?.startDate)).toBe("2026-11-23");
  });
});
