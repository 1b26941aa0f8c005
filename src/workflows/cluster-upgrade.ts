import type * as df from "durable-functions";
import type { OperationRef, OperationStatus } from "../contracts/operation-ref.js";
import { Code, isSkipCode } from "../domain/codes.js";
import { audit } from "./audit.js";
import { activity, activityWithRetry, at, iso, nowMs, type Ctx } from "./call.js";
import { reportMissedWindow, waitForWindow, writeGuard } from "./cluster-window.js";
import type { ClusterResult, PoolEvent } from "../contracts/cluster-results.js";
import { ExternalEvent, NodePoolRollingEventSchema } from "../contracts/events.js";
import { FailureCode } from "../contracts/failure-codes.js";
import type { ClusterStatusDetail, ClusterWorkflowStatus } from "../contracts/rollout-status.js";
import {
  ClusterUpgradeInputSchema,
  parseWorkflowInput,
  type ClusterUpgradeInput,
} from "../contracts/workflow-inputs.js";
import { WorkflowName } from "../contracts/workflow-names.js";

/**
 * One cluster's upgrade (instance id `cluster:<sub>:<rg>:<name>`, so NodePoolRolling* events find it),
 * launched by a rollout and reporting its result back to it:
 * wait for the next window where the predicted duration fits and no freeze applies → preflight → one write
 * (the whole cluster for Kubernetes — AKS then does the control plane and each pool in turn; each pool for
 * node images) → follow progress from NodePoolRolling* events, with a slow poll as fallback → verify.
 * A failure is retried within the same window while the retry still fits; what persists fails the cluster
 * with AKS's error code and message.
 */
export function* clusterUpgradeWorkflow(ctx: Ctx): Generator<df.Task, ClusterResult, unknown> {
  const input = parseWorkflowInput(WorkflowName.clusterUpgrade, ClusterUpgradeInputSchema, ctx.df.getInput());
  let result: ClusterResult;
  try {
    result = yield* upgrade(ctx, input);
  } catch (error) {
    // An activity that failed all its retries: the rollout must still hear about this cluster.
    const message = error instanceof Error ? error.message.split("\n")[0]! : String(error);
    result = {
      clusterId: input.clusterId,
      name: input.name,
      ring: input.ring,
      status: "failed",
      code: FailureCode.workflowFailed,
      reason: message,
      attempts: 0,
      poolEvents: [],
    };
  }
  if (result.status === "succeeded" || result.status === "failed")
    yield* audit(ctx, `cluster.${result.status}`, input.rolloutId, clusterAuditData(result), input.clusterId);
  yield* activityWithRetry(ctx, "reportClusterResult", {
    rolloutId: input.reportTo ?? input.rolloutId,
    runId: input.runId,
    result,
  });
  return result;
}

function clusterAuditData(result: ClusterResult): Record<string, unknown> {
  const { name, ring, attempts, code, reason } = result;
  return { name, ring, attempts, ...(code ? { code } : {}), ...(reason ? { reason } : {}) };
}

