import { randomUUID } from "node:crypto";
import { clusterId, type SimCluster } from "./aks-state.js";
import type { SimOperation } from "./aks-operations.js";
import type { World } from "./world.js";

/**
 * Azure Kubernetes Fleet Manager, simulated: fleets, members with update groups, update strategies and
 * update runs (stages in order, groups in parallel, members one by one), after-stage waits, and
 * Approval gates that raise ARN `FleetGateCreated/Updated` events and hold the run until they are
 * PATCHed to Completed. Member upgrades are real simulated AKS operations.
 * Simplification: member maintenance windows are not consulted (Fleet polls them hourly in Azure).
 */
type State =
  "NotStarted" | "Running" | "Pending" | "Stopping" | "Stopped" | "Skipped" | "Failed" | "Completed";

interface Status {
  state: State;
  startTime?: string;
  completedTime?: string;
  error?: { code: string; message: string };
}

interface MemberRun {
  name: string;
  clusterResourceId: string;
  status: Status;
  operationId?: string;
  message?: string;
}
interface GroupRun {
  name: string;
  status: Status;
  members: MemberRun[];
}
interface GateRef {
  displayName?: string;
  gateId: string;
  status: Status;
}
interface StageRun {
  name: string;
  status: Status;
  groups: GroupRun[];
  beforeGates: GateRef[];
  afterGates: GateRef[];
  afterStageWaitStatus?: { status: Status; waitDurationInSeconds: number };
}

export interface SimFleet {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  members: Map<string, { clusterResourceId: string; group: string | undefined }>;
  strategies: Map<string, Record<string, unknown>>;
  runs: Map<string, RunState>;
  gates: Map<string, GateState>;
}

interface RunState {
  name: string;
  properties: Record<string, unknown> & {
    strategy?: { stages: StageSpec[] };
    managedClusterUpdate: { upgrade: { type: string; kubernetesVersion?: string } };
  };
  status: Status;
  stages: StageRun[];
  eTag: string;
}

interface StageSpec {
  name: string;
  groups?: { name: string; beforeGates?: GateSpec[]; afterGates?: GateSpec[] }[];
  afterStageWaitInSeconds?: number;
  beforeGates?: GateSpec[];
  afterGates?: GateSpec[];
}
interface GateSpec {
  displayName?: string;
  type: string;
}

export interface GateState {
  name: string;
  fleet: SimFleet;
  properties: {
    displayName?: string;
    gateType: string;
    state: "Pending" | "Completed" | "Skipped";
    target: {
      id: string;
      updateRunProperties: { name: string; stage?: string; group?: string; timing: "Before" | "After" };
    };
    provisioningState: string;
  };
  release?: () => void;
}

