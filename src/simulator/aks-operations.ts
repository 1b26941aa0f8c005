import { randomUUID } from "node:crypto";
import type { Clock, TimerHandle } from "../clock/clock.js";
import { clusterId, etag, inFlightScope, keyOf, type SimCluster, type SimPool } from "./aks-state.js";
import type { OperationRecord, Records } from "./records.js";

/**
 * Long-running AKS operations on the simulator's clock: a cluster upgrade takes the control plane first,
 * then each pool in turn (count × per-node minutes), raising NodePoolRolling* events as it goes; failed
 * drains come from the fleet file's faults; an abort cancels what has not finished. One operation per
 * cluster, as AKS enforces.
 */
export interface OperationsContext {
  readonly clock: Clock;
  readonly records: Records;
  readonly timing: { readonly controlPlaneMinutes: number; readonly perNodeMinutes: number };
  /** The region's newest node image of a family, as of now. */
  latestImage(location: string, currentImage: string): string;
  /** Raise an AKS Event Grid event for a cluster. */
  emitClusterEvent(cluster: SimCluster, type: string, data: Record<string, unknown>): void;
  /** Consume a matching fault, if the fleet file scheduled one. */
  takeFault(
    cluster: string,
    pool: string | undefined,
    on: "upgrade" | "nodeImageUpgrade" | "controlPlane",
  ): { error: string; message?: string; slowMinutes?: number } | undefined;
}

type Step =
  | { readonly kind: "controlPlane"; readonly target: string }
  | {
      readonly kind: "pool";
      readonly pool: SimPool;
      readonly target: string;
      readonly nodeImageOnly: boolean;
    };

export interface SimOperation {
  readonly id: string;
  readonly cluster: SimCluster;
  readonly startTime: number;
  status: "InProgress" | "Succeeded" | "Failed" | "Canceled";
  endTime: number | undefined;
  error: { code: string; message: string } | undefined;
  percentComplete: number;
  readonly steps: readonly Step[];
  current: number;
  timer: TimerHandle | undefined;
  /** When the current step ends (simulated epoch ms), and the fault it took: kept so a restart resumes it. */
  stepDue: number | undefined;
  stepFault: StepFault | undefined;
  readonly records: OperationRecord[];
}

export interface StepFault {
  readonly error: string;
  readonly message?: string;
  readonly slowMinutes?: number;
}

export class Operations {
  readonly all = new Map<string, SimOperation>();

  constructor(private readonly ctx: OperationsContext) {}

  /** A Kubernetes upgrade: control plane (if its version changes), then every pool whose version changes. */
  startUpgrade(cluster: SimCluster, target: string, poolTargets: ReadonlyMap<string, string>): SimOperation {
    const steps: Step[] = [];
    if (cluster.currentKubernetesVersion !== target) steps.push({ kind: "controlPlane", target });
    for (const pool of cluster.pools) {
      const poolTarget = poolTargets.get(pool.name);
      // A re-PUT after a failure retries the pools that did not reach their version.
      if (
        poolTarget &&
        (poolTarget !== pool.currentOrchestratorVersion || pool.provisioningState === "Failed")
      ) {
        steps.push({ kind: "pool", pool, target: poolTarget, nodeImageOnly: false });
      }
    }
    cluster.kubernetesVersion = target;
    for (const [name, v] of poolTargets) {
      const pool = cluster.pools.find((p) => p.name === name);
      if (pool) pool.orchestratorVersion = v;
    }
    const kind = steps.every((s) => s.kind === "controlPlane") ? "controlPlaneUpgrade" : "kubernetesUpgrade";
    return this.start(cluster, steps, kind, target);
  }

  startPoolUpgrade(cluster: SimCluster, pool: SimPool, target: string): SimOperation {
    pool.orchestratorVersion = target;
    return this.start(cluster, [{ kind: "pool", pool, target, nodeImageOnly: false }], "poolUpgrade", target);
  }

  /** Every pool to the node image `targetFor` names (Fleet's Consistent/Custom selection), one operation. */
  startNodeImageRefresh(cluster: SimCluster, targetFor: (pool: SimPool) => string): SimOperation {
    const steps: Step[] = cluster.pools.map((pool) => ({
      kind: "pool",
      pool,
      target: targetFor(pool),
      nodeImageOnly: true,
    }));
    return this.start(cluster, steps, "nodeImageUpgrade", steps[0]?.target ?? "");
  }