function* upgrade(ctx: Ctx, input: ClusterUpgradeInput): Generator<df.Task, ClusterResult, unknown> {
  const poolEvents: PoolEvent[] = [];
  // Event Grid delivers at least once: a redelivered event (same key) is heard once.
  const seenEvents = new Set<string>();
  const base = { clusterId: input.clusterId, name: input.name, ring: input.ring };
  const status = (phase: ClusterWorkflowStatus["phase"], extra: ClusterStatusDetail = {}) =>
    ctx.df.setCustomStatus({
      phase,
      cluster: input.name,
      ring: input.ring,
      rollout: input.rolloutId,
      ...extra,
    } satisfies ClusterWorkflowStatus);

  let attempts = 0;
  // When the cluster was first reached in a window; forgotten after a missed window if nothing was written.
  let started: string | undefined;
  let wrote = false;
  // Shown while waiting again after a missed window, so the rollout's status says why.
  let missedNote: ClusterStatusDetail = {};
  // The failure an earlier attempt saw: a later verification that fails names it (the true cause).
  let lastFailure: { code: string; message: string } | undefined;
  const ended = (result: Pick<ClusterResult, "status"> & Partial<ClusterResult>): ClusterResult => ({
    ...base,
    ...(started ? { start: started } : {}),
    ...(started ? { end: iso(nowMs(ctx)) } : {}),
    attempts,
    poolEvents,
    ...result,
  });
  const failed = (f: { code: string; message: string; pool?: string }) =>
    ended({ status: "failed", ...f, reason: f.message });
  const verificationFailed = (message: string) => ({
    code: FailureCode.verificationFailed,
    message: lastFailure
      ? `${message}; the attempt before failed with ${lastFailure.code}: ${lastFailure.message}`
      : message,
  });
  let retry = false;
  for (;;) {
    const waited = yield* waitForWindow(ctx, input, status, missedNote);
    if ("outcome" in waited) {
      const note = missedNote.missedWindow ? ` (${missedNote.missedWindow})` : "";
      return ended({ status: waited.outcome, reason: `${waited.reason}${note}` });
    }
    let window = waited;
    started ??= iso(nowMs(ctx));
    let missed: string | undefined;
    for (;;) {
      attempts++;
      status("preflight", { attempt: attempts });
      const pre = yield* activityWithRetry(ctx, "preflight", {
        clusterId: input.clusterId,
        kind: input.kind,
        ...(input.level ? { level: input.level } : {}),
        target: input.target,
        pinnedImages: input.pinnedImages,
      });
      let failure: { code: string; message: string; pool?: string } | undefined;
      if (!pre.ok && pre.code === Code.AlreadyAtTarget && retry) {
        // What an earlier attempt reported failed got there after all (AKS finished it, or a person did).
        const verified = yield* verify(ctx, input, []);
        if (verified.ok) return ended({ status: "succeeded", images: verified.images });
        failure = verificationFailed(verified.message);
      } else if (!pre.ok) {
        // Which refusals skip the cluster is the code table's (domain/codes.ts).
        if (isSkipCode(pre.code) && !retry)
          return { ...base, status: "skipped", code: pre.code, reason: pre.message, attempts, poolEvents };
        failure = { code: pre.code, message: pre.message };
        if (!pre.retriable) return failed(failure);
      } else {
        const steps = input.kind === "kubernetes" ? [undefined] : pre.pools.map((p) => p.pool);
        const planned = pre.pools.map((p) => p.pool);
        const attemptEvents = poolEvents.length;
        for (const [index, pool] of steps.entries()) {
          const upgrading = { attempt: attempts, ...(pool ? { pool } : {}), since: iso(nowMs(ctx)) };
          status("upgrading", upgrading);
          // Each write carries what is left of the predicted duration: the pools still to do.
          const remainingMs = Math.ceil((input.durationMs * (steps.length - index)) / steps.length);
          const start = yield* activity(ctx, "startUpgrade", {
            clusterId: input.clusterId,
            kind: input.kind,
            target: input.target,
            ...(pool ? { pool } : {}),
            ...(pool ? { toImage: pre.pools.find((p) => p.pool === pool)?.to } : {}),
            guard: writeGuard(input, window, remainingMs),
          });
          if (!start.ok && start.code === FailureCode.missedWindow) {
            missed = start.message;
            break;
          }
          if (!start.ok) {
            failure = { code: start.code, message: start.message, ...(pool ? { pool } : {}) };
            break;
          }
          // Audited once: the first upgrade AKS accepted (a missed window before any write is no start).
          if (!wrote)
            yield* audit(
              ctx,
              "cluster.started",
              input.rolloutId,
              { name: input.name, ring: input.ring, attempt: attempts },
              input.clusterId,
            );
          wrote = true;
          const check = yield* follow(ctx, start.handle, input.slowPollMs, poolEvents, seenEvents, () =>
            status("upgrading", {
              ...upgrading,
              progress: rollingProgress(planned, poolEvents.slice(attemptEvents)),
            }),
          );
          if (check.status !== "succeeded") {
            const failedPool = [...poolEvents].reverse().find((e) => e.phase === "Failed")?.pool ?? pool;
            failure = {
              code: check.error?.code ?? check.status,
              message: check.error?.message ?? `the operation ended ${check.status}`,
              ...(failedPool ? { pool: failedPool } : {}),
            };
            break;
          }
        }
        if (missed) break;
        if (!failure) {
          const verified = yield* verify(ctx, input, pre.pools);
          if (verified.ok) {
            const skipped = pre.skippedPools.map((s) => `${s.pool}: ${s.reason}`).join("; ");
            return ended({
              status: "succeeded",
              images: verified.images,
              ...(skipped ? { reason: skipped } : {}),
            });
          }
          failure = verificationFailed(verified.message);
        }
      }
      lastFailure = { code: failure.code, message: failure.message };
      // Retry within this window only if the retry (after its delay) still fits before the window ends.
      const retryAt = nowMs(ctx) + input.retries.delayMs;
      if (attempts > input.retries.attempts || retryAt + input.durationMs > window.end)
        return failed(failure);
      status("retrying", { attempt: attempts, lastError: failure.code, retryAt: iso(retryAt) });
      yield ctx.df.createTimer(at(retryAt));
      retry = true;
      window = { ...window, at: retryAt };
    }
    // Nothing was written: say why, then wait for the next window where the upgrade fits.
    attempts--;
    if (!wrote) started = undefined;
    missedNote = yield* reportMissedWindow(ctx, input, window, missed);
  }
}

