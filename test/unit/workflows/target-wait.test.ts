import { describe, expect, it } from "vitest";
import type { PreparedRollout } from "../../../src/contracts/prepared-rollout.js";
import type { RolloutStatus } from "../../../src/contracts/rollout-status.js";
import { approvalMessage } from "../../../src/workflows/rollout-messages.js";
import { TARGET_RECHECK_MS, targetAvailable, type TargetSeen } from "../../../src/workflows/target-wait.js";
import type { Ctx } from "../../../src/workflows/call.js";

/**
 * AKS#5423: a ring's approval is requested only once its target is offered in every region of its
 * clusters; until then the rollout says which regions it waits for and looks again every six hours, and
 * the request says when the target was seen everywhere.
 */
const ID = "rollout:p:kubernetes:1.30.5";
const T0 = Date.parse("2026-12-04T06:00:00Z");

interface Yielded {
  kind: string;
  name?: string;
  input?: unknown;
  at?: number;
  tasks?: Yielded[];
  result?: unknown;
}

function fakeCtx(clock: { now: number }, statuses: unknown[]): Ctx {
  return {
    df: {
      instanceId: ID,
      get currentUtcDateTime() {
        return new Date(clock.now);
      },
      callActivityWithRetry: (name: string, _retry: unknown, input: unknown) => ({
        kind: "activity",
        name,
        input,
      }),
      waitForExternalEvent: (name: string) => ({ kind: "event", name }),
      createTimer: (d: Date) => ({ kind: "timer", at: d.getTime(), cancel() {} }),
      Task: { any: (tasks: Yielded[]) => ({ kind: "any", tasks }) },
      setCustomStatus: (s: unknown) => statuses.push(structuredClone(s)),
    },
  } as unknown as Ctx;
}

const prepared = {
  plan: {
    kind: "kubernetes",
    target: "1.30.5",
    rings: [
      { name: "prod", index: 2, lanes: 2, clusters: 3, scheduled: 3, firstStart: "2026-12-06T06:00:00.000Z" },
    ],
  },
  settings: { baseUrl: "https://rm.example.net" },
} as unknown as PreparedRollout;
const status = (): RolloutStatus => ({
  rollout: ID,
  policy: "p",
  kind: "kubernetes",
  target: "1.30.5",
  state: "running",
  ring: "prod",
  phase: "ring prod",
  rings: [],
});

describe("Workflow: approvals wait for the target to exist", () => {
  it("waits while a region of the ring lacks the target, saying which, then answers when it was seen", () => {
    const clock = { now: T0 };
    const statuses: unknown[] = [];
    const gen = targetAvailable(fakeCtx(clock, statuses), prepared, status(), "prod");
    let step = gen.next();
    const first = step.value as unknown as Yielded;
    expect(first).toMatchObject({
      kind: "activity",
      name: "targetAvailability",
      input: { laneIds: [`lane:${ID}@02:0000`, `lane:${ID}@02:0001`], target: "1.30.5" },
    });
    step = gen.next({ regions: ["eastus", "westeurope"], missing: ["eastus"] });
    expect(statuses.at(-1)).toMatchObject({ state: "approval-scheduled", ring: "prod" });
    expect((statuses.at(-1) as RolloutStatus).phase).toMatch(/waits for Kubernetes 1\.30\.5 in eastus/);
    const wait = step.value as unknown as Yielded;
    expect(wait.kind).toBe("any");
    const timer = wait.tasks!.find((t) => t.kind === "timer")!;
    expect(timer.at).toBe(T0 + TARGET_RECHECK_MS);
    clock.now = timer.at!;
    step = gen.next(timer);
    expect((step.value as unknown as Yielded).name).toBe("targetAvailability");
    step = gen.next({ regions: ["eastus", "westeurope"], missing: [] });
    expect(step.done).toBe(true);
    const seen = step.value as unknown as TargetSeen;
    expect(seen).toEqual({ at: T0 + TARGET_RECHECK_MS, regions: ["eastus", "westeurope"], waited: true });
    const message = approvalMessage(
      ID,
      prepared,
      "prod",
      [],
      T0 + 3 * TARGET_RECHECK_MS,
      "reject",
      seen.at,
      seen,
    );
    expect((message.lines ?? []).join("\n")).toContain(
      "Kubernetes 1.30.5 is available in every region of this ring's clusters (eastus, westeurope) since 2026-12-04 12:00 UTC (the request waited for it).",
    );
  });

  it("ends the wait on a cancel, and does not wait for node images", () => {
    const statuses: unknown[] = [];
    const gen = targetAvailable(fakeCtx({ now: T0 }, statuses), prepared, status(), "prod");
    gen.next();
    const wait = gen.next({ regions: ["eastus"], missing: ["eastus"] }).value as unknown as Yielded;
    const control = wait.tasks!.find((t) => t.kind === "event")!;
    control.result = { action: "cancel", by: "alice" };
    expect(gen.next(control)).toEqual({ done: true, value: "canceled" });
    const images = {
      ...prepared,
      plan: { ...prepared.plan, kind: "nodeImage" },
    } as unknown as PreparedRollout;
    expect(targetAvailable(fakeCtx({ now: T0 }, []), images, status(), "prod").next()).toEqual({
      done: true,
      value: undefined,
    });
  });

  it("executor fleet (no lanes): asks for the subscription-regions the plan keeps for the ring", () => {
    const clock = { now: T0 };
    const fleetPrepared = {
      ...prepared,
      plan: {
        ...prepared.plan,
        rings: prepared.plan.rings.map((r) => ({ ...r, bucketKeys: ["s1|eastus", "s1|westeurope"] })),
      },
    } as unknown as PreparedRollout;
    const gen = targetAvailable(fakeCtx(clock, []), fleetPrepared, status(), "prod");
    const first = gen.next().value as unknown as Yielded;
    expect(first).toMatchObject({
      kind: "activity",
      name: "targetAvailability",
      input: { buckets: ["s1|eastus", "s1|westeurope"], target: "1.30.5" },
    });
    expect((first.input as Record<string, unknown>).laneIds).toBeUndefined();
  });
});
