import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  auditEvents,
  rollout,
  rolloutReaches,
  startStack,
  type RolloutView,
  type Stack,
} from "../helpers/stack.js";
import { fleetYaml, policyYaml, SUB, WINDOWS } from "./fixtures.js";

/**
 * Issue 13, the Fleet executor, through the local host and the simulator on the discrete clock: with
 * `executor: fleet` the 1.30.5 rollout is one Fleet update run (dev → staging → prod) that Ringmaster
 * creates, starts and watches. dev-2 fails in dev three times (within dev's budget of 1): Fleet fails the
 * run, Ringmaster reruns dev-2 in follow-up runs while the policy's two retries last, then goes on without it; staging's health gate is answered by Ringmaster with
 * its evidence; prod's approval is answered through Ringmaster's API. A retry through the API runs dev-2
 * again with the same version. Then 1.30.6's prod approval is not answered: it expires and the run stops.
 */
const HUB = `/subscriptions/${SUB}/resourceGroups/rg-fleet/providers/Microsoft.ContainerService/fleets/hub`;
const PATCH = "rollout:e2e:kubernetes:1.30.5";
const NEXT = "rollout:e2e:kubernetes:1.30.6";
const enc = encodeURIComponent;

describe("e2e: a rollout carried out by one Fleet Manager update run", () => {
  let stack: Stack;
  let done: RolloutView;
  let retried: RolloutView;
  let expired: RolloutView;

  beforeAll(async () => {
    stack = await startStack({
      speed: 8000,
      fleetYaml: fleetYaml({
        speed: 8000,
        releases: `  kubernetes:
    - { version: 1.30.5, regions: [westeurope, northeurope], at: "2026-11-23T00:30:00Z" }
    - { version: 1.30.6, regions: [westeurope, northeurope], at: "2026-11-25T00:30:00Z" }
  nodeImages: []`,
        faults: "  - { cluster: dev-2, pool: system, on: upgrade, error: UpgradeFailed, times: 3 }",
        extra: `fleets:
  - subscription: ${SUB}
    resourceGroup: rg-fleet
    name: hub
    members: [{ cluster: dev-1 }, { cluster: dev-2 }, { cluster: stg-1 }, { cluster: prod-1 }, { cluster: prod-2 }]`,
      }),
      policyYaml: policyYaml({ devBudget: 1 }).replace(
        "  manageWindows: true\n",
        `  manageWindows: true\n  executor: fleet\n  fleet: { resourceId: ${HUB} }\n`,
      ),
    });
    const waiting = await rolloutReaches(
      stack,
      PATCH,
      (r) => r.state === "waiting-approval" && r.ring === "prod",
      "waiting for prod's approval (a Fleet before-stage gate)",
      120_000,
    );
    // The first run, two reruns of dev-2 (the policy's retries), then staging and prod without it.
    expect(waiting.status?.fleet?.runs.map((r) => r.mode)).toEqual([
      "plan",
      "continue",
      "continue",
      "continue",
    ]);
    const answer = await stack.api(`/api/rollouts/${enc(PATCH)}/approve?ring=prod`, {
      method: "POST",
      body: JSON.stringify({ by: "alice" }),
    });
    expect(answer.status).toBe(202);
    done = await rolloutReaches(stack, PATCH, (r) => r.runtimeStatus === "Completed", "completed", 120_000);
    const retry = await stack.api(`/api/rollouts/${enc(PATCH)}/retry`, {
      method: "POST",
      body: JSON.stringify({ by: "bob" }),
    });
    expect(retry.status, JSON.stringify(retry.body)).toBe(202);
    retried = await rolloutReaches(
      stack,
      PATCH,
      (r) => r.runtimeStatus === "Completed" && (r.status?.fleet?.runs.length ?? 0) === 5,
      "the retry run completed",
      120_000,
    );
    expired = await rolloutReaches(
      stack,
      NEXT,
      (r) => r.runtimeStatus === "Completed",
      "1.30.6 ended",
      120_000,
    );
  }, 400_000);

  afterAll(async () => {
    await stack?.stop();
  });

  const fleet = () => stack.sim.world.fleetManager.get(SUB, "rg-fleet", "hub")!;

  it("builds one run from the rings: stages in ring order, a group per subscription-region with the ring's cap", () => {
    const runs = [...fleet().runs.values()];
    const first = runs[0]!;
    const stages = first.properties.strategy!.stages;
    expect(stages.map((s) => s.name)).toEqual(["dev", "staging", "prod"]);
    expect(stages[0]!.groups!.map((g) => g.name).sort()).toEqual([
      `${runs[0]!.name}-dev-northeurope-${SUB.slice(0, 8)}`,
      `${runs[0]!.name}-dev-westeurope-${SUB.slice(0, 8)}`,
    ]);
    for (const s of stages) for (const g of s.groups!) expect(g.maxConcurrency).toBe("1");
    // Soak → after-stage wait (not after the last ring); approval → before gate; health → after gate.
    expect(stages.map((s) => s.afterStageWaitInSeconds ?? 0)).toEqual([7200, 7200, 0]);
    expect(stages[2]!.beforeGates?.[0]?.displayName).toBe(`Ringmaster approval for ring prod (${PATCH})`);
    expect(stages[1]!.afterGates?.[0]?.displayName).toBe(
      `Ringmaster health check for ring staging (${PATCH})`,
    );
    expect(first.properties.managedClusterUpdate.upgrade).toEqual({
      type: "Full",
      kubernetesVersion: "1.30.5",
    });
  });

  it("starts the run before the first window and Fleet upgrades members only inside their windows", () => {
    const first = [...fleet().runs.values()][0]!;
    expect(Date.parse(first.status.startTime!)).toBeLessThan(Date.parse("2026-11-23T02:00:00Z"));
    const ops = stack
      .operations()
      .filter((o) => o.kind === "kubernetesUpgrade" || o.kind === "controlPlaneUpgrade");
    expect(ops.length).toBeGreaterThan(0);
    const ringOf: Record<string, keyof typeof WINDOWS> = {
      "dev-1": "dev",
      "dev-2": "dev",
      "stg-1": "staging",
      "prod-1": "prod",
      "prod-2": "prod",
    };
    for (const op of ops) {
      const w = WINDOWS[ringOf[op.cluster]!];
      const hour = new Date(op.start).getUTCHours() + new Date(op.start).getUTCMinutes() / 60;
      expect(hour, `${op.cluster} started at ${op.start}`).toBeGreaterThanOrEqual(w.start);
      expect(hour, `${op.cluster} started at ${op.start}`).toBeLessThan(w.start + w.hours);
    }
  });

  it("answers staging's health gate itself, with the evidence recorded before the gate is completed", () => {
    const staging = done.status!.rings.find((r) => r.name === "staging")!;
    expect(staging.gates?.map((g) => [g.kind, g.passed])).toEqual([
      ["provisioningState", true],
      ["nodePoolEvents", true],
      ["azureMonitorAlerts", true],
    ]);
    expect(staging.gates![0]!.evidence.join(" ")).toContain("stg-1: Succeeded");
    const events = auditEvents(stack);
    const types = events.map((e) => `${String(e.type)}|${JSON.stringify(e.data)}`);
    const evaluated = types.findIndex((t) => t.includes("fleet.gate.evaluated") && t.includes("staging"));
    const approved = types.findIndex((t) => t.includes("fleet.gate.approved") && t.includes("staging"));
    expect(evaluated).toBeGreaterThanOrEqual(0);
    expect(approved).toBeGreaterThan(evaluated);
    const gate = [...fleet().gates.values()].find(
      (g) => g.properties.displayName === `Ringmaster health check for ring staging (${PATCH})`,
    )!;
    expect(gate.properties.state).toBe("Completed");
  });

  it("goes on past dev-2's failure within the budget, asks prod's approval, and retries dev-2 with the same version", () => {
    expect(done.status!.state).toBe("completed");
    const dev = done.status!.rings.find((r) => r.name === "dev")!;
    expect(dev.counts.failed).toBe(1);
    const runs = retried.status!.fleet!.runs;
    expect(runs.map((r) => r.mode)).toEqual(["plan", "continue", "continue", "continue", "retry"]);
    expect(runs[4]!.state).toBe("Completed");
    const retryRun = fleet().runs.get(runs[4]!.name)!;
    expect(retryRun.properties.managedClusterUpdate.upgrade.kubernetesVersion).toBe("1.30.5");
    expect(retryRun.stages.flatMap((s) => s.groups.flatMap((g) => g.members.map((m) => m.name)))).toEqual([
      "dev-2",
    ]);
    for (const c of stack.sim.world.clusters) {
      expect(["1.30.5", "1.30.6"], c.name).toContain(c.currentKubernetesVersion);
    }
    expect(
      stack.emails().some((e) => e.text.includes("Approval needed") || e.subject?.includes("prod")),
    ).toBe(true);
  });

  it("lets prod's approval of 1.30.6 expire: the run is stopped and prod keeps 1.30.5", () => {
    expect(expired.status!.state).toBe("rejected");
    expect(expired.status!.approval?.result).toContain("timed out");
    const run = fleet().runs.get(expired.status!.fleet!.runs.at(-1)!.name)!;
    expect(run.status.state).toBe("Stopped");
    for (const name of ["prod-1", "prod-2"])
      expect(stack.sim.world.clusters.find((c) => c.name === name)!.currentKubernetesVersion).toBe("1.30.5");
    expect(stack.sim.world.clusters.find((c) => c.name === "stg-1")!.currentKubernetesVersion).toBe("1.30.6");
  });

  it("lists the update runs in the simulator's summary (name, stages with groups and members, states, gates)", () => {
    const runs = stack.sim.world.summary().fleetUpdateRuns as {
      name: string;
      state: string;
      stages: {
        name: string;
        groups: { members: { name: string; state: string }[] }[];
        gates: { state: string }[];
      }[];
    }[];
    expect(runs.length).toBe(6);
    const first = runs[0]!;
    expect(first.stages.map((s) => s.name)).toEqual(["dev", "staging", "prod"]);
    expect(first.stages[0]!.groups.flatMap((g) => g.members.map((m) => m.name)).sort()).toEqual([
      "dev-1",
      "dev-2",
    ]);
    expect(runs.flatMap((r) => r.stages.flatMap((s) => s.gates.map((g) => g.state)))).toContain("Completed");
  });

  it("serves the Fleet runs in the rollout's status within Azure's custom status limit", async () => {
    const r = await rollout(stack, PATCH);
    expect(r?.statusError).toBeUndefined();
    expect(2 * JSON.stringify(r?.status).length).toBeLessThan(16 * 1024);
  });
});
