import type * as df from "durable-functions";
import { activityWithRetry, at, iso, notify, nowMs, type Ctx } from "./call.js";
import type { RolloutStatus } from "../contracts/rollout-status.js";
import { parseWorkflowInput, RolloutInputSchema, type RolloutInput } from "../contracts/workflow-inputs.js";
import { WorkflowName } from "../contracts/workflow-names.js";
import { audit } from "./audit.js";
import { fleetRollout } from "./fleet-rollout.js";
import { runRing } from "./rollout-ring.js";
import {
  forecastMessage,
  haltMessage,
  preparationFailedMessage,
  skippedMessage,
} from "./rollout-messages.js";
import { enter, initialStatus, publish, totals, type RolloutState } from "./rollout-status.js";
import { halt } from "./rollout-halt.js";
import { approval } from "./rollout-approval.js";
import { finish } from "./rollout-finish.js";

/**
 * A rollout: one per (policy, kind, target), its instance id derived from them. The first execution takes
 * the inventory, plans, emails the forecast and writes ring windows; then each execution runs one ring
 * (approval if required → cluster workflows under the concurrency caps (rollout-ring.ts) → failure budget →
 * soak → health gates) and continues as new for the next, which keeps every history short. A halt waits
 * for resume or cancel through the API; a completion digest ends it. A target every cluster already runs
 * ends at once, without email.
 */
export function* rolloutWorkflow(ctx: Ctx): Generator<df.Task, unknown, unknown> {
  const state = startingState(ctx.df.getInput<unknown>());
  const id = ctx.df.instanceId;
  const { input } = state;

  let prepared = state.prepared;
  let status = state.status;
  if (!prepared) {
    try {
      prepared = yield* activityWithRetry(ctx, "prepareRollout", {
        rolloutId: id,
        kind: input.kind,
        ...(input.level ? { level: input.level } : {}),
        target: input.target,
        nowMs: nowMs(ctx),
      });
    } catch (error) {
      return yield* preparationFailed(ctx, input, error);
    }
    status = initialStatus(id, input, prepared);
    publish(ctx, status);
    yield* audit(ctx, "rollout.started", id, {
      kind: input.kind,
      target: input.target,
      trigger: input.trigger,
    });
    if (prepared.plan.nothingToDo) {
      enter(status, "nothing-to-do", "nothing to do: every cluster runs the target");
      publish(ctx, status);
      yield* audit(ctx, "rollout.completed", id, { outcome: "completed", clusters: 0 });
      return { outcome: "completed", counts: totals(status) };
    }
    yield* notify(ctx, forecastMessage(id, input, prepared, nowMs(ctx)));
    const { noisySkips } = prepared.plan;
    if (noisySkips.count)
      yield* notify(ctx, skippedMessage(id, input, noisySkips.rows, nowMs(ctx), noisySkips.count));
    if (prepared.settings.manageWindows)
      yield* activityWithRetry(ctx, "applyRingWindows", { kinds: [input.kind], nowMs: nowMs(ctx) });
    if (input.requiresApproval) {
      const { timeoutMs, onTimeout } = prepared.settings.rolloutApproval;
      const answer = yield* approval(ctx, prepared, status, "rollout", timeoutMs, onTimeout, nowMs(ctx));
      if (answer !== "approved") return yield* finish(ctx, { ...state, prepared, status }, answer, 0);
    }
  }
  status = status!;
  // executor "fleet": the rings run as one Fleet Manager update run that Ringmaster drives.
  if (prepared.settings.executor === "fleet") return yield* fleetRollout(ctx, { ...state, prepared, status });
  const ring = prepared.plan.rings[state.ringIndex];
  const settings = prepared.settings.rings[state.ringIndex];
  const ringStatus = status.rings[state.ringIndex];
  if (!ring || !settings || !ringStatus)
    return yield* finish(ctx, { ...state, prepared, status }, "completed", state.ringIndex);

  if (!state.ring) {
    ringStatus.status = "running";
    enter(status, "running", `ring ${settings.name}`, settings.name);
    publish(ctx, status);
    yield* audit(ctx, "ring.started", id, { ring: settings.name, clusters: ring.scheduled });

    if (settings.approvalRequired && ring.scheduled > 0) {
      const plannedStart = Date.parse(ring.firstStart ?? iso(nowMs(ctx)));
      const answer = yield* approval(
        ctx,
        prepared,
        status,
        settings.name,
        settings.approvalTimeoutMs,
        settings.onTimeout,
        plannedStart,
      );
      if (answer !== "approved") {
        ringStatus.status = answer;
        return yield* finish(ctx, { ...state, prepared, status }, answer, state.ringIndex);
      }
      // The ring runs now: the state leaves waiting-approval (the answer stays in `approval.result`).
      enter(status, "running", `ring ${settings.name}`, settings.name);
      publish(ctx, status);
    }
  }

  const ran = yield* runRing(ctx, prepared, state, ringStatus, status);
  if ("progress" in ran) {
    // A long ring: the next execution goes on where this one stands (a fresh, short history).
    ctx.df.continueAsNew({ ...state, prepared, status, ring: ran.progress } satisfies RolloutState);
    return undefined;
  }
  const outcome = ran;
  const { canceled, failed, failedCount } = outcome;
  ringStatus.status = canceled ? "canceled" : failedCount > settings.failureBudget ? "halted" : "succeeded";
  const end = (how: "canceled") => finish(ctx, { ...state, prepared, status }, how, state.ringIndex + 1);
  const haltRing = (
    clusters: typeof failed,
    gates: readonly { gate: string; evidence: readonly string[] }[] = [],
  ) =>
    halt(
      ctx,
      status,
      settings.name,
      settings.notify,
      haltMessage(
        id,
        input,
        settings.name,
        clusters,
        settings.failureBudget,
        prepared.settings.baseUrl,
        nowMs(ctx),
        gates,
        clusters.length ? failedCount : 0,
      ),
    );
  if (canceled) return yield* end("canceled");

  if (failedCount > settings.failureBudget) {
    if ((yield* haltRing(failed)) === "cancel") return yield* end("canceled");
    ringStatus.status = "resumed";
  }

  // Node images: later rings take exactly what the first ring that upgraded anything qualified.
  const pinnedImages = { ...state.pinnedImages };
  if (input.kind === "nodeImage" && Object.keys(pinnedImages).length === 0) {
    Object.assign(pinnedImages, outcome.images);
    status.pinnedImages = pinnedImages;
  }

  const last = state.ringIndex === prepared.plan.rings.length - 1;
  // A ring soaks when it touched anything: a cluster that failed in a pool (within the budget) already runs
  // the new control plane, which the next ring must not take before it has soaked.
  if (!last && outcome.succeeded + failedCount > 0) {
    const soakUntil = nowMs(ctx) + settings.soakMs;
    enter(status, "soaking", `soaking ${settings.name} until ${iso(soakUntil)}`, settings.name);
    ringStatus.soakUntil = iso(soakUntil);
    publish(ctx, status);
    yield ctx.df.createTimer(at(soakUntil));
    // Gates judge the clusters this ring upgraded (read from its lanes); failures already went through the budget.
    const gates = yield* activityWithRetry(ctx, "evaluateGates", {
      gates: settings.gates,
      laneIds: outcome.laneIds,
      runId: prepared.runId,
    });
    ringStatus.gates = gates.results;
    if (!gates.passed) {
      const failedGates = gates.results.filter((g) => !g.passed);
      if ((yield* haltRing([], failedGates)) === "cancel") return yield* end("canceled");
    }
  }
  ctx.df.continueAsNew({
    input,
    prepared,
    // (no `ring`: the next execution starts the next ring)
    ringIndex: state.ringIndex + 1,
    pinnedImages,
    status,
  } satisfies RolloutState);
  return undefined;
}