const iso = (ms: number) => new Date(ms).toISOString();

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
    return `/subscriptions/${f.subscriptionId}/resourceGroups/${f.resourceGroup}/providers/Microsoft.ContainerService/fleets/${f.name}`;
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
    run.stages = this.layout(f, properties.strategy?.stages);
    f.runs.set(name, run);
    return run;
  }

  runJson(f: SimFleet, run: RunState): Record<string, unknown> {
    return {
      id: `${this.fleetId(f)}/updateRuns/${run.name}`,
      name: run.name,
      type: "Microsoft.ContainerService/fleets/updateRuns",
      eTag: run.eTag,
      properties: {
        ...run.properties,
        provisioningState: "Succeeded",
        status: { status: run.status, stages: run.stages },
      },
    };
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
    return {
      id: `${this.fleetId(gate.fleet)}/gates/${gate.name}`,
      name: gate.name,
      type: "Microsoft.ContainerService/fleets/gates",
      properties: gate.properties,
    };
  }

  /** With no strategy every member is one stage of one group, updated one by one. */
  private layout(f: SimFleet, stages: StageSpec[] | undefined): StageRun[] {
    const members = [...f.members.entries()];
    const specs: StageSpec[] = stages?.length ? stages : [{ name: "default", groups: [{ name: "default" }] }];
    return specs.map((s) => ({
      name: s.name,
      status: { state: "NotStarted" },
      beforeGates: [],
      afterGates: [],
      // Fleet shows a stage's wait from the start, NotStarted until the wait begins (UpdateRuns_CreateOrUpdate.json).
      ...(s.afterStageWaitInSeconds
        ? {
            afterStageWaitStatus: {
              status: { state: "NotStarted" },
              waitDurationInSeconds: s.afterStageWaitInSeconds,
            },
          }
        : {}),
      groups: (s.groups ?? []).map((g) => ({
        name: g.name,
        status: { state: "NotStarted" },
        members: members
          .filter(([, m]) => !stages?.length || m.group === g.name)
          .map(([name, m]) => ({
            name,
            clusterResourceId: m.clusterResourceId,
            status: { state: "NotStarted" },
          })),
      })),
    }));
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
    if (gate.properties.state !== "Pending") return;
    gate.properties.state = state;
    this.emitGate(gate, "FleetGateUpdated");
    gate.release?.();
  }

  private async execute(f: SimFleet, run: RunState): Promise<void> {
    const specs = run.properties.strategy?.stages ?? [];
    for (const [i, stage] of run.stages.entries()) {
      if (stage.status.state === "Skipped" || stage.status.state === "Completed") continue;
      if (this.halted(run)) return;
      const spec = specs[i];
      stage.status = { state: "Running", startTime: iso(this.world.clock.now()) };
      for (const g of spec?.beforeGates ?? []) await this.gate(f, run, stage, g, "Before", stage.beforeGates);
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
      for (const g of spec?.afterGates ?? []) await this.gate(f, run, stage, g, "After", stage.afterGates);
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

  private async gate(
    f: SimFleet,
    run: RunState,
    stage: StageRun,
    spec: GateSpec,
    timing: "Before" | "After",
    refs: GateRef[],
  ): Promise<void> {
    const name = randomUUID();
    const gate: GateState = {
      name,
      fleet: f,
      properties: {
        ...(spec.displayName ? { displayName: spec.displayName } : {}),
        gateType: spec.type,
        state: "Pending",
        target: {
          id: `${this.fleetId(f)}/updateRuns/${run.name}`,
          updateRunProperties: { name: run.name, stage: stage.name, timing },
        },
        provisioningState: "Succeeded",
      },
    };
    f.gates.set(name, gate);
    const ref: GateRef = {
      ...(spec.displayName ? { displayName: spec.displayName } : {}),
      gateId: `${this.fleetId(f)}/gates/${name}`,
      status: { state: "Pending", startTime: iso(this.world.clock.now()) },
    };
    refs.push(ref);
    this.emitGate(gate, "FleetGateCreated");
    await new Promise<void>((release) => (gate.release = release));
    ref.status = {
      ...ref.status,
      state: gate.properties.state === "Skipped" ? "Skipped" : "Completed",
      completedTime: iso(this.world.clock.now()),
    };
  }

  private emitGate(gate: GateState, action: "FleetGateCreated" | "FleetGateUpdated"): void {
    const id = `${this.fleetId(gate.fleet)}/gates/${gate.name}`;
    this.world.events.publish({
      id: randomUUID(),
      topic: `/subscriptions/${gate.fleet.subscriptionId}`,
      subject: id,
      eventType: `Microsoft.ResourceNotifications.AksResources.${action}`,
      eventTime: iso(this.world.clock.now()),
      data: {
        resourceInfo: {
          id,
          name: gate.name,
          type: "Microsoft.ContainerService/fleets/gates",
          properties: gate.properties,
        },
        operationalInfo: { resourceEventTime: iso(this.world.clock.now()) },
        apiVersion: "2026-06-01",
      },
      dataVersion: "1",
      metadataVersion: "1",
    });
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((ok) => this.world.clock.setTimer(this.world.clock.now() + ms, ok));
  }

  /** Checks a condition each simulated minute. */
  private async until(done: () => boolean): Promise<void> {
    while (!done()) await this.sleep(60_000);
  }
}

export function fleetKey(sub: string, rg: string, name: string): string {
  return `${sub}/${rg}/${name}`.toLowerCase();
}