  startNodeImageUpgrade(cluster: SimCluster, pool: SimPool): SimOperation {
    const target = this.ctx.latestImage(cluster.location, pool.nodeImageVersion);
    return this.start(
      cluster,
      [{ kind: "pool", pool, target, nodeImageOnly: true }],
      "nodeImageUpgrade",
      target,
    );
  }

  abort(cluster: SimCluster): SimOperation | undefined {
    const op = cluster.runningOperation ? this.all.get(cluster.runningOperation) : undefined;
    if (!op || op.status !== "InProgress") return undefined;
    if (op.timer) this.ctx.clock.clearTimer(op.timer);
    const step = op.steps[op.current];
    if (step?.kind === "pool") step.pool.provisioningState = "Canceled";
    this.finish(op, "Canceled", {
      code: "OperationCanceled",
      message: "The operation was canceled by an abort request.",
    });
    return op;
  }

  private start(
    cluster: SimCluster,
    steps: Step[],
    kind: OperationRecord["kind"],
    target: string,
  ): SimOperation {
    const now = this.ctx.clock.now();
    const op: SimOperation = {
      id: randomUUID(),
      cluster,
      startTime: now,
      status: "InProgress",
      endTime: undefined,
      error: undefined,
      percentComplete: 0,
      steps,
      current: 0,
      timer: undefined,
      stepDue: undefined,
      stepFault: undefined,
      records: [],
    };
    this.all.set(op.id, op);
    this.ctx.records.trackInFlight(inFlightScope(cluster), 1);
    cluster.runningOperation = op.id;
    cluster.provisioningState = kind === "nodeImageUpgrade" ? "UpgradingNodeImageVersion" : "Upgrading";
    cluster.provisioningError = undefined;
    cluster.eTag = etag();
    this.ctx.records.log(
      "change",
      `${keyOf(cluster)}: ${kind} to ${target} started (${steps.length} step(s))`,
      { operation: op.id },
    );
    this.runStep(op);
    return op;
  }

  private runStep(op: SimOperation): void {
    const step = op.steps[op.current];
    if (!step) return this.finish(op, "Succeeded");
    const { cluster } = op;
    const now = this.ctx.clock.now();
    const poolName = step.kind === "pool" ? step.pool.name : null;
    const faultOn =
      step.kind === "controlPlane" ? "controlPlane" : step.nodeImageOnly ? "nodeImageUpgrade" : "upgrade";
    const fault = this.ctx.takeFault(cluster.name, poolName ?? undefined, faultOn);
    const record: OperationRecord = {
      id: op.id,
      cluster: cluster.name,
      pool: poolName,
      kind:
        step.kind === "controlPlane"
          ? "controlPlaneUpgrade"
          : step.nodeImageOnly
            ? "nodeImageUpgrade"
            : "poolUpgrade",
      target: step.target,
      start: new Date(now).toISOString(),
      end: null,
      result: "InProgress",
    };
    op.records.push(record);
    this.ctx.records.operations.push(record);
    let minutes: number;
    if (step.kind === "controlPlane") minutes = this.ctx.timing.controlPlaneMinutes;
    else {
      step.pool.provisioningState = step.nodeImageOnly ? "UpgradingNodeImageVersion" : "Upgrading";
      minutes = step.pool.count * this.ctx.timing.perNodeMinutes;
      this.ctx.emitClusterEvent(cluster, "Microsoft.ContainerService.NodePoolRollingStarted", {
        nodePoolName: step.pool.name,
      });
    }
    minutes += fault?.slowMinutes ?? 0;
    const failsAfter = fault?.error ? minutes / 2 : undefined;
    op.stepDue = now + (failsAfter ?? minutes) * 60_000;
    op.stepFault = fault;
    this.armStep(op);
  }

  /** Arms the current step's end at `stepDue`; also how a restored operation picks up where it was. */
  armStep(op: SimOperation): void {
    const step = op.steps[op.current];
    const record = op.records[op.current];
    if (!step || !record || op.stepDue === undefined || op.status !== "InProgress") return;
    const fault = op.stepFault;
    op.timer = this.ctx.clock.setTimer(op.stepDue, () => {
      op.timer = undefined;
      op.stepDue = undefined;
      if (fault?.error) return this.failStep(op, step, record, fault.error, fault.message);
      this.completeStep(op, step, record);
      op.current++;
      op.percentComplete = Math.round((op.current / op.steps.length) * 100);
      this.runStep(op);
    });
  }

