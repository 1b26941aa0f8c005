import { randomUUID } from "node:crypto";
import { clusterId, type SimCluster } from "./aks-state.js";
import type { SimOperation } from "./aks-operations.js";
import { holdAtGate, releaseGate } from "./fleet-gates.js";
import {
  fleetId,
  fleetKey,
  gateJson,
  iso,
  layoutStages,
  runJson,
  type GateState,
  type GroupRun,
  type RunState,
  type SimFleet,
} from "./fleet-state.js";
import type { World } from "./world.js";

export { fleetKey, type GateState, type SimFleet } from "./fleet-state.js";

/**
 * Azure Kubernetes Fleet Manager, simulated: fleets, members with update groups, update strategies and
 * update runs (stages in order, groups in parallel, members one by one), after-stage waits, and
 * Approval gates (fleet-gates.ts) that hold the run until they are PATCHed to Completed. Member upgrades
 * are real simulated AKS operations. The records and their JSON views are in fleet-state.ts.
 * Simplification: member maintenance windows are not consulted (Fleet polls them hourly in Azure).
 */
export class FleetManager {
  readonly fleets = new Map<string, SimFleet>();
  /** Azure-AsyncOperation status bodies for Fleet PUTs; the simulator finishes them at once. */
  readonly operations = new Map<string, Record<string, unknown>>();

  constructor(private readonly world: World) {
    for (const f of world.fleet.fleets) {
      const members = new Map<string, { clusterResourceId: string; group: string | undefined }>();
      for (const m of f.members) {
        const c = world.clusters.find((x) => x.name.toLowerCase() === m.cluster.toLowerCase());
        if (c) members.set(c.name, { clusterResourceId: clusterId(c), group: m.group });
      }
      this.fleets.set(fleetKey(f.subscription, f.resourceGroup, f.name), {
        subscriptionId: f.subscription,
        resourceGroup: f.resourceGroup,
        name: f.name,
        members,
        strategies: new Map(),
        runs: new Map(),
        gates: new Map(),
      });
    }
  }

  get(sub: string, rg: string, name: string): SimFleet | undefined {
    return this.fleets.get(fleetKey(sub, rg, name));
  }

  fleetId(f: SimFleet): string {
    return fleetId(f);
  }

  createRun(f: SimFleet, name: string, properties: RunState["properties"]): RunState {
    const existing = f.runs.get(name);
    if (existing && existing.status.state !== "NotStarted")
      throw new Error(
        "UpdateRunAlreadyStarted: an update run's strategy and update can change only before it starts",
      );
    const run: RunState = {
      name,
      properties,
      status: { state: "NotStarted" },
      stages: [],
      eTag: randomUUID(),
    };
    run.stages = layoutStages(f, properties.strategy?.stages);
    f.runs.set(name, run);
    return run;
  }

  runJson(f: SimFleet, run: RunState): Record<string, unknown> {
    return runJson(f, run);
  }

  /**
   * A Fleet PUT (update run, update strategy) is an LRO with `final-state-via: azure-async-operation`
   * (the fleets SDK polls it so): the answer carries `Azure-AsyncOperation`, which the simulator reports
   * Succeeded straight away since the resource is written synchronously. Returns the status URL path.
   */
  completedOperation(f: SimFleet, location = "westeurope"): string {
    const id = randomUUID();
    const now = iso(this.world.clock.now());
    const path = `/subscriptions/${f.subscriptionId}/providers/Microsoft.ContainerService/locations/${location}/operations/${id}`;
    this.operations.set(id, { id: path, name: id, status: "Succeeded", startTime: now, endTime: now });
    return path;
  }

  gateJson(gate: GateState): Record<string, unknown> {
    return gateJson(gate);
  }

  start(f: SimFleet, run: RunState): void {
    if (run.status.state === "Running") return;
    const now = this.world.clock.now();
    run.status = { state: "Running", startTime: run.status.startTime ?? iso(now) };
    this.world.records.log("change", `fleet ${f.name}: update run ${run.name} started`);
    void this.execute(f, run);
  }

  stop(run: RunState): void {
    if (run.status.state === "Running") run.status = { ...run.status, state: "Stopping" };
  }

  skip(run: RunState, targets: { type: string; name: string }[]): void {
    for (const t of targets) {
      for (const stage of run.stages) {
        if (t.type === "Stage" && stage.name === t.name) stage.status = { state: "Skipped" };
        for (const group of stage.groups) {
          if (t.type === "Group" && group.name === t.name) group.status = { state: "Skipped" };
          for (const m of group.members)
            if (t.type === "Member" && m.name === t.name) m.status = { state: "Skipped" };
        }
      }
    }
  }

  approveGate(gate: GateState, state: "Completed" | "Skipped"): void {
    releaseGate(this.world, gate, state);
  }

