import type * as df from "durable-functions";
import type { FleetRunStatus } from "../contracts/fleet-run.js";
import type { PreparedRollout } from "../contracts/prepared-rollout.js";
import type { RolloutStatus } from "../contracts/rollout-status.js";
import { fleetRunName, parseRingmasterGateName } from "../domain/fleet-run-plan.js";
import { audit } from "./audit.js";
import { activityWithRetry, iso, nowMs, type Ctx } from "./call.js";
import { idle } from "./fleet-idle.js";
import {
  applyRunStatus,
  firstWindow,
  freezeAt,
  overBudget,
  stageName,
  type FleetProgress,
} from "./fleet-rollout-state.js";
import { halt } from "./rollout-halt.js";
import { approval } from "./rollout-approval.js";
import { finish } from "./rollout-finish.js";
import { haltMessage } from "./rollout-messages.js";
import { enter, publish, type RolloutState } from "./rollout-status.js";

/**
 * A rollout carried out by Azure Kubernetes Fleet Manager (policy `executor: fleet`): the rings become one
 * update run (activities/fleet-run.ts builds it from the plan), started an hour before the first window
 * (Fleet looks at member windows hourly), then watched — a status poll every 5 minutes while members
 * update and hourly otherwise, never more than once a minute, on durable timers; a gate's ARN event wakes
 * it at once. Ringmaster answers its own gates: a ring's approval is asked as its own executor asks it,
 * with the policy's timeout (`onTimeout: reject` stops the run), a ring's health gate is judged with
 * evidence recorded before the gate is PATCHed Completed. Freezes stop the run and start it again after;
 * member failures beyond a ring's budget stop it and halt the rollout (resume goes on in a follow-up run
 * without the failed members). `POST /api/rollouts/{id}/retry` restarts the ended rollout for one more
 * run with the failed and skipped members and the same image. Each execution polls at most
 * `POLLS_PER_EXECUTION` times, then continues as new: histories stay short.
 */
const POLL_RUNNING_MS = 5 * 60_000;
const POLL_IDLE_MS = 60 * 60_000;
/** Fleet polls member windows every 60 minutes: a run started this long before a window sees it open. */
const START_LEAD_MS = 60 * 60_000;
const POLLS_PER_EXECUTION = 40;

type Carried = RolloutState & { prepared: PreparedRollout; status: RolloutStatus };
type Outcome = "completed" | "rejected" | "canceled";

