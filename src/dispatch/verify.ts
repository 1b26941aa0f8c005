import type { Policy } from "../config/policy.js";
import { parseClusterId } from "../domain/cluster-ref.js";
import { compareVersions, minorDistance, parseVersion, sameMinor } from "../domain/versions.js";
import type { Decision } from "./decide.js";
import { fleetGateInstanceId } from "../contracts/instance-ids.js";
import { rolloutTarget, type RolloutTrigger } from "./new-version.js";

/**
 * An event is a hint. Before a start it names is carried out, what the event claims is checked against
 * ARM: the subscription is one Ringmaster manages, the cluster (or Fleet gate) exists, the version is
 * offered in the cluster's region. Deciding stays pure (decide.ts attaches the claim); this is the I/O
 * step the executor runs before it starts anything, so a forged or foreign event creates no instance and
 * uses up no instance id. What is started is rebuilt from the verified facts, not from the event.
 */
export type Claim =
  /** A rollout to `target`, claimed available for `clusterId`. */
  | { kind: "rolloutTarget"; clusterId: string; target: string; policy: string }
  /** Something about one cluster (end of support): it must be managed and exist. */
  | { kind: "cluster"; clusterId: string }
  /** A pending Fleet gate. */
  | { kind: "fleetGate"; gateId: string }
  /** A Fleet gate changed state (`null`: deleted); the gate workflow stands down on it, so Fleet must agree. */
  | { kind: "fleetGateState"; gateId: string; state: string | null };

export interface ClusterFacts {
  readonly id: string;
  readonly location: string;
  /** The version the control plane runs now. */
  readonly kubernetesVersion: string;
}

export interface GateFacts {
  readonly id: string;
  readonly name: string;
  readonly state: string;
  readonly displayName?: string;
  readonly stage?: string;
  readonly runName?: string;
}

/** The ARM reads verification needs. `undefined` means ARM says no such resource; errors mean ARM failed. */
export interface ArmFacts {
  isManagedSubscription(subscriptionId: string): boolean;
  cluster(clusterId: string): Promise<ClusterFacts | undefined>;
  /** Non-preview Kubernetes versions AKS offers in the region. */
  offeredVersions(subscriptionId: string, location: string): Promise<readonly string[]>;
  gate(gateId: string): Promise<GateFacts | undefined>;
  /** Subscription and region of every managed cluster, once each: where a target must be offered. */
  managedRegions(): Promise<readonly { subscriptionId: string; location: string }[]>;
}

export interface VerifyContext {
  readonly facts: ArmFacts;
  /** Base URL of the API, for links a started workflow puts in emails. */
  readonly publicBaseUrl: string;
}

/** The decision to carry out instead (possibly a log line), or why nothing may be done. */
export type Verdict = { ok: true; decision: Decision } | { ok: false; reason: string };

const GATE_ID =
  /^\/subscriptions\/([^/]+)\/resourceGroups\/[^/]+\/providers\/Microsoft\.ContainerService\/fleets\/[^/]+\/gates\/[^/]+$/i;

export async function verifyDecision(
  decision: Decision,
  policies: readonly Policy[],
  ctx: VerifyContext,
): Promise<Verdict> {
  if ((decision.type !== "start" && decision.type !== "raise") || !decision.claim)
    return { ok: true, decision };
  const claim = decision.claim;
  if (claim.kind === "fleetGateState") return verifyGateState(decision, claim, ctx);
  if (decision.type !== "start") return { ok: true, decision };
  if (claim.kind === "fleetGate") return verifyGate(decision, claim.gateId, ctx);

  const ref = parseClusterId(claim.clusterId);
  if (!ref) return refuse(`cluster id "${claim.clusterId}" is not a managed cluster id`);
  if (!ctx.facts.isManagedSubscription(ref.subscriptionId))
    return refuse(
      `subscription ${ref.subscriptionId} is not one Ringmaster manages (RINGMASTER_SUBSCRIPTION_IDS); nothing started`,
    );
  const cluster = await ctx.facts.cluster(ref.id);
  if (!cluster) return refuse(`cluster ${ref.id} does not exist in ARM; nothing started`);
  if (claim.kind === "cluster") return { ok: true, decision };

  const target = parseVersion(claim.target);
  const current = parseVersion(cluster.kubernetesVersion);
  const offered = await ctx.facts.offeredVersions(ref.subscriptionId, cluster.location);
  if (!target || !offered.includes(claim.target))
    return refuse(
      `Kubernetes ${claim.target} is not offered in ${cluster.location} (AKS offers ${offered.join(", ") || "nothing"}); nothing started`,
    );
  if (!current)
    return refuse(`cluster ${cluster.id} reports an unreadable version ${cluster.kubernetesVersion}`);
  // The level is the cluster's, not the event's: it decides whether the policy asks for approval.
  const level = sameMinor(current, target)
    ? "patch"
    : minorDistance(current, target) === 1
      ? "minor"
      : undefined;
  if (!level || (level === "patch" && compareVersions(target, current) < 0))
    return refuse(
      `Kubernetes ${claim.target} is neither a patch nor the next minor of ${cluster.id.split("/").pop()}'s ${cluster.kubernetesVersion}; nothing started`,
    );
  const policy = policies.find((p) => p.metadata.name === claim.policy);
  if (!policy) return refuse(`policy ${claim.policy} is not loaded`);
  const trigger = (decision.input as { trigger?: RolloutTrigger }).trigger ?? {
    eventKey: "",
    clusterId: cluster.id,
    time: "",
  };
  return { ok: true, decision: rolloutTarget(policy, level, target, trigger) };
}

