import type { LocalRun } from "../app/local-run.js";
import { ClusterWorkflowStatusSchema, readRolloutStatus } from "../contracts/rollout-status.js";

/**
 * The terminal view of a local run: one line whenever a rollout changes phase or a cluster changes state
 * (from the app's durable API), and for every operation and email the simulator records — each stamped with
 * simulated time.
 */
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
    const res = await fetch(`${this.run.host.baseUrl}/runtime/webhooks/durabletask/instances/`);
    const instances = (await res.json()) as InstanceView[];
    // Each cluster workflow's own phase: waiting for its window (and when), preflight, upgrading a pool, retrying.
    for (const i of instances.filter(
      (x) => x.instanceId.startsWith("cluster:") && x.runtimeStatus === "Running",
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
    for (const i of instances.filter((x) => x.instanceId.startsWith("rollout:"))) {
      const read = readRolloutStatus(i.customStatus);
      const status = read.ok ? read.status : undefined;
      const why = i.runtimeStatus === "Failed" ? ` — ${describeOutput(i.output)}` : "";
      this.note(
        `${i.instanceId}`,
        `${i.runtimeStatus}: ${status?.phase ?? ""}${why}`,
        (v) => `[${stamp}] ${i.instanceId.replace(/^rollout:[^:]+:/, "rollout ")} — ${v}`,
      );
      for (const ring of status?.rings ?? []) {
        for (const [name, c] of Object.entries(ring.clusters)) {
          this.note(
            `${i.instanceId}|${name}`,
            c.status,
            (v) =>
              `[${stamp}]   ${ring.name}/${name}: ${v}${c.reason && v !== "scheduled" ? ` (${c.reason.slice(0, 140)})` : ""}`,
          );
        }
      }
    }
    const ops = this.run.sim.world.records.operations;
    for (const op of ops.slice(this.operations))
      this.print(
        `[${op.start.slice(0, 16).replace("T", " ")}] AKS ${op.kind} ${op.cluster}${op.pool ? `/${op.pool}` : ""} → ${op.target}`,
      );
    this.operations = ops.length;
    for (const op of ops.filter((o) => o.end && !this.seen.has(`op:${o.id}:${o.pool}:${o.start}`))) {
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