export function* fleetRollout(ctx: Ctx, state: Carried): Generator<df.Task, unknown, unknown> {
  const { input, prepared, status } = state;
  const id = ctx.df.instanceId;
  let progress: FleetProgress = state.fleet ?? {
    fleetId: "",
    runs: [],
    started: false,
    handled: [],
    haltedRings: [],
    earlier: {},
  };
  const end = (outcome: Outcome, run?: FleetRunStatus) => finishFleet(ctx, state, progress, outcome, run);

  if (progress.runs.length === 0 || progress.retry) {
    const mode = progress.retry ? "retry" : "plan";
    const made = yield* createRun(ctx, state, progress, mode, 0);
    if (!made) return yield* end("completed");
    progress = made;
  }
  for (let polls = 0; ; polls++) {
    const runName = progress.runs[progress.runs.length - 1]!.name;
    if (!progress.started) {
      const startAt = progress.runs.length === 1 ? firstWindow(prepared, nowMs(ctx)) - START_LEAD_MS : 0;
      const freeze = freezeAt(prepared, Math.max(startAt, nowMs(ctx)));
      const waitUntil = Math.max(startAt, freeze ? Date.parse(freeze.end) : 0);
      if (waitUntil > nowMs(ctx)) {
        enter(
          status,
          "planned",
          `Fleet update run ${runName} starts at ${iso(waitUntil)}${freeze ? ` (after freeze ${freeze.name})` : ""}`,
        );
        publish(ctx, status);
        if ((yield* idle(ctx, status, waitUntil)) === "cancel") return yield* end("canceled");
        continue;
      }
      yield* activityWithRetry(ctx, "fleetRunAction", { runName, action: "start" });
      progress = { ...progress, started: true };
      yield* audit(ctx, "fleet.run.started", id, { run: runName, fleet: progress.fleetId });
    }

    const run = yield* activityWithRetry(ctx, "pollFleetRun", { runName });
    applyRunStatus(status, prepared, progress, run);
    const active = run.stages.find((s) => s.state === "Running");
    enter(
      status,
      "running",
      `Fleet update run ${runName}: ${run.state}${active ? `, stage ${active.name}` : ""}`,
    );
    publish(ctx, status);

    // A freeze: stop the run (members in flight finish), start it again when the freeze ends.
    const freeze = freezeAt(prepared, nowMs(ctx));
    if (freeze && run.state === "Running") {
      yield* activityWithRetry(ctx, "fleetRunAction", { runName, action: "stop" });
      yield* audit(ctx, "fleet.run.stopped", id, { run: runName, reason: `freeze ${freeze.name}` });
      enter(
        status,
        "paused",
        `Fleet update run ${runName} stopped for freeze ${freeze.name} until ${freeze.end}`,
      );
      publish(ctx, status);
      if ((yield* idle(ctx, status, Date.parse(freeze.end))) === "cancel") return yield* end("canceled", run);
      progress = { ...progress, started: false };
      continue;
    }

    // Member failures beyond a ring's budget: stop, halt, and on resume go on without the failed members.
    const over = overBudget(prepared, progress, run);
    if (over) {
      // Stop, and let the members in flight finish before anything else touches them.
      if (run.state === "Running") {
        yield* activityWithRetry(ctx, "fleetRunAction", { runName, action: "stop" });
        yield* audit(ctx, "fleet.run.stopped", id, {
          run: runName,
          reason: `${over.count} failed in ${over.ring}`,
        });
      }
      if (run.state === "Running" || run.state === "Stopping") {
        if ((yield* idle(ctx, status, nowMs(ctx) + POLL_RUNNING_MS)) === "cancel")
          return yield* end("canceled", run);
        continue;
      }
      // The ring's retries: a follow-up run takes its failed members again.
      const used = progress.attempts?.[over.ring] ?? 0;
      if (used < (prepared.settings.rings[over.index]?.retries ?? 0)) {
        progress = { ...progress, attempts: { ...progress.attempts, [over.ring]: used + 1 } };
        const next = yield* createRun(ctx, state, progress, "continue", over.index, run, true);
        if (!next) return yield* end("completed", run);
        progress = next;
        continue;
      }
      const ringStatus = status.rings[over.index];
      if (ringStatus) ringStatus.status = "halted";
      const answer = yield* halt(
        ctx,
        status,
        over.ring,
        prepared.settings.rings[over.index]?.notify ?? [],
        haltMessage(
          id,
          input,
          over.ring,
          over.failed,
          over.budget,
          prepared.settings.baseUrl,
          nowMs(ctx),
          [],
          over.count,
        ),
      );
      if (answer === "cancel") return yield* end("canceled", run);
      if (ringStatus) ringStatus.status = "resumed";
      progress = { ...progress, haltedRings: [...progress.haltedRings, over.ring] };
      const next = yield* createRun(ctx, state, progress, "continue", over.index, run);
      if (!next) return yield* end("completed", run);
      progress = next;
      continue;
    }

    // Ringmaster's own gates: approvals (asked, with an expiry) and health checks (judged, with evidence).
    const gate = run.gates.find((g) => !progress.handled.includes(g.gateId));
    const ours = gate ? parseRingmasterGateName(gate.displayName) : undefined;
    if (gate && ours && ours.rolloutId === id) {
      const index = prepared.settings.rings.findIndex((r) => r.name === ours.ring);
      const settings = prepared.settings.rings[index];
      if (settings && ours.kind === "approval") {
        const answer = yield* approval(
          ctx,
          prepared,
          status,
          ours.ring,
          settings.approvalTimeoutMs,
          settings.onTimeout,
          nowMs(ctx),
        );
        if (answer !== "approved") {
          yield* activityWithRetry(ctx, "fleetRunAction", { runName, action: "stop" });
          yield* audit(ctx, "fleet.run.stopped", id, {
            run: runName,
            reason: `approval of ${ours.ring} ${answer}`,
          });
          const ringStatus = status.rings[index];
          if (ringStatus) ringStatus.status = answer;
          return yield* end(answer, run);
        }
      } else if (settings) {
        const verdict = yield* activityWithRetry(ctx, "evaluateFleetStage", {
          runName,
          stage: gate.stage,
          gates: [...settings.gates],
        });
        // The evidence is recorded before the gate is answered.
        const ringStatus = status.rings[index];
        if (ringStatus) ringStatus.gates = verdict.results;
        publish(ctx, status);
        yield* audit(ctx, "fleet.gate.evaluated", id, {
          ring: ours.ring,
          gate: gate.gateId,
          passed: verdict.passed,
          clusters: verdict.clusters,
          gates: verdict.results.map((r) => `${r.gate}: ${r.passed ? "passed" : "failed"}`),
        });
        if (!verdict.passed) {
          const failedGates = verdict.results.filter((r) => !r.passed);
          const answer = yield* halt(
            ctx,
            status,
            ours.ring,
            settings.notify,
            haltMessage(
              id,
              input,
              ours.ring,
              [],
              settings.failureBudget,
              prepared.settings.baseUrl,
              nowMs(ctx),
              failedGates,
              0,
            ),
          );
          if (answer === "cancel") {
            yield* activityWithRetry(ctx, "fleetRunAction", { runName, action: "stop" });
            return yield* end("canceled", run);
          }
        }
      }
      // An approval or a halt can wait for days: a freeze may have begun meanwhile. The gate is not
      // answered inside one (that would let the next stage start); it is once the freeze ends.
      for (let frozen = freezeAt(prepared, nowMs(ctx)); frozen; frozen = freezeAt(prepared, nowMs(ctx))) {
        enter(
          status,
          "paused",
          `Fleet update run ${runName}: gate of ${ours.ring} answered in freeze ${frozen.name}; passed on at ${frozen.end}`,
        );
        publish(ctx, status);
        if ((yield* idle(ctx, status, Date.parse(frozen.end))) === "cancel") {
          yield* activityWithRetry(ctx, "fleetRunAction", { runName, action: "stop" });
          return yield* end("canceled", run);
        }
      }
      yield* activityWithRetry(ctx, "approveFleetGate", { gateId: gate.gateId });
      yield* audit(ctx, "fleet.gate.approved", id, { gate: gate.gateId, ring: ours.ring, kind: ours.kind });
      progress = { ...progress, handled: [...progress.handled, gate.gateId].slice(-200) };
      continue;
    }

    if (run.state === "Completed") return yield* end("completed", run);
    if (run.state === "Failed") {
      // Failures within the budget: Fleet failed the run; Ringmaster reruns the failed members while the
      // ring's retries last, then goes on without them.
      const failedAt = run.stages.findIndex((s) => s.state === "Failed");
      const index = prepared.settings.rings.findIndex(
        (_, i) => stageName(prepared, i) === run.stages[failedAt]?.name,
      );
      const ring = prepared.settings.rings[index];
      const used = ring ? (progress.attempts?.[ring.name] ?? 0) : 0;
      const again = ring !== undefined && used < ring.retries;
      if (again) progress = { ...progress, attempts: { ...progress.attempts, [ring.name]: used + 1 } };
      const next =
        index >= 0 ? yield* createRun(ctx, state, progress, "continue", index, run, again) : undefined;
      if (!next) return yield* end("completed", run);
      progress = next;
      continue;
    }
    if (run.state === "Stopped" || run.state === "Missing") return yield* end("canceled", run);

    if (polls + 1 >= POLLS_PER_EXECUTION) {
      ctx.df.continueAsNew({ ...state, status, fleet: progress } satisfies RolloutState);
      return undefined;
    }
    const busy = run.stages.some((s) => s.counts.running > 0);
    const nextFreeze = prepared.settings.freezes.map((f) => Date.parse(f.start)).find((t) => t > nowMs(ctx));
    // Polls come at most once a minute; a freeze's start wakes it exactly (to stop the run in time).
    const poll = Math.max(nowMs(ctx) + (busy ? POLL_RUNNING_MS : POLL_IDLE_MS), nowMs(ctx) + 60_000);
    if ((yield* idle(ctx, status, Math.min(poll, nextFreeze ?? Infinity))) === "cancel") {
      yield* activityWithRetry(ctx, "fleetRunAction", { runName, action: "stop" });
      return yield* end("canceled", run);
    }
  }
}

