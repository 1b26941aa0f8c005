import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rolloutReaches, startStack, type Stack } from "../helpers/stack.js";
import { IMAGE_0, ONCALL, SUB } from "./fixtures.js";

/**
 * Issue 13: a cluster whose only window is a Microsoft.Maintenance assignment to the AKS public
 * configuration `aks-mrp-cfg-weekend_utc-5` is upgraded only inside Friday–Sunday 22:00→06:00 at UTC−5, and
 * the forecast email lists it as legacy. Through the local host and the simulator on the discrete clock; the
 * check below reads the simulator's operation records with its own clock arithmetic (not the app's windows).
 * A cluster with an AKS-native daily window takes the patch on Monday, so the wait is the assignment's doing.
 */
const ROLLOUT = "rollout:legacy:kubernetes:1.30.5";
const HOUR = 3_600_000;

function fleet(): string {
  const pools = `[{ name: system, mode: System, count: 2, nodeImageVersion: ${IMAGE_0} }]`;
  return `apiVersion: ringmaster/v1
kind: SimulatedAzure
clock: { start: "2026-11-23T00:00:00Z", speed: 8000 }
timing: { controlPlaneMinutes: 10, perNodeMinutes: 5 }
subscriptions:
  - id: ${SUB}
    name: e2e
    clusters:
      - name: legacy-1
        resourceGroup: rg-legacy
        location: westeurope
        kubernetesVersion: 1.30.4
        tags: { env: dev }
        maintenanceAssignments:
          - { name: weekend, configuration: aks-mrp-cfg-weekend_utc-5 }
        nodePools: ${pools}
      - name: native-1
        resourceGroup: rg-legacy
        location: westeurope
        kubernetesVersion: 1.30.4
        tags: { env: dev }
        maintenanceConfigurations:
          aksManagedAutoUpgradeSchedule:
            maintenanceWindow: { schedule: { daily: { intervalDays: 1 } }, startTime: "13:00", durationHours: 6, utcOffset: "+00:00" }
        nodePools: ${pools}
releases:
  kubernetes:
    - { version: 1.30.5, regions: [westeurope], at: "2026-11-23T12:00:00Z" }
  nodeImages: []
`;
}

const POLICY = `apiVersion: ringmaster/v1
kind: RolloutPolicy
metadata: { name: legacy }
spec:
  versions: { patch: auto, minor: approval }
  manageWindows: false
  estimates: { controlPlaneMinutes: 10, perNodeMinutes: 5 }
  defaults:
    soak: PT1H
    failureBudget: 0
    maxConcurrentPerSubscriptionRegion: 2
    gates: [provisioningState]
  rings:
    - name: dev
      selector: { tags: { env: dev } }
  onCall:
    platform: { email: ["${ONCALL}"] }
  notifications: { from: "ringmaster@e2e.example", digest: PT30M }
`;

/** Inside Fri–Sun 22:00 → next day 06:00 at UTC−5, by clock reading (the night belongs to its start day). */
function insideWeekendMinus5(instant: number): boolean {
  const local = new Date(instant - 5 * HOUR);
  const hour = local.getUTCHours();
  const day = local.getUTCDay();
  const starts = [5, 6, 0];
  return hour >= 22 ? starts.includes(day) : hour < 6 ? starts.includes((day + 6) % 7) : false;
}

describe("e2e: a Microsoft.Maintenance public-configuration assignment is honoured", () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ speed: 8000, fleetYaml: fleet(), policyYaml: POLICY });
    await rolloutReaches(stack, ROLLOUT, (r) => r.runtimeStatus === "Completed", "completed", 180_000);
  }, 240_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it("upgrades legacy-1 only inside Fri–Sun 22:00→06:00 at UTC−5; native-1 in its own window on Monday", () => {
    const ops = stack.operations().filter((o) => o.cluster === "legacy-1");
    expect(ops.length).toBeGreaterThan(0);
    for (const op of ops) {
      expect(op.result, `${op.kind}`).toBe("Succeeded");
      // Every operation starts and ends inside one window (start, end and each minute between).
      for (let t = Date.parse(op.start); t < Date.parse(op.end!); t += 60_000)
        expect(
          insideWeekendMinus5(t),
          `${op.kind} ${op.start}–${op.end} at ${new Date(t).toISOString()}`,
        ).toBe(true);
    }
    // Released Monday 12:00Z = 07:00 at UTC−5, an hour after Sunday's night closed (22:00 → Monday 06:00
    // local: a night belongs to the day it starts). Monday to Thursday nights are not the weekend's, so the
    // next window is Friday 2026-11-27 22:00 at UTC−5 = Saturday 03:00Z.
    const first = ops.map((o) => o.start).sort()[0]!;
    expect(Date.parse(first)).toBeGreaterThanOrEqual(Date.parse("2026-11-28T03:00:00Z"));
    expect(Date.parse(first)).toBeLessThan(Date.parse("2026-11-28T11:00:00Z"));
    const legacy = stack.sim.world.clusters.find((c) => c.name === "legacy-1")!;
    expect(legacy.currentKubernetesVersion).toBe("1.30.5");
    const native = stack.operations().filter((o) => o.cluster === "native-1");
    const nativeFirst = native.map((o) => o.start).sort()[0]!;
    expect(nativeFirst >= "2026-11-23T13:00:00.000Z" && nativeFirst < "2026-11-23T19:00:00.000Z").toBe(true);
  });

  it("lists legacy-1 as legacy in the forecast email, with the configuration that governs it", () => {
    const forecast = stack.emails().find((e) => e.text.includes("Forecast: Kubernetes 1.30.5"));
    expect(forecast, "the forecast email").toBeDefined();
    expect(forecast!.text).toContain(
      "Legacy: legacy-1: aks-mrp-cfg-weekend_utc-5 (its window governs this cluster's upgrades)",
    );
    expect(forecast!.text).toContain("ringmaster windows migrate");
    expect(forecast!.text).not.toMatch(/Legacy: native-1/);
    expect(forecast!.html).toContain("aks-mrp-cfg-weekend_utc-5");
  });
});
