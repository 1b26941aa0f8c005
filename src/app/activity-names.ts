import type { ActivityName } from "../contracts/activities.js";

/**
 * Every activity's registered name, known without loading the activities: functions/workflows.ts registers
 * them while the host loads the app and imports their code on the first call (issue 12, cold start). The
 * type below fails to compile when an activity of the contracts' table (contracts/activities.ts) is missing here, and `satisfies`
 * when one here does not exist.
 */
export const ACTIVITY_NAMES = [
  "loadInventory",
  "prepareRollout",
  "startLanes",
  "signalLanes",
  "reportLaneResult",
  "rolloutState",
  "laneOutcomes",
  "targetAvailability",
  "applyRingWindows",
  "launchClusters",
  "signalClusters",
  "reportClusterResult",
  "preflight",
  "startUpgrade",
  "checkOperation",
  "inspectCluster",
  "evaluateGates",
  "findStaleNodeImages",
  "planSupportUpgrade",
  "queueNotification",
  "sendDigest",
  "tagCluster",
  "approveFleetGate",
  "createFleetRun",
  "fleetRunAction",
  "pollFleetRun",
  "evaluateFleetStage",
  "publishAudit",
  "findCostAnomalies",
  "queueCostAnomalies",
] as const satisfies readonly ActivityName[];

/** `true` only when every activity is listed; otherwise the unlisted names, and the line below fails. */
export type EveryActivityListed = [Exclude<ActivityName, (typeof ACTIVITY_NAMES)[number]>] extends [never]
  ? true
  : Exclude<ActivityName, (typeof ACTIVITY_NAMES)[number]>;
export const everyActivityListed: EveryActivityListed = true;