/** Writes the next run to Fleet; undefined when no member is left for it. */
function* createRun(
  ctx: Ctx,
  state: Carried,
  progress: FleetProgress,
  mode: "plan" | "continue" | "retry",
  fromRing: number,
  previous?: FleetRunStatus,
  retryFailed = false,
): Generator<df.Task, FleetProgress | undefined, unknown> {
  const { input, prepared, status } = state;
  const runName = fleetRunName(ctx.df.instanceId, progress.runs.length + 1);
  const earlier = { ...progress.earlier };
  // A retry (API) or a rerun of failures takes the failed members again: they no longer count as failed.
  const earlierFailed = mode === "retry" ? {} : { ...progress.earlierFailed };
  for (const s of previous?.stages ?? []) {
    earlier[s.name] = (earlier[s.name] ?? 0) + s.counts.completed;
    if (!retryFailed && mode !== "retry")
      earlierFailed[s.name] = (earlierFailed[s.name] ?? 0) + s.counts.failed;
  }
  try {
    const created = yield* activityWithRetry(ctx, "createFleetRun", {
      rolloutId: ctx.df.instanceId,
      kind: input.kind,
      ...(input.level ? { level: input.level } : {}),
      target: input.target,
      planMs: mode === "plan" ? Date.parse(prepared.runId) : nowMs(ctx),
      runName,
      mode,
      fromRing,
      previousRuns: progress.runs.map((r) => r.name).slice(-20),
      retryFailed,
      ...(mode === "retry" && status.fleet?.selectedNodeImageVersions
        ? { nodeImageVersions: status.fleet.selectedNodeImageVersions }
        : {}),
    });
    yield* audit(ctx, "fleet.run.created", ctx.df.instanceId, {
      run: runName,
      mode,
      fleet: created.fleetId,
      upgradeType: created.upgradeType,
      stages: created.stages.map((s) => `${s.name} (${s.groups} groups, ${s.members} members)`),
      notMembers: created.notMembers.count,
    });
    const next: FleetProgress = {
      ...progress,
      fleetId: created.fleetId,
      runs: [...progress.runs, { name: runName, mode }],
      started: false,
      handled: progress.handled,
      earlier,
      earlierFailed,
    };
    delete (next as { retry?: unknown }).retry;
    status.fleet = {
      fleetId: created.fleetId,
      runs: [
        ...(status.fleet?.runs ?? []),
        {
          name: runName,
          mode,
          state: "NotStarted",
          stages: created.stages.map((s) => ({
            name: s.name,
            state: "NotStarted",
            counts: {
              total: s.members,
              notStarted: s.members,
              pending: 0,
              running: 0,
              completed: 0,
              failed: 0,
              skipped: 0,
            },
          })),
        },
      ].slice(-20),
      ...(status.fleet?.selectedNodeImageVersions
        ? { selectedNodeImageVersions: status.fleet.selectedNodeImageVersions }
        : {}),
    };
    publish(ctx, status);
    return next;
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error);
    if (/no member of Fleet/.test(text)) return undefined;
    throw error;
  }
}

function* finishFleet(
  ctx: Ctx,
  state: Carried,
  progress: FleetProgress,
  outcome: Outcome,
  run?: FleetRunStatus,
): Generator<df.Task, unknown, unknown> {
  const { status, prepared } = state;
  if (run) applyRunStatus(status, prepared, progress, run);
  for (const r of status.rings)
    if (r.status === "running") r.status = outcome === "completed" ? "succeeded" : outcome;
  const out = (yield* finish(ctx, state, outcome, 0)) as Record<string, unknown>;
  // What `POST …/retry` restarts the rollout from (bounded: the prepared summary and the progress); only a
  // completed rollout is retried (a rejected or canceled one was stopped on purpose).
  if (outcome !== "completed") return { ...out, fleet: status.fleet };
  return { ...out, fleet: status.fleet, resume: { input: state.input, prepared, status, fleet: progress } };
}