/**
 * The first execution gets a `RolloutInput` from its starter (validated here: a bad one fails the rollout
 * naming the field); later ones get what the previous execution carried over, whose input is checked too.
 */
function startingState(raw: unknown): RolloutState {
  if (typeof raw === "object" && raw !== null && "ringIndex" in raw) {
    const carried = raw as RolloutState;
    return { ...carried, input: parseWorkflowInput(WorkflowName.rollout, RolloutInputSchema, carried.input) };
  }
  const input = parseWorkflowInput(WorkflowName.rollout, RolloutInputSchema, raw);
  return { input, ringIndex: 0, pinnedImages: {} };
}

/**
 * Preparation failed after its retries (Azure unreachable or throttling beyond the adapters' retries): the
 * rollout ends `failed` with the cause in its status and output, and on-call gets an email naming it.
 */
function* preparationFailed(
  ctx: Ctx,
  input: RolloutInput,
  error: unknown,
): Generator<df.Task, unknown, unknown> {
  const text = error instanceof Error ? error.message : String(error);
  const cause =
    text
      .split("\n")[0]!
      .replace(/^Activity function '\w+' failed:\s*/, "")
      .trim() || "unknown error";
  const reason = `could not prepare the rollout: ${cause}`;
  ctx.df.setCustomStatus({
    rollout: ctx.df.instanceId,
    policy: input.policy,
    kind: input.kind,
    target: input.target,
    state: "failed",
    phase: `failed: ${reason}`,
    rings: [],
    failure: { since: iso(nowMs(ctx)), reason },
  } satisfies RolloutStatus);
  yield* audit(ctx, "rollout.completed", ctx.df.instanceId, { outcome: "failed", reason });
  yield* notify(ctx, preparationFailedMessage(ctx.df.instanceId, input, cause, nowMs(ctx)));
  return { outcome: "failed", reason };
}
