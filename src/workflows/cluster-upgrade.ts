import type * as df from "durable-functions";
import type { OperationCheck, OperationHandle } from "../azure/aks.js";
import type { WindowSource } from "../domain/inventory.js";
import { windowIntervals } from "../domain/window-source.js";
import { nextFit, type Interval } from "../domain/windows.js";
import { activity, activityWithRetry, at, iso, nowMs, type Ctx } from "./call.js";
import {
  ClusterEvents,
  ControlEventSchema,
  ExternalEvent,
  type ClusterResult,
  type ClusterUpgradeInput,
  type PoolEvent,
} from "./contracts.js";

/**
 * One cluster's upgrade (instance id `cluster:<sub>:<rg>:<name>`, so NodePoolRolling* events find it),
 * launched by a rollout and reporting its result back to it:
 * wait for the next window where the predicted duration fits and no freeze applies → preflight → one write
 * (the whole cluster for Kubernetes — AKS then does the control plane and each pool in turn; each pool for
 * node images) → follow progress from NodePoolRolling* events, with a slow poll as fallback → verify.
 * A failure is retried within the same window while the retry still fits; what persists fails the cluster
 * with AKS's error code and message.
 */
const SKIP_CODES = [
  "AlreadyAtTarget",
  "AutoUpgradeChannelConflict",
  "ClusterStopped",
  "WouldSkipMinor",
  "NewerThanTarget",
  "HeldAtQualifiedImage",
];

export function* clusterUpgradeWorkflow(ctx: Ctx): Generator<df.Task, ClusterResult, unknown> {
  const input = ctx.df.getInput<ClusterUpgradeInput>();
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
      code: "WorkflowFailed",
      reason: message,
      attempts: 0,
      poolEvents: [],
    };
  }
  yield* activityWithRetry(ctx, "reportClusterResult", {
    rolloutId: input.rolloutId,
    runId: input.runId,
    result,
  });
  return result;
}

