/**
 * The registered name of every orchestrator: the composition root registers them under these names and
 * every starter (dispatch, API, activities, other workflows) starts them by these names.
 */
export const WorkflowName = {
  rollout: "rollout",
  clusterUpgrade: "clusterUpgrade",
  rolloutLane: "rolloutLane",
  nodeImageRefresh: "nodeImageRefresh",
  endOfSupport: "endOfSupport",
  fleetGate: "fleetGate",
  notify: "notify",
  digest: "digest",
  costAnomalyCheck: "costAnomalyCheck",
  /** A used one-click link's ledger entry (workflows/action-link.ts). */
  actionLink: "actionLink",
} as const;
export type WorkflowName = (typeof WorkflowName)[keyof typeof WorkflowName];
