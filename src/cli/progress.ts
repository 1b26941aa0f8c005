import type { LocalRun } from "../app/local-run.js";
import { LaneStatusSchema } from "../contracts/lanes.js";
import { ClusterWorkflowStatusSchema, readRolloutStatus } from "../contracts/rollout-status.js";

/**
 * The terminal view of a local run: one line whenever a rollout changes phase, a ring's counts change or a
 * cluster needs attention (from the app's durable API), and for every email the simulator records; in a
 * small fleet also every cluster phase and AKS operation — each stamped with simulated time.
 */
/** Up to this many clusters every cluster phase and AKS operation gets its own line; beyond, counts. */
const DETAIL_UP_TO = 30;

interface InstanceView {
  instanceId: string;
  runtimeStatus: string;
  output?: unknown;
  customStatus?: unknown;
}

export class ProgressReporter {
  private readonly seen = new Map<string, string>();
  private operations = 0;
  private emails = 0;

  constructor(
    private readonly run: LocalRun,
    private readonly print: (line: string) => void,
  ) {}

  async poll(): Promise<void> {
    const stamp = new Date(this.run.clock.now()).toISOString().slice(0, 16).replace("T", " ");
    const small = this.run.sim.world.clusters.length <= DETAIL_UP_TO;
    // A large fleet's thousands of cluster and lane workflows are not read on every poll: rollouts only.
    // The view reads statuses and outputs, never inputs (a rollout's holds its whole plan).
    const res = await fetch(
      `${this.run.host.baseUrl}/runtime/webhooks/durabletask/instances/?showInput=false${small ? "" : "&instanceIdPrefix=rollout:"}`,
    );
    const instances = (await res.json()) as InstanceView[];
    // Each cluster workflow's own phase: waiting for its window (and when), preflight, upgrading a pool, retrying.
    for (const i of instances.filter(
      (x) => small && x.instanceId.startsWith("cluster:") && x.runtimeStatus === "Running",
    )) {
      const parsed = ClusterWorkflowStatusSchema.safeParse(i.customStatus);
      if (!parsed.success) continue;
      const c = parsed.data;
      const detail = c.startAt
        ? ` (starts ${c.startAt.slice(0, 16).replace("T", " ")})`
        : c.pool
          ? ` (${c.pool})`
          : c.retryAt
            ? ` (at ${c.retryAt.slice(0, 16).replace("T", " ")})`
            : "";
      this.note(i.instanceId, `${c.phase}${detail}`, (v) => `[${stamp}]   cluster ${c.cluster}: ${v}`);
    }
    // A small fleet: each cluster's state as its lane shows it (planned, started, waiting, its result).
    for (const i of instances.filter((x) => small && x.instanceId.startsWith("lane:"))) {
      const lane = LaneStatusSchema.safeParse(i.customStatus);
      if (!lane.success) continue;
      for (const [name, c] of Object.entries(lane.data.clusters))
        this.note(
          `${lane.data.rollout}|${name}`,
          c.status,
          (v) =>
            `[${stamp}]   ${lane.data.ring}/${name}: ${v}${c.reason && v !== "scheduled" ? ` (${c.reason})` : ""}`,
        );
    }
    for (const i of instances.filter((x) => x.instanceId.startsWith("rollout:"))) {
      const read = readRolloutStatus(i.customStatus);
      const status = read.ok ? read.status : undefined;
      const why = i.runtimeStatus === "Failed" ? ` — ${describeOutput(i.output)}` : "";
      const rollout = i.instanceId.replace(/^rollout:[^:]+:/, "rollout ");
      this.note(
        `${i.instanceId}`,
        `${i.runtimeStatus}: ${status?.phase ?? ""}${why}`,
        (v) => `[${stamp}] ${rollout} — ${v}`,
      );
      // Counts per ring, and the clusters that need attention: readable at thousands of clusters.
      for (const ring of status?.rings ?? []) {
        const c = ring.counts;
        const parts = [
          `${c.succeeded}/${c.total - c.skipped} upgraded`,
          ...(c.running ? [`${c.running} in flight`] : []),
          ...(c.scheduled ? [`${c.scheduled} scheduled`] : []),
          ...(c.failed ? [`${c.failed} failed`] : []),
          ...(c.skipped ? [`${c.skipped} skipped`] : []),
          ...(c.canceled ? [`${c.canceled} canceled`] : []),
        ];
        this.note(
          `${i.instanceId}|ring|${ring.name}`,
          `${ring.status}: ${parts.join(", ")}`,
          (v) => `[${stamp}]   ${ring.name}: ${v}`,
        );
      }
      for (const a of status?.attention?.clusters ?? [])
        this.note(
          `${i.instanceId}|attention|${a.ring}|${a.name}`,
          `${a.status}${a.code ? ` ${a.code}` : ""}`,
          (v) => `[${stamp}]   ! ${a.ring}/${a.name}: ${v}${a.reason ? ` (${a.reason})` : ""}`,
        );
      const more = status?.attention?.more ?? 0;
      if (more)
        this.note(
          `${i.instanceId}|attention-more`,
          String(more),
          (v) => `[${stamp}]   ! … and ${v} more (GET /api/rollouts/{id}/clusters)`,
        );
    }
    const ops = this.run.sim.world.records.operations;
    if (!small) {
      // A large fleet: one line when AKS's operations change, not one per operation.
      const ended = ops.filter((o) => o.end);
      const failed = ended.filter((o) => o.result !== "Succeeded").length;
      this.note(
        "ops",
        `${ops.length - ended.length} running, ${ended.length} done, ${failed} failed`,
        (v) => `[${stamp}] AKS operations: ${v}`,
      );
      this.operations = ops.length;
    }
    for (const op of ops.slice(this.operations))
      this.print(
        `[${op.start.slice(0, 16).replace("T", " ")}] AKS ${op.kind} ${op.cluster}${op.pool ? `/${op.pool}` : ""} → ${op.target}`,
      );
    this.operations = ops.length;
    for (const op of ops.filter((o) => small && o.end && !this.seen.has(`op:${o.id}:${o.pool}:${o.start}`))) {
      this.seen.set(`op:${op.id}:${op.pool}:${op.start}`, "done");
      this.print(
        `[${op.end!.slice(0, 16).replace("T", " ")}] AKS ${op.kind} ${op.cluster}${op.pool ? `/${op.pool}` : ""} ${op.result}${op.error ? `: ${op.error.code}` : ""}`,
      );
    }
    const emails = this.run.sim.world.records.emails;
    for (const e of emails.slice(this.emails))
      this.print(`[${e.time.slice(0, 16).replace("T", " ")}] email to ${e.to.join(", ")}: ${e.subject}`);
    this.emails = emails.length;
  }

  private note(key: string, value: string, line: (v: string) => string): void {
    if (this.seen.get(key) === value) return;
    this.seen.set(key, value);
    this.print(line(value));
  }
}

function describeOutput(output: unknown): string {
  if (typeof output === "string") return output.split("\n")[0]!.slice(0, 300);
  return JSON.stringify(output ?? null).slice(0, 300);
}