function* upgrade(ctx: Ctx, input: ClusterUpgradeInput): Generator<df.Task, ClusterResult, unknown> {
  const poolEvents: PoolEvent[] = [];
  const base = { clusterId: input.clusterId, name: input.name, ring: input.ring };
  const status = (phase: string, extra: Record<string, unknown> = {}) =>
    ctx.df.setCustomStatus({
      phase,
      cluster: input.name,
      ring: input.ring,
      rollout: input.rolloutId,
      ...extra,
    });

  let attempts = 0;
  const waited = yield* waitForWindow(ctx, input, status);
  if ("outcome" in waited)
    return { ...base, status: waited.outcome, reason: waited.reason, attempts, poolEvents };
  let window = waited;

  const started = iso(nowMs(ctx));
  // The result once the cluster was touched: it carries when, how many attempts, and the pool events seen.
  const ended = (result: Pick<ClusterResult, "status"> & Partial<ClusterResult>): ClusterResult => ({
    ...base,
    start: started,
    end: iso(nowMs(ctx)),
    attempts,
    poolEvents,
    ...result,
  });
  const failed = (f: { code: string; message: string; pool?: string }) =>
    ended({ status: "failed", ...f, reason: f.message });
  let retry = false;
  for (;;) {
    attempts++;
    status("preflight", { attempt: attempts });
    const pre = yield* activityWithRetry(ctx, "preflight", {
      clusterId: input.clusterId,
      kind: input.kind,
      target: input.target,
      pinnedImages: input.pinnedImages,
    });
    let failure: { code: string; message: string; pool?: string } | undefined;
    if (!pre.ok && pre.code === "AlreadyAtTarget" && retry) {
      // What an earlier attempt reported failed got there after all (AKS finished it, or a person did).
      const verified = yield* verify(ctx, input, []);
      if (verified.ok) return ended({ status: "succeeded", images: verified.images });
      failure = { code: "VerificationFailed", message: verified.message };
    } else if (!pre.ok) {
      if (SKIP_CODES.includes(pre.code) && !retry)
        return { ...base, status: "skipped", code: pre.code, reason: pre.message, attempts, poolEvents };
      failure = { code: pre.code, message: pre.message };
      if (!pre.retriable) return failed(failure);
    } else {
      const steps = input.kind === "kubernetes" ? [undefined] : pre.pools.map((p) => p.pool);
      for (const pool of steps) {
        status("upgrading", { attempt: attempts, ...(pool ? { pool } : {}), since: iso(nowMs(ctx)) });
        const start = yield* activity(ctx, "startUpgrade", {
          clusterId: input.clusterId,
          kind: input.kind,
          target: input.target,
          ...(pool ? { pool } : {}),
          ...(pool ? { toImage: pre.pools.find((p) => p.pool === pool)?.to } : {}),
          retry,
        });
        if (!start.ok) {
          failure = { code: start.code, message: start.message, ...(pool ? { pool } : {}) };
          break;
        }
        const check = yield* follow(ctx, start.handle, input.slowPollMs, poolEvents);
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
        failure = { code: "VerificationFailed", message: verified.message };
      }
    }
    // Retry within this window only if the retry (after its delay) still fits before the window ends.
    const retryAt = nowMs(ctx) + input.retries.delayMs;
    if (attempts > input.retries.attempts || retryAt + input.durationMs > window.end) return failed(failure);
    status("retrying", { attempt: attempts, lastError: failure.code, retryAt: iso(retryAt) });
    yield ctx.df.createTimer(at(retryAt));
    retry = true;
    window = { ...window, at: retryAt };
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

/**
 * Waits for the next window start where the upgrade fits (outside freezes). The rollout may hold the cluster
 * meanwhile (pause → wait for resume, then look for the next fit again) or release it (cancel).
 */
function* waitForWindow(
  ctx: Ctx,
  input: ClusterUpgradeInput,
  status: (phase: string, extra?: Record<string, unknown>) => void,
): Generator<
  df.Task,
  { start: number; end: number; at: number } | { outcome: "skipped" | "canceled"; reason: string },
  unknown
> {
  const source = (input.window ?? undefined) as WindowSource | undefined;
  let paused = false;
  for (;;) {
    const from = Math.max(nowMs(ctx), input.notBefore);
    const window = paused
      ? undefined
      : fitIn(windowIntervals(source, from, input.horizonEnd, input.blocked), from, input.durationMs);
    if (!paused && !window)
      return {
        outcome: "skipped",
        reason: `no maintenance window fits a ${Math.round(input.durationMs / 60_000)}-minute upgrade before ${iso(input.horizonEnd)}`,
      };
    if (window && window.at <= nowMs(ctx)) return window;
    if (window)
      status("waiting for window", {
        windowStart: iso(window.start),
        windowEnd: iso(window.end),
        startAt: iso(window.at),
      });
    else status("paused by the rollout");
    const hold = ctx.df.waitForExternalEvent(ClusterEvents.hold);
    const timer = window ? ctx.df.createTimer(at(window.at)) : undefined;
    const winner = yield ctx.df.Task.any(timer ? [hold, timer] : [hold]);
    if (winner === timer) return window!;
    timer?.cancel();
    const event = ControlEventSchema.safeParse(hold.result);
    if (!event.success) continue;
    if (event.data.action === "cancel")
      return { outcome: "canceled", reason: `canceled by ${event.data.by} before its window` };
    paused = event.data.action === "pause";
  }
}

/** Follows a running operation: progress from NodePoolRolling* events, a poll when none arrives for a while. */
function* follow(
  ctx: Ctx,
  handle: OperationHandle,
  slowPollMs: number,
  poolEvents: PoolEvent[],
): Generator<df.Task, OperationCheck, unknown> {
  for (;;) {
    const event = ctx.df.waitForExternalEvent(ExternalEvent.nodePoolRolling);
    const poll = ctx.df.createTimer(at(nowMs(ctx) + slowPollMs));
    const winner = yield ctx.df.Task.any([event, poll]);
    if (winner === event) {
      poll.cancel();
      const e = event.result as { phase?: string; nodePoolName?: string; time?: string } | undefined;
      poolEvents.push({
        pool: e?.nodePoolName ?? "",
        phase: e?.phase ?? "",
        time: e?.time ?? iso(nowMs(ctx)),
      });
      // Only an end of rolling can mean the operation is over; check then.
      if (e?.phase === "Started") continue;
    }
    const check = yield* activityWithRetry(ctx, "checkOperation", handle);
    if (check.done) return check;
  }
}

function fitIn(
  windows: readonly Interval[],
  from: number,
  durationMs: number,
): { start: number; end: number; at: number } | undefined {
  const start = nextFit(windows, from, durationMs);
  if (start === undefined) return undefined;
  const w = windows.find((x) => x.start <= start && start + durationMs <= x.end)!;
  return { start: w.start, end: w.end, at: start };
}