/** Reads the cluster back: the target everywhere, provisioning Succeeded. */
function* verify(
  ctx: Ctx,
  input: ClusterUpgradeInput,
  pools: readonly { pool: string; to: string }[],
): Generator<
  df.Task,
  { ok: true; images: Record<string, string> } | { ok: false; message: string },
  unknown
> {
  const after = yield* activityWithRetry(ctx, "inspectCluster", { clusterId: input.clusterId });
  const images = Object.fromEntries(after.pools.map((p) => [p.name, p.nodeImageVersion]));
  const ok =
    after.provisioningState === "Succeeded" &&
    (input.kind === "kubernetes"
      ? after.currentKubernetesVersion === input.target &&
        after.pools.every((p) => p.currentOrchestratorVersion === input.target)
      : pools.every((p) => images[p.pool] === p.to));
  if (ok) return { ok, images };
  return {
    ok,
    message: `after the upgrade ${after.name} runs ${after.currentKubernetesVersion} (${after.pools.map((p) => `${p.name} ${p.currentOrchestratorVersion}/${p.nodeImageVersion}`).join(", ")}), state ${after.provisioningState}`,
  };
}

/** Pools a result keeps events for, at most (a cluster has at most 100 pools; each rolls once an attempt). */
const MAX_POOL_EVENTS = 300;

/**
 * Follows a running operation: progress from NodePoolRolling* events (shown in the status as they arrive),
 * a poll when none arrives for a while. Events are hints: only an end of rolling leads to a check of the
 * operation with ARM, and only ARM's answer ends the wait.
 */
function* follow(
  ctx: Ctx,
  handle: OperationRef,
  slowPollMs: number,
  poolEvents: PoolEvent[],
  seen: Set<string>,
  onProgress: () => void,
): Generator<df.Task, OperationStatus, unknown> {
  for (;;) {
    const event = ctx.df.waitForExternalEvent(ExternalEvent.nodePoolRolling);
    const poll = ctx.df.createTimer(at(nowMs(ctx) + slowPollMs));
    const winner = yield ctx.df.Task.any([event, poll]);
    if (winner === event) {
      poll.cancel();
      const parsed = NodePoolRollingEventSchema.safeParse(event.result);
      const e = parsed.success ? parsed.data : undefined;
      if (e && seen.has(e.eventKey)) continue;
      if (e) seen.add(e.eventKey);
      if (poolEvents.length < MAX_POOL_EVENTS)
        poolEvents.push({
          pool: e?.nodePoolName ?? "",
          phase: e?.phase ?? "",
          time: e?.time ?? iso(nowMs(ctx)),
        });
      if (e) onProgress();
      // Only an end of rolling can mean the operation is over; check then.
      if (e?.phase === "Started") continue;
    }
    const check = yield* activityWithRetry(ctx, "checkOperation", handle);
    if (check.done) return check;
  }
}

/** The status's view of this attempt's events: pools of the plan AKS reported rolled, and the last event. */
export function rollingProgress(
  planned: readonly string[],
  events: readonly PoolEvent[],
): NonNullable<ClusterStatusDetail["progress"]> {
  const last = events[events.length - 1] ?? { pool: "", phase: "", time: "" };
  const rolled = new Set(
    events.filter((e) => e.phase === "Succeeded" && planned.includes(e.pool)).map((e) => e.pool),
  );
  return { rolled: rolled.size, of: planned.length, pool: last.pool, phase: last.phase, time: last.time };
}