  private completeStep(op: SimOperation, step: Step, record: OperationRecord): void {
    const { cluster } = op;
    record.end = new Date(this.ctx.clock.now()).toISOString();
    record.result = "Succeeded";
    if (step.kind === "controlPlane") {
      cluster.currentKubernetesVersion = step.target;
      this.ctx.records.log("change", `${keyOf(cluster)}: control plane now ${step.target}`);
      return;
    }
    const pool = step.pool;
    if (step.nodeImageOnly) pool.nodeImageVersion = step.target;
    else {
      pool.currentOrchestratorVersion = step.target;
      // Any Kubernetes upgrade also moves the pool to the region's latest node image.
      pool.nodeImageVersion = this.ctx.latestImage(cluster.location, pool.nodeImageVersion);
    }
    pool.provisioningState = "Succeeded";
    this.ctx.records.log(
      "change",
      `${keyOf(cluster)}/${pool.name}: now ${pool.currentOrchestratorVersion}, image ${pool.nodeImageVersion}`,
    );
    this.ctx.emitClusterEvent(cluster, "Microsoft.ContainerService.NodePoolRollingSucceeded", {
      nodePoolName: pool.name,
    });
  }

  private failStep(
    op: SimOperation,
    step: Step,
    record: OperationRecord,
    code: string,
    message: string | undefined,
  ): void {
    const poolName = step.kind === "pool" ? step.pool.name : "control plane";
    const text =
      message ??
      (code === "PodDrainFailure"
        ? `Drain of node aks-${poolName}-31415926-vmss000001 did not complete: Too many requests. Cannot evict pod as it would violate the pod's disruption budget. PDB debug info: ${poolName}/worker-0 blocked by pdb worker-pdb with 0 unready pods. See https://aka.ms/aks/debugdrainfailures`
        : `Upgrade of ${poolName} failed: ${code}`);
    record.end = new Date(this.ctx.clock.now()).toISOString();
    record.result = "Failed";
    record.error = { code, message: text };
    if (step.kind === "pool") {
      step.pool.provisioningState = "Failed";
      this.ctx.emitClusterEvent(op.cluster, "Microsoft.ContainerService.NodePoolRollingFailed", {
        nodePoolName: step.pool.name,
      });
    }
    this.finish(op, "Failed", { code, message: text });
  }

  private finish(
    op: SimOperation,
    status: "Succeeded" | "Failed" | "Canceled",
    error?: { code: string; message: string },
  ): void {
    const now = this.ctx.clock.now();
    op.status = status;
    op.endTime = now;
    op.percentComplete = status === "Succeeded" ? 100 : op.percentComplete;
    op.error = error;
    for (const r of op.records) {
      if (r.result === "InProgress") {
        r.result = status;
        r.end = new Date(now).toISOString();
        if (error) r.error = error;
      }
    }
    const { cluster } = op;
    this.ctx.records.trackInFlight(inFlightScope(cluster), -1);
    cluster.runningOperation = undefined;
    cluster.provisioningState = status;
    cluster.provisioningError = status === "Succeeded" ? undefined : error;
    cluster.eTag = etag();
    this.ctx.records.log(
      "change",
      `${keyOf(cluster)}: operation ${op.id} ${status}${error ? ` (${error.code})` : ""}`,
    );
  }

  /** The `operations/{id}` status body ARM polling returns (Azure-AsyncOperation protocol). */
  statusBody(op: SimOperation): Record<string, unknown> {
    return {
      id: `${clusterId(op.cluster).split("/resourceGroups/")[0]}/providers/Microsoft.ContainerService/locations/${op.cluster.location}/operations/${op.id}`,
      name: op.id,
      status: op.status,
      startTime: new Date(op.startTime).toISOString(),
      ...(op.endTime ? { endTime: new Date(op.endTime).toISOString() } : {}),
      percentComplete: op.percentComplete,
      ...(op.error ? { error: op.error } : {}),
    };
  }
}
