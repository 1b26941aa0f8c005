import type { InvocationContext } from "@azure/functions";
import {
  parseActivityInput,
  type ActivityName,
  type ActivityOutput,
  type ActivityParsedInput,
} from "../contracts/activities.js";
import { launchClusters, reportClusterResult, signalClusters } from "./clusters.js";
import type { ActivityDeps } from "./deps.js";
import { evaluateGates } from "./gates.js";
import { createFleetRun, evaluateFleetStage, fleetRunAction, pollFleetRun } from "./fleet-run.js";
import { findStaleNodeImages, loadInventory } from "./inventory.js";
import { publishAudit } from "./audit.js";
import { findCostAnomalies } from "./cost-anomalies.js";
import { queueCostAnomalies } from "./cost-notify.js";
import { approveFleetGate, tagCluster } from "./misc.js";
import { queueNotification, sendDigest } from "./notify.js";
import { laneOutcomes, reportLaneResult, rolloutState, signalLanes, startLanes } from "./lanes.js";
import { targetAvailability } from "./target-availability.js";
import { prepareRollout } from "./prepare.js";
import { planSupportUpgrade } from "./support.js";
import { checkOperation, inspectCluster, preflight, startUpgrade } from "./upgrade.js";
import { applyRingWindows } from "./windows.js";
import { metricLine } from "../shared/telemetry.js";

/** This module's side of the contracts' activity table: one function per name, over the validated input. */
export type ActivityImplementations = {
  readonly [K in ActivityName]: (
    input: ActivityParsedInput<K>,
    context: InvocationContext,
  ) => Promise<ActivityOutput<K>>;
};

/**
 * Every activity, by name, over injected dependencies, implementing the table of contracts/activities.ts
 * (names, input and result schemas). functions/workflows.ts registers each entry with `df.app.activity`;
 * workflows call them through `activity()` (src/workflows/call.ts), typed by that table. Each input is
 * validated with its schema first: it comes from orchestration history, which is input too.
 */
export function createActivities(deps: ActivityDeps) {
  const implementations = {
    loadInventory: (input) => loadInventory(deps, input),
    prepareRollout: (input, context) => prepareRollout(deps, input, context),
    startLanes: (input, context) => startLanes(deps, input, context),
    signalLanes: (input, context) => signalLanes(deps, input, context),
    reportLaneResult: (input, context) => reportLaneResult(deps, input, context),
    rolloutState: (input, context) => rolloutState(deps, input, context),
    laneOutcomes: (input, context) => laneOutcomes(deps, input, context),
    targetAvailability: (input, context) => targetAvailability(deps, input, context),
    applyRingWindows: (input) => applyRingWindows(deps, input),
    launchClusters: (input, context) => launchClusters(deps, input, context),
    signalClusters: (input, context) => signalClusters(deps, input, context),
    reportClusterResult: (input, context) => reportClusterResult(deps, input, context),
    preflight: (input) => preflight(deps, input),
    startUpgrade: (input) => startUpgrade(deps, input),
    checkOperation: (input) => checkOperation(deps, input),
    inspectCluster: (input) => inspectCluster(deps, input),
    evaluateGates: (input, context) => evaluateGates(deps, input, context),
    findStaleNodeImages: () => findStaleNodeImages(deps),
    planSupportUpgrade: (input) => planSupportUpgrade(deps, input),
    queueNotification: (input, context) => queueNotification(deps, input, context),
    sendDigest: async (input, context) => {
      const sent = await sendDigest(deps, input);
      if (sent.sent > 0) context.info(metricLine("ringmaster.emails.sent", 1, { messages: sent.sent }));
      return sent;
    },
    tagCluster: (input) => tagCluster(deps, input),
    approveFleetGate: (input) => approveFleetGate(deps, input),
    createFleetRun: (input) => createFleetRun(deps, input),
    fleetRunAction: (input) => fleetRunAction(deps, input),
    pollFleetRun: (input) => pollFleetRun(deps, input),
    evaluateFleetStage: (input) => evaluateFleetStage(deps, input),
    publishAudit: (input, context) => publishAudit(input, context),
    findCostAnomalies: (input, context) => findCostAnomalies(deps, input, context),
    queueCostAnomalies: (input, context) => queueCostAnomalies(deps, input, context),
  } satisfies ActivityImplementations;
  return validated(implementations);
}

/** Each implementation behind its input schema (contracts/activities.ts `parseActivityInput`). */
function validated<T extends ActivityImplementations>(implementations: T): T {
  const entries = Object.entries(implementations).map(([name, fn]) => {
    const run = fn as (input: unknown, context: InvocationContext) => Promise<unknown>;
    return [
      name,
      async (input: unknown, context: InvocationContext) =>
        run(parseActivityInput(name as ActivityName, input), context),
    ];
  });
  return Object.fromEntries(entries) as T;
}

export type { ActivityDeps };
