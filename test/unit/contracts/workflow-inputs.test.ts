import type * as df from "durable-functions";
import { describe, expect, it } from "vitest";
import { clusterUpgradeWorkflow } from "../../../src/workflows/cluster-upgrade.js";
import { endOfSupportWorkflow } from "../../../src/workflows/end-of-support.js";
import { fleetGateWorkflow } from "../../../src/workflows/fleet-gate.js";
import { nodeImageRefreshWorkflow } from "../../../src/workflows/node-image-refresh.js";
import { digestWorkflow, notifyWorkflow } from "../../../src/workflows/notify.js";
import { rolloutWorkflow } from "../../../src/workflows/rollout.js";

/**
 * Issue 10: every orchestrator validates what it is started with. A bad input fails the orchestration at
 * its first step, with a message naming the workflow and the field, before anything is scheduled.
 */
type Orchestrator = (ctx: df.OrchestrationContext) => Generator<df.Task, unknown, unknown>;

/** Just enough of a context for the first step: anything scheduled before validation would be a failure. */
function firstStep(workflow: Orchestrator, input: unknown): () => unknown {
  const scheduled = () => {
    throw new Error("scheduled work before validating the input");
  };
  const ctx = {
    df: {
      instanceId: "test:instance",
      currentUtcDateTime: new Date("2026-11-23T10:00:00Z"),
      getInput: () => input,
      callActivity: scheduled,
      callActivityWithRetry: scheduled,
      callSubOrchestrator: scheduled,
      createTimer: scheduled,
      waitForExternalEvent: scheduled,
      setCustomStatus: () => {},
      isReplaying: false,
    },
    log: () => {},
    warn: () => {},
    error: () => {},
  } as unknown as df.OrchestrationContext;
  return () => workflow(ctx).next();
}

const CLUSTER =
  "/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg-dev/providers/Microsoft.ContainerService/managedClusters/aks-dev-1";

describe("Orchestrators validate their input", () => {
  it.each<[string, Orchestrator, unknown, RegExp]>([
    [
      "rollout",
      rolloutWorkflow,
      { policy: "p", kind: "helm", target: "1.30.5" },
      /^rollout: invalid input: kind: /,
    ],
    ["rollout", rolloutWorkflow, { policy: "p", kind: "kubernetes" }, /^rollout: invalid input: target: /],
    [
      "a rollout's next execution",
      rolloutWorkflow,
      {
        ringIndex: 1,
        pinnedImages: {},
        results: [],
        input: { policy: 7, kind: "kubernetes", target: "1.30.5" },
      },
      /^rollout: invalid input: policy: /,
    ],
    [
      "clusterUpgrade",
      clusterUpgradeWorkflow,
      { rolloutId: "rollout:p:kubernetes:1.30.5", clusterId: CLUSTER },
      /^clusterUpgrade: invalid input: runId: .*; ring: /,
    ],
    ["nodeImageRefresh", nodeImageRefreshWorkflow, {}, /^nodeImageRefresh: invalid input: policy: /],
    [
      "endOfSupport",
      endOfSupportWorkflow,
      { policy: "p", clusterId: CLUSTER, kubernetesVersion: "1.29.2", stage: "soon", eventKey: "k" },
      /^endOfSupport: invalid input: stage: /,
    ],
    ["fleetGate", fleetGateWorkflow, { fleetId: "f" }, /^fleetGate: invalid input: gateId: /],
    [
      "notify",
      notifyWorkflow,
      { category: "budget", summary: "over", event: { time: "2026-11-23T10:00:00Z" } },
      /^notify: invalid input: event\.key: /,
    ],
    [
      "digest",
      digestWorkflow,
      { teams: ["sre"], slotEnd: "soon", slotMs: 1 },
      /^digest: invalid input: slotEnd: .*messages: /,
    ],
    ["rollout", rolloutWorkflow, null, /^rollout: invalid input: \(input\): /],
  ])("%s refuses a bad input naming the field (%#)", (_name, workflow, input, message) => {
    expect(firstStep(workflow, input)).toThrow(message);
  });

  it("a valid input gets past validation to the first scheduled step", () => {
    expect(firstStep(rolloutWorkflow, { policy: "p", kind: "kubernetes", target: "1.30.5" })).toThrow(
      "scheduled work before validating the input",
    );
    expect(firstStep(nodeImageRefreshWorkflow, { policy: "p" })).toThrow(
      "scheduled work before validating the input",
    );
  });
});