/** A gate Ringmaster's identity may approve: in a managed subscription, known to Fleet, Pending now. */
async function verifyGate(
  decision: Extract<Decision, { type: "start" }>,
  gateId: string,
  ctx: VerifyContext,
): Promise<Verdict> {
  const checked = await checkGate(gateId, ctx.facts);
  if (!checked.ok) return refuse(`${checked.reason}; nothing started`);
  const { gate } = checked;
  const fleetId = gate.id.slice(0, gate.id.toLowerCase().lastIndexOf("/gates/"));
  const instanceId = fleetGateInstanceId(gate.name);
  const claimed = decision.input;
  return {
    ok: true,
    decision: {
      ...decision,
      instanceId,
      input: {
        ...claimed,
        gateId: gate.id,
        fleetId,
        displayName: gate.displayName ?? null,
        updateRunName: gate.runName ?? null,
        stage: gate.stage ?? null,
        approveUrl: `${ctx.publicBaseUrl.replace(/\/+$/, "")}/api/fleetgates/${encodeURIComponent(gate.name)}/approve`,
      },
    },
  };
}

/** A gate update or deletion is passed on only when Fleet shows the same: a forged one cannot silence a question. */
async function verifyGateState(
  decision: Decision,
  claim: { gateId: string; state: string | null },
  ctx: VerifyContext,
): Promise<Verdict> {
  const match = GATE_ID.exec(claim.gateId);
  if (!match || !ctx.facts.isManagedSubscription(match[1]!))
    return refuse(`"${claim.gateId.slice(0, 200)}" is not a Fleet gate in a managed subscription`);
  const gate = await ctx.facts.gate(claim.gateId);
  if (claim.state === null)
    return gate
      ? refuse(`Fleet gate ${gate.id} still exists (${gate.state}); not passed on`)
      : { ok: true, decision };
  if (!gate) return refuse(`Fleet gate ${claim.gateId} does not exist; not passed on`);
  if (gate.state.toLowerCase() !== claim.state.toLowerCase())
    return refuse(`Fleet gate ${gate.id} is ${gate.state}, not ${claim.state}; not passed on`);
  return { ok: true, decision };
}

const refuse = (reason: string): Verdict => ({ ok: false, reason });

/**
 * Whether Ringmaster's identity may approve this gate now: its id is a Fleet gate's, in a managed
 * subscription, Fleet knows it, and it is Pending. Used before starting a gate workflow and again before
 * an approval is passed on.
 */
export async function checkGate(
  gateId: string,
  facts: ArmFacts,
): Promise<{ ok: true; gate: GateFacts } | { ok: false; reason: string; missing: boolean }> {
  const match = GATE_ID.exec(gateId);
  if (!match) return { ok: false, missing: true, reason: `"${gateId.slice(0, 200)}" is not a Fleet gate id` };
  if (!facts.isManagedSubscription(match[1]!))
    return {
      ok: false,
      missing: true,
      reason: `Fleet gate in subscription ${match[1]} which Ringmaster does not manage (RINGMASTER_SUBSCRIPTION_IDS)`,
    };
  const gate = await facts.gate(gateId);
  if (!gate) return { ok: false, missing: true, reason: `Fleet gate ${gateId} does not exist` };
  if (gate.state.toLowerCase() !== "pending")
    return { ok: false, missing: false, reason: `Fleet gate ${gate.id} is ${gate.state}, not Pending` };
  return { ok: true, gate };
}
