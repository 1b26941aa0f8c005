import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  auditEvents,
  clusterPuts,
  rollout,
  rolloutReaches,
  startStack,
  type RolloutView,
  type Stack,
} from "../helpers/stack.js";
import { fleetYaml, insideWindow, ONCALL, policyYaml, RING_OF } from "./fixtures.js";

/**
 * Journey A, through the local host and the simulator: Kubernetes 1.30.5 and 1.31.2 are released together.
 * The patch rolls out dev → staging → prod inside every window, with soak and gates between rings; a drain
 * failure in staging is retried and succeeds; prod's approval is granted through the API. The minor waits
 * for an approval nobody gives and is rejected on timeout. Checks read the simulator's records.
 */
const PATCH = "rollout:e2e:kubernetes:1.30.5";
const MINOR = "rollout:e2e:kubernetes:1.31.2:minor";

describe("e2e: a patch rollout across rings", () => {
  let stack: Stack;
  let approvedAt = "";
  let final: RolloutView;

  beforeAll(async () => {
    stack = await startStack({
      speed: 8000,
      fleetYaml: fleetYaml({
        speed: 8000,
        releases: `  kubernetes:
    - { version: 1.30.5, regions: [westeurope, northeurope], at: "2026-11-23T00:30:00Z" }
    - { version: 1.31.2, regions: [westeurope, northeurope], at: "2026-11-23T00:30:00Z" }
  nodeImages: []`,
        faults: "  - { cluster: stg-1, pool: apps, on: upgrade, error: PodDrainFailure, times: 1 }",
        extra: `alerts:
  - { cluster: stg-1, rule: disk-pressure, severity: Sev3, at: "2026-11-23T12:00:00Z", minutes: 180 }`,
      }),
      policyYaml: policyYaml(),
    });
    // On-call approves prod when asked (the approval email carries this call).
    const waiting = await rolloutReaches(
      stack,
      PATCH,
      (r) => r.state === "waiting-approval" && r.ring === "prod",
      "waiting for prod approval",
      90_000,
    );
    expect(waiting.status?.approval?.ring).toBe("prod");
    const early = await stack.api(`/api/rollouts/${encodeURIComponent(PATCH)}/approve?ring=staging`, {
      method: "POST",
    });
    expect(early.status).toBe(409);
    const answer = await stack.api(`/api/rollouts/${encodeURIComponent(PATCH)}/approve?ring=prod`, {
      method: "POST",
      body: JSON.stringify({ by: "alice" }),
    });
    expect(answer.status).toBe(202);
    approvedAt = stack.now();
    final = await rolloutReaches(stack, PATCH, (r) => r.runtimeStatus === "Completed", "completed", 90_000);
    // The completion goes out with its digest slot.
    await stack.until("the completion email", () =>
      stack.emails().some((e) => e.text.includes("Rollout completed: Kubernetes 1.30.5")) ? true : undefined,
    );
  }, 240_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it("upgrades every cluster to 1.30.5, one PUT each (the drain retry re-PUTs stg-1 once)", () => {
    const clusters = stack.sim.world.clusters;
    for (const c of clusters) {
      expect(c.currentKubernetesVersion, c.name).toBe("1.30.5");
      for (const p of c.pools) expect(p.currentOrchestratorVersion, `${c.name}/${p.name}`).toBe("1.30.5");
    }
    const puts = clusterPuts(stack);
    expect(Object.fromEntries(puts)).toEqual({
      "dev-1": 1,
      "dev-2": 1,
      "stg-1": 2,
      "prod-1": 1,
      "prod-2": 1,
    });
    expect(final.output).toMatchObject({ outcome: "completed" });
  });

  it("runs every operation inside its ring's window", () => {
    const ops = stack.operations();
    expect(ops.length).toBeGreaterThanOrEqual(5 * 2);
    for (const op of ops)
      expect(
        insideWindow(RING_OF[op.cluster]!, op.start, op.end!),
        `${op.cluster} ${op.kind} ${op.start}–${op.end}`,
      ).toBe(true);
  });

  it("starts each ring only after the previous ring's soak, and prod only after the approval", () => {
    const ops = stack.operations();
    const span = (ring: string) => {
      const mine = ops.filter((o) => RING_OF[o.cluster] === ring);
      return {
        first: mine.map((o) => o.start).sort()[0]!,
        last: mine
          .map((o) => o.end!)
          .sort()
          .at(-1)!,
      };
    };
    const dev = span("dev");
    const staging = span("staging");
    const prod = span("prod");
    const soakMs = 2 * 3_600_000;
    expect(Date.parse(staging.first)).toBeGreaterThanOrEqual(Date.parse(dev.last) + soakMs);
    expect(Date.parse(prod.first)).toBeGreaterThanOrEqual(Date.parse(staging.last) + soakMs);
    expect(prod.first > approvedAt).toBe(true);
    // Concurrency cap 1 per subscription-region: prod-1 and prod-2 (both westeurope) never overlap.
    const p1 = ops.filter((o) => o.cluster === "prod-1");
    const p2 = ops.filter((o) => o.cluster === "prod-2");
    const end1 = p1
      .map((o) => o.end!)
      .sort()
      .at(-1)!;
    const end2 = p2
      .map((o) => o.end!)
      .sort()
      .at(-1)!;
    const start1 = p1.map((o) => o.start).sort()[0]!;
    const start2 = p2.map((o) => o.start).sort()[0]!;
    expect(start2 >= end1 || start1 >= end2).toBe(true);
  });

  it("retries the failed drain within the window and succeeds", () => {
    const apps = stack.operations().filter((o) => o.cluster === "stg-1" && o.pool === "apps");
    expect(apps.map((o) => o.result)).toEqual(["Failed", "Succeeded"]);
    expect(apps[0]!.error?.code).toBe("PodDrainFailure");
    const staging = final.rings.find((r) => r.name === "staging")!;
    expect(staging.clusters["stg-1"]!.status).toBe("succeeded");
  });

  it("keeps the evidence of each gate in the rollout's status", () => {
    const staging = final.rings.find((r) => r.name === "staging")!;
    const gates = Object.fromEntries((staging.gates ?? []).map((g) => [g.kind, g]));
    expect(gates.provisioningState?.passed).toBe(true);
    expect(gates.nodePoolEvents?.passed).toBe(true);
    expect(gates.azureMonitorAlerts?.passed).toBe(true);
    // The Sev3 alert fired on stg-1 during the soak: seen, recorded, not blocking.
    expect(gates.azureMonitorAlerts?.evidence.join("\n")).toMatch(
      /stg-1: disk-pressure \(Sev3, Fired\).*not blocking/,
    );
    expect(gates.provisioningState?.evidence).toEqual(["stg-1: Succeeded"]);
    const dev = final.rings.find((r) => r.name === "dev")!;
    expect(dev.gates?.map((g) => g.kind)).toEqual(["provisioningState", "nodePoolEvents"]);
  });

  it("rejects the minor on approval timeout, and nothing runs 1.31", async () => {
    const minor = await rollout(stack, MINOR);
    expect(minor?.runtimeStatus).toBe("Completed");
    expect(minor?.output).toMatchObject({ outcome: "rejected" });
    expect(minor?.status?.approval?.result).toBe("timed out: reject");
    expect(stack.operations().some((o) => o.target.startsWith("1.31"))).toBe(false);
  });

  it("audits one CloudEvent per lifecycle transition of each rollout (issue 12)", () => {
    const all = auditEvents(stack);
    expect(new Set(all.map((e) => e.id)).size).toBe(all.length);
    const of = (rolloutId: string) => {
      const source = `/ringmaster/rollouts/${encodeURIComponent(rolloutId)}`;
      const mine = all.filter((e) => e.source === source);
      const types = mine.map((e) => String(e.type).replace("com.ringmaster.", ""));
      const count = (t: string) => types.filter((x) => x === t).length;
      const names = (t: string) =>
        mine
          .filter((e) => e.type === `com.ringmaster.${t}`)
          .map((e) => String(e.subject).split("/").at(-1))
          .sort();
      const data = (t: string) =>
        mine.filter((e) => e.type === `com.ringmaster.${t}`).map((e) => e.data as Record<string, unknown>);
      return { mine, count, names, data };
    };
    const patch = of(PATCH);
    expect(patch.count("rollout.started")).toBe(1);
    expect(patch.data("ring.started").map((d) => d.ring)).toEqual(["dev", "staging", "prod"]);
    const every = Object.keys(RING_OF)
      .filter((n) => stack.sim.world.clusters.some((c) => c.name === n))
      .sort();
    expect(patch.names("cluster.started")).toEqual(every);
    expect(patch.names("cluster.succeeded")).toEqual(every);
    expect(patch.count("cluster.failed")).toBe(0);
    expect(patch.data("approval.approved")).toEqual([
      expect.objectContaining({
        ring: "prod",
        by: "alice",
        actor: { name: "alice", id: "alice", via: "key" },
      }),
    ]);
    expect(patch.data("rollout.completed")).toEqual([expect.objectContaining({ outcome: "completed" })]);
    expect(patch.mine).toHaveLength(1 + 3 + 2 * every.length + 1 + 1);
    // Cluster events name their cluster; the approval is timed by the orchestration, after it was asked.
    for (const e of patch.mine.filter((x) => String(x.type).includes(".cluster.")))
      expect(String(e.subject)).toMatch(/^\/subscriptions\/.+\/managedClusters\/[^/]+$/);
    const approved = patch.mine.find((e) => e.type === "com.ringmaster.approval.approved")!;
    // Taken by the orchestration when the answer reached it: within a simulated second of the API's 202
    // (on the discrete clock, a few simulated ms after it; never an episode's later replay time).
    expect(
      Math.abs(Date.parse(String(approved.time)) - Date.parse(approvedAt)),
      `${String(approved.time)} vs ${approvedAt}`,
    ).toBeLessThan(1000);

    const minor = of(MINOR);
    expect(minor.count("rollout.started")).toBe(1);
    expect(minor.data("approval.rejected")).toEqual([
      expect.objectContaining({ ring: "rollout", how: "timed out" }),
    ]);
    expect(minor.data("rollout.completed")).toEqual([expect.objectContaining({ outcome: "rejected" })]);
    expect(minor.mine).toHaveLength(3);
  });

  it("tells on-call: forecast, approval requests with one-click links and when the target became available, completion — as digests", () => {
    const emails = stack.emails();
    const all = emails.map((e) => `${e.subject}\n${e.text}`).join("\n---\n");
    for (const e of emails) expect(e.to).toEqual([ONCALL]);
    expect(all).toMatch(/Forecast: Kubernetes 1\.30\.5/);
    const prodApproval = emails.find((e) =>
      /Approval needed: Kubernetes 1\.30\.5 for ring prod/.test(e.subject),
    );
    // A signed one-click link to the confirmation page, not the API call (test/browser/ follows it).
    expect(prodApproval?.text).toMatch(
      /Approve: http:\/\/\S+\/api\/act\?link=[\w.-]+ \(opens a page to confirm/,
    );
    expect(`${prodApproval?.text}${prodApproval?.html}`).not.toContain("curl");
    expect(prodApproval?.text).toMatch(
      /available in every region of this ring's clusters \(westeurope\) as of/,
    );
    expect(prodApproval?.html).not.toMatch(/<script/i);
    expect(all).toMatch(/Approval needed: Kubernetes 1\.31\.2/);
    expect(all).toMatch(/Rollout rejected: Kubernetes 1\.31\.2/);
    expect(all).toMatch(/Rollout completed: Kubernetes 1\.30\.5/);
    // Digests: far fewer emails than messages, and inside the quota.
    expect(emails.length).toBeLessThanOrEqual(8);
  });
});
