import type { InvocationContext } from "@azure/functions";
import { launchClusters, reportClusterResult, signalClusters } from "./clusters.js";
import type { ActivityDeps } from "./deps.js";
import { evaluateGates } from "./gates.js";
import { findStaleNodeImages, loadInventory } from "./inventory.js";
import { publishAudit } from "./audit.js";
import { approveFleetGate, tagCluster } from "./misc.js";
import { queueNotification, sendDigest } from "./notify.js";
import { laneOutcomes, reportLaneResult, rolloutState, signalLanes, startLanes } from "./lanes.js";
import { prepareRollout } from "./prepare.js";
import { planSupportUpgrade } from "./support.js";
import { checkOperation, inspectCluster, preflight, startUpgrade } from "./upgrade.js";
import { applyRingWindows } from "./windows.js";
import { metricLine } from "../shared/telemetry.js";

/**
 * Every activity, by name, over injected dependencies. functions/workflows.ts registers each entry with
 * `df.app.activity`; workflows call them through `activity()` (src/workflows/call.ts), typed by this object.
 */
export function createActivities(deps: ActivityDeps) {
  return {
    loadInventory: (input: { withNodeImages: boolean }) => loadInventory(deps, input),
    prepareRollout: (input: Parameters<typeof prepareRollout>[1], context: InvocationContext) =>
      prepareRollout(deps, input, context),
    startLanes: (input: Parameters<typeof startLanes>[1], context: InvocationContext) =>
      startLanes(deps, input, context),
    signalLanes: (input: Parameters<typeof signalLanes>[1], context: InvocationContext) =>
      signalLanes(deps, input, context),
    reportLaneResult: (input: Parameters<typeof reportLaneResult>[1], context: InvocationContext) =>
      reportLaneResult(deps, input, context),
    rolloutState: (input: Parameters<typeof rolloutState>[1], context: InvocationContext) =>
      rolloutState(deps, input, context),
    laneOutcomes: (input: Parameters<typeof laneOutcomes>[1], context: InvocationContext) =>
      laneOutcomes(deps, input, context),
    applyRingWindows: (input: Parameters<typeof applyRingWindows>[1]) => applyRingWindows(deps, input),
    launchClusters: (input: Parameters<typeof launchClusters>[1], context: InvocationContext) =>
      launchClusters(deps, input, context),
    signalClusters: (input: Parameters<typeof signalClusters>[1], context: InvocationContext) =>
      signalClusters(deps, input, context),
    reportClusterResult: (input: Parameters<typeof reportClusterResult>[1], context: InvocationContext) =>
      reportClusterResult(deps, input, context),
    preflight: (input: Parameters<typeof preflight>[1]) => preflight(deps, input),
    startUpgrade: (input: Parameters<typeof startUpgrade>[1]) => startUpgrade(deps, input),
    checkOperation: (input: Parameters<typeof checkOperation>[1]) => checkOperation(deps, input),
    inspectCluster: (input: { clusterId: string }) => inspectCluster(deps, input),
    evaluateGates: (input: Parameters<typeof evaluateGates>[1], context: InvocationContext) =>
      evaluateGates(deps, input, context),
    findStaleNodeImages: () => findStaleNodeImages(deps),
    planSupportUpgrade: (input: Parameters<typeof planSupportUpgrade>[1]) => planSupportUpgrade(deps, input),
    queueNotification: (input: Parameters<typeof queueNotification>[1], context: InvocationContext) =>
      queueNotification(deps, input, context),
    sendDigest: async (input: Parameters<typeof sendDigest>[1], context: InvocationContext) => {
      const sent = await sendDigest(deps, input);
      if (sent.sent > 0) context.info(metricLine("ringmaster.emails.sent", 1, { messages: sent.sent }));
      return sent;
    },
    tagCluster: (input: Parameters<typeof tagCluster>[1]) => tagCluster(deps, input),
    approveFleetGate: (input: Parameters<typeof approveFleetGate>[1]) => approveFleetGate(deps, input),
    publishAudit: (input: Parameters<typeof publishAudit>[0], context: InvocationContext) =>
      publishAudit(input, context),
  };
}

export type Activities = ReturnType<typeof createActivities>;
export type ActivityName = keyof Activities;
export type { ActivityDeps };
