/**
 * The one table of Ringmaster's own codes for a cluster that is not (or not yet) upgraded: the plan's skip
 * reasons, the preflight's refusals and the write-time outcomes. One spelling, PascalCase, because these
 * codes travel in the same `code` field as AKS's own error codes (`OperationNotAllowed`, `UpgradeFailed`):
 * an operator can follow one code from the forecast email to the cluster's result.
 *
 * - `outcome`: `skip` — planned out or left alone, not a failure; `hold` — not now: retried in the window,
 *   or the cluster waits for the next one; `fail` — the cluster's upgrade failed.
 * - `decidedBy`: `eligibility` — the shared rule (eligibility.ts), the same for the planner and the
 *   preflight; `plan` — only the planner (rings, windows, freezes); `write` — only at write time.
 * - `quiet`: a skip nobody needs to hear about (the cluster is already there, past it, or in no ring).
 */
export type CodeOutcome = "skip" | "hold" | "fail";
export type CodeDecidedBy = "eligibility" | "plan" | "write";

interface CodeInfo {
  readonly meaning: string;
  readonly outcome: CodeOutcome;
  readonly decidedBy: CodeDecidedBy;
  readonly quiet?: true;
}

export const Codes = {
  ClusterStopped: {
    meaning: "the cluster is stopped; AKS upgrades only running clusters",
    outcome: "skip",
    decidedBy: "eligibility",
  },
  AlreadyAtTarget: {
    meaning: "the cluster (control plane and every pool) already runs the target",
    outcome: "skip",
    decidedBy: "eligibility",
    quiet: true,
  },
  NewerThanTarget: {
    meaning: "the cluster runs a newer Kubernetes version than the target; AKS never downgrades",
    outcome: "skip",
    decidedBy: "eligibility",
    quiet: true,
  },
  WouldSkipMinor: {
    meaning: "the target is more than one minor ahead; AKS upgrades one minor at a time",
    outcome: "skip",
    decidedBy: "eligibility",
  },
  OtherLevel: {
    meaning:
      "the step to the target is a minor in a patch rollout (or a patch in a minor one); the rollout of that level takes it, under the policy's rules for that level",
    outcome: "skip",
    decidedBy: "eligibility",
    quiet: true,
  },
  DeniedVersion: {
    meaning: "the target matches an entry of the policy's spec.versions.deny",
    outcome: "skip",
    decidedBy: "eligibility",
  },
  AutoUpgradeChannelConflict: {
    meaning: "AKS's own auto-upgrade (Kubernetes or node OS channel) would race Ringmaster for the cluster",
    outcome: "skip",
    decidedBy: "eligibility",
  },
  TargetNotAvailable: {
    meaning:
      "AKS does not (yet) offer the target to this cluster in its region; planned anyway, since AKS releases region by region, and retried at write time",
    outcome: "hold",
    decidedBy: "eligibility",
  },
  HeldAtQualifiedImage: {
    meaning:
      "every pool that needs an image is held: its region offers a different image than the one an earlier ring qualified",
    outcome: "skip",
    decidedBy: "eligibility",
  },
  NoRing: {
    meaning: "no ring of the policy selects the cluster",
    outcome: "skip",
    decidedBy: "plan",
    quiet: true,
  },
  NoWindow: {
    meaning: "the cluster has no maintenance window (own or ring) and spec.requireWindow is true",
    outcome: "skip",
    decidedBy: "plan",
  },
  WindowUnknown: {
    meaning:
      "the cluster's Microsoft.Maintenance assignments (aks-mrp-cfg-*) could not be read and AKS holds no native configuration: its window is unknown, so it is not upgraded on a guess; read again at the next inventory",
    outcome: "skip",
    decidedBy: "plan",
  },
  FleetIgnoresWindow: {
    meaning:
      "executor fleet: the cluster's window is one Fleet does not honour (a ring window without manageWindows, a Microsoft.Maintenance assignment, or no nodeOS window for node images)",
    outcome: "skip",
    decidedBy: "plan",
  },
  NoWindowInHorizon: {
    meaning: "no window within the planning horizon is long enough for the predicted upgrade",
    outcome: "skip",
    decidedBy: "plan",
  },
  Frozen: {
    meaning: "every window long enough within the horizon falls in a freeze",
    outcome: "skip",
    decidedBy: "plan",
  },
  OperationInProgress: {
    meaning: "another operation runs on the cluster; retried in the window",
    outcome: "hold",
    decidedBy: "write",
  },
  MissedWindow: {
    meaning:
      "the write was refused because the window is closed, too short or frozen; the cluster waits for the next",
    outcome: "hold",
    decidedBy: "write",
  },
  ClusterBusy: {
    meaning: "another workflow held the cluster past the plan's horizon",
    outcome: "skip",
    decidedBy: "write",
  },
  VerificationFailed: {
    meaning: "after the operation the cluster does not run the target everywhere, or is not Succeeded",
    outcome: "fail",
    decidedBy: "write",
  },
  WorkflowFailed: {
    meaning: "an activity of the cluster's workflow failed all its retries",
    outcome: "fail",
    decidedBy: "write",
  },
} as const satisfies Record<string, CodeInfo>;

export type Code = keyof typeof Codes;

/** Each code by name, for code that writes one: `Code.AlreadyAtTarget`. */
export const Code = Object.fromEntries(Object.keys(Codes).map((k) => [k, k])) as { readonly [K in Code]: K };

type CodesWhere<Filter> = {
  [K in Code]: (typeof Codes)[K] extends Filter ? K : never;
}[Code];

/** Codes that leave the cluster alone. */
export type SkipCode = CodesWhere<{ outcome: "skip" }>;
/** What the shared eligibility rule can answer. */
export type EligibilityCode = CodesWhere<{ decidedBy: "eligibility" }>;
/** What a cluster's plan can be skipped with: the eligibility skips and the planner's own. */
export type PlanSkipCode = CodesWhere<{ outcome: "skip"; decidedBy: "eligibility" | "plan" }>;

export function isCode(text: string): text is Code {
  return Object.hasOwn(Codes, text);
}

/** Whether a code means the cluster is left alone (not a failure, not retried). AKS's codes are not ours: false. */
export function isSkipCode(text: string): text is SkipCode {
  return isCode(text) && Codes[text].outcome === "skip";
}

/** The same, keeping what is known of the code: an eligibility skip is a plan skip. */
export function isSkip<C extends Code>(code: C): code is Extract<C, SkipCode> {
  return Codes[code].outcome === "skip";
}

/** Whether a code is a hold: retried within the window, or waited out. */
export function isHoldCode(text: string): boolean {
  return isCode(text) && Codes[text].outcome === "hold";
}

/** Skips nobody needs to hear about. */
export function isQuietSkip(text: string): boolean {
  return isCode(text) && "quiet" in Codes[text];
}
