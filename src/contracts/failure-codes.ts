import { Code } from "../domain/codes.js";

/**
 * The write-time codes a cluster result carries when the workflow itself (not an eligibility rule) decided
 * the outcome, under the names workflows use. They are entries of the domain's one code table
 * (`src/domain/codes.ts`, with each code's meaning and outcome); this module only gives them their
 * workflow-facing names, so no code is spelled twice.
 */
export const FailureCode = {
  /** A write refused because the window is closed, too short or frozen: the cluster waits for the next. */
  missedWindow: Code.MissedWindow,
  /** The upgrade ran but reading the cluster back did not show the target everywhere. */
  verificationFailed: Code.VerificationFailed,
  /** An activity failed all its retries: the workflow reports the cluster failed rather than vanish. */
  workflowFailed: Code.WorkflowFailed,
  /** Another rollout held the cluster past this plan's horizon. */
  clusterBusy: Code.ClusterBusy,
} as const;
export type FailureCode = (typeof FailureCode)[keyof typeof FailureCode];

export { Code, Codes, isHoldCode, isQuietSkip, isSkipCode } from "../domain/codes.js";