  private async execute(f: SimFleet, run: RunState): Promise<void> {
    const specs = run.properties.strategy?.stages ?? [];
    for (const [i, stage] of run.stages.entries()) {
      if (stage.status.state === "Skipped" || stage.status.state === "Completed") continue;
      if (this.halted(run)) return;
      const spec = specs[i];
      stage.status = { state: "Running", startTime: iso(this.world.clock.now()) };
      for (const g of spec?.beforeGates ?? [])
        await holdAtGate(this.world, f, run, stage, g, "Before", stage.beforeGates);
      const results = await Promise.all(stage.groups.map((group) => this.runGroup(f, run, group)));
      if (results.some((ok) => !ok)) {
        stage.status = { ...stage.status, state: "Failed", completedTime: iso(this.world.clock.now()) };
        run.status = {
          ...run.status,
          state: "Failed",
          completedTime: iso(this.world.clock.now()),
          error: { code: "MemberUpdateFailed", message: `stage ${stage.name} had a failed member` },
        };
        return;
      }
      const wait = spec?.afterStageWaitInSeconds ?? 0;
      if (wait > 0) {
        stage.afterStageWaitStatus = {
          status: { state: "Running", startTime: iso(this.world.clock.now()) },
          waitDurationInSeconds: wait,
        };
        await this.sleep(wait * 1000);
        stage.afterStageWaitStatus.status = {
          ...stage.afterStageWaitStatus.status,
          state: "Completed",
          completedTime: iso(this.world.clock.now()),
        };
      }
      for (const g of spec?.afterGates ?? [])
        await holdAtGate(this.world, f, run, stage, g, "After", stage.afterGates);
      stage.status = { ...stage.status, state: "Completed", completedTime: iso(this.world.clock.now()) };
    }
    if (this.halted(run)) return;
    run.status = { ...run.status, state: "Completed", completedTime: iso(this.world.clock.now()) };
    this.world.records.log("change", `fleet ${f.name}: update run ${run.name} completed`);
  }

  private halted(run: RunState): boolean {
    if (run.status.state === "Stopping") {
      run.status = { ...run.status, state: "Stopped", completedTime: iso(this.world.clock.now()) };
      return true;
    }
    return run.status.state !== "Running";
  }

  private async runGroup(f: SimFleet, run: RunState, group: GroupRun): Promise<boolean> {
    if (group.status.state === "Skipped") return true;
    group.status = { state: "Running", startTime: iso(this.world.clock.now()) };
    for (const member of group.members) {
      if (member.status.state === "Skipped" || member.status.state === "Completed") continue;
      if (run.status.state !== "Running") break;
      member.status = { state: "Running", startTime: iso(this.world.clock.now()) };
      const cluster = this.world.clusters.find(
        (c) => clusterId(c).toLowerCase() === member.clusterResourceId.toLowerCase(),
      );
      const op = cluster ? this.startMemberUpdate(cluster, run) : undefined;
      if (!op) {
        member.status = {
          ...member.status,
          state: "Failed",
          completedTime: iso(this.world.clock.now()),
          error: { code: "MemberNotFound", message: "the member cluster could not be updated" },
        };
        group.status = { ...group.status, state: "Failed" };
        return false;
      }
      member.operationId = op.id;
      await this.until(() => op.status !== "InProgress");
      member.status = {
        ...member.status,
        state: op.status === "Succeeded" ? "Completed" : "Failed",
        completedTime: iso(this.world.clock.now()),
        ...(op.error ? { error: op.error } : {}),
      };
      if (op.status !== "Succeeded") {
        group.status = { ...group.status, state: "Failed" };
        return false;
      }
    }
    group.status = { ...group.status, state: "Completed", completedTime: iso(this.world.clock.now()) };
    void f;
    return true;
  }

  private startMemberUpdate(cluster: SimCluster, run: RunState): SimOperation | undefined {
    if (cluster.runningOperation) return undefined;
    const { type, kubernetesVersion } = run.properties.managedClusterUpdate.upgrade;
    const ops = this.world.operations;
    if (type === "NodeImageOnly") {
      const pool = cluster.pools[0];
      return pool ? ops.startNodeImageUpgrade(cluster, pool) : undefined;
    }
    const target = kubernetesVersion ?? cluster.kubernetesVersion;
    const pools = new Map(
      type === "ControlPlaneOnly" ? [] : cluster.pools.map((p) => [p.name, target] as const),
    );
    return ops.startUpgrade(cluster, target, pools);
  }

  private sleep(ms: number): Promise<void> {
    return this.world.clock.sleep(ms);
  }

  /** Checks a condition each simulated minute. */
  private async until(done: () => boolean): Promise<void> {
    while (!done()) await this.sleep(60_000);
  }
}
