import { describe, expect, it } from "vitest";
import type { ClusterWorkflowStatus } from "../../../src/contracts/rollout-status.js";
import type { ClusterUpgradeInput } from "../../../src/contracts/workflow-inputs.js";
import { clusterUpgradeWorkflow, rollingProgress } from "../../../src/workflows/cluster-upgrade.js";
import type { Ctx } from "../../../src/workflows/call.js";

/**
 * AKS's NodePoolRolling* events feed a cluster's upgrade progress: the cluster workflow shows, in its own
 * custom status, how many of the pools it moves AKS reported rolled and the last event, as the events
 * arrive. Events stay hints: a Succeeded event leads to a check of the operation with ARM, and the
 * workflow ends only on ARM's answer. Driven here as the Durable runtime drives a generator: each yielded
 * task is answered in order, so the test is the replay.
 */
const CLUSTER =
  "/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/alpha";
const T0 = Date.parse("2026-11-23T01:00:00Z");

const INPUT: ClusterUpgradeInput = {
  rolloutId: "rollout:p:kubernetes:1.30.5",
  runId: "run-1",
  ring: "dev",
  clusterId: CLUSTER,
  name: "alpha",
  bucket: "11111111-1111-1111-1111-111111111111|westeurope",
  kind: "kubernetes",
  target: "1.30.5",
  pinnedImages: {},
  durationMs: 3_600_000,
  window: null,
  blocked: [],
  notBefore: T0,
  horizonEnd: T0 + 7 * 86_400_000,
  retries: { attempts: 1, delayMs: 60_000 },
  slowPollMs: 600_000,
};

type Task =
  | { kind: "activity"; name: string; input: unknown }
  | { kind: "timer"; at: number; cancel(): void }
  | { kind: "event"; name: string; result?: unknown }
  | { kind: "any"; tasks: Task[] };

function fakeCtx(statuses: ClusterWorkflowStatus[]) {
  let now = T0;
  const ctx = {
    df: {
      getInput: () => INPUT,
      get currentUtcDateTime() {
        return new Date(now);
      },
      isReplaying: false,
      setCustomStatus: (s: ClusterWorkflowStatus) => statuses.push(structuredClone(s)),
      callActivity: (name: string, input: unknown): Task => ({ kind: "activity", name, input }),
      callActivityWithRetry: (name: string, _retry: unknown, input: unknown): Task => ({
        kind: "activity",
        name,
        input,
      }),
      createTimer: (at: Date): Task => ({ kind: "timer", at: at.getTime(), cancel: () => undefined }),
      waitForExternalEvent: (name: string): Task => ({ kind: "event", name }),
      Task: { any: (tasks: Task[]): Task => ({ kind: "any", tasks }) },
    },
    error: () => undefined,
  };
  return { ctx: ctx as unknown as Ctx, advance: (ms: number) => (now += ms) };
}

const rolling = (phase: string, pool: string, n: number) => ({
  phase,
  nodePoolName: pool,
  time: new Date(T0 + n * 60_000).toISOString(),
  eventKey: `NodePoolRolling${phase}:${pool}:${n}`,
});

describe("Workflow: a cluster's upgrade progress from NodePoolRolling* events", () => {
  it("shows pools rolled of the pools it moves as events arrive, and ends only on ARM's answer", () => {
    const statuses: ClusterWorkflowStatus[] = [];
    const { ctx, advance } = fakeCtx(statuses);
    const gen = clusterUpgradeWorkflow(ctx);
    // The events AKS sends during the operation, one per wait (a duplicate delivery included).
    const events = [
      rolling("Started", "system", 1),
      rolling("Succeeded", "system", 2),
      rolling("Succeeded", "system", 2),
      rolling("Started", "apps", 3),
      rolling("Succeeded", "apps", 4),
    ];
    const checks: string[] = [];
    let answer: unknown = undefined;
    for (let step = 0; step < 100; step++) {
      const next = gen.next(answer);
      if (next.done) {
        expect(next.value).toMatchObject({ status: "succeeded", poolEvents: expect.any(Array) });
        expect(next.value.poolEvents.map((e) => `${e.pool}:${e.phase}`)).toEqual([
          "system:Started",
          "system:Succeeded",
          "apps:Started",
          "apps:Succeeded",
        ]);
        break;
      }
      const task = next.value as unknown as Task;
      if (task.kind === "activity") {
        answer = activityAnswer(task, checks, events.length === 0);
      } else if (task.kind === "any") {
        const event = task.tasks.find((t) => t.kind === "event");
        const e = events.shift();
        if (event && e) {
          advance(60_000);
          (event as { result?: unknown }).result = e;
          answer = event;
        } else {
          const timer = task.tasks.find((t) => t.kind === "timer")!;
          answer = timer;
        }
      } else answer = undefined;
    }
    // ARM was asked after each end of rolling (the duplicate is heard once), never after a start.
    expect(checks).toEqual(["running", "succeeded"]);
    const progress = statuses.filter((s) => s.progress).map((s) => s.progress!);
    expect(progress.map((p) => `${p.rolled}/${p.of} ${p.pool} ${p.phase}`)).toEqual([
      "0/2 system Started",
      "1/2 system Succeeded",
      "1/2 apps Started",
      "2/2 apps Succeeded",
    ]);
    expect(statuses.filter((s) => s.progress).every((s) => s.phase === "upgrading")).toBe(true);
  });

  it("counts only pools the upgrade moves, once each", () => {
    const e = (pool: string, phase: string) => ({ pool, phase, time: "t" });
    expect(
      rollingProgress(
        ["a", "b"],
        [e("a", "Succeeded"), e("a", "Succeeded"), e("x", "Succeeded"), e("b", "Failed")],
      ),
    ).toEqual({ rolled: 1, of: 2, pool: "b", phase: "Failed", time: "t" });
  });
});

/** What each activity answers: a cluster with two pools behind, an operation ARM reports done at the end. */
function activityAnswer(
  task: { name: string; input: unknown },
  checks: string[],
  allEventsSent: boolean,
): unknown {
  switch (task.name) {
    case "preflight":
      return {
        ok: true,
        cluster: {},
        pools: [
          { pool: "system", from: "1.30.4", to: "1.30.5" },
          { pool: "apps", from: "1.30.4", to: "1.30.5" },
        ],
        skippedPools: [],
      };
    case "startUpgrade":
      return { ok: true, handle: { kind: "cluster", clusterId: CLUSTER, token: "t" } };
    case "checkOperation": {
      const status = allEventsSent ? "succeeded" : "running";
      checks.push(status);
      return { done: status === "succeeded", status };
    }
    case "inspectCluster":
      return {
        name: "alpha",
        provisioningState: "Succeeded",
        currentKubernetesVersion: "1.30.5",
        pools: [
          { name: "system", currentOrchestratorVersion: "1.30.5", nodeImageVersion: "img" },
          { name: "apps", currentOrchestratorVersion: "1.30.5", nodeImageVersion: "img" },
        ],
      };
    default:
      return { ok: true };
  }
}
