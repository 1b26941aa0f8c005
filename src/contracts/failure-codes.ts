/**
 * Workflow-level codes a cluster result carries when the workflow itself (not an eligibility rule) decided
 * the outcome. Eligibility codes (stopped, already at target, channel conflict, …) are the domain's one
 * table; these are the ones only the orchestration knows.
 */
export const FailureCode = {
  /** A write refused because the window is closed, too short or frozen: the cluster waits for the next. */
  missedWindow: "MissedWindow",
  /** The upgrade ran but reading the cluster back did not show the target everywhere. */
  verificationFailed: "VerificationFailed",
  /** An activity failed all its retries: the workflow reports the cluster failed rather than vanish. */
  workflowFailed: "WorkflowFailed",
  /** Another rollout held the cluster past this plan's horizon. */
  clusterBusy: "ClusterBusy",
} as const;
export type FailureCode = (typeof FailureCode)[keyof typeof FailureCode];
