/**
 * The records of the simulated Fleet Manager: fleets with their members, update runs (stages → groups →
 * members, each with a status) and gates, with their ARM JSON views and the layout a run takes from its
 * strategy. Plain data and pure functions; fleet-manager.ts moves the runs forward.
 */
export type State =
  "NotStarted" | "Running" | "Pending" | "Stopping" | "Stopped" | "Skipped" | "Failed" | "Completed";

export interface Status {
  state: State;
  startTime?: string;
  completedTime?: string;
  error?: { code: string; message: string };
}

export interface MemberRun {
  name: string;
  clusterResourceId: string;
  status: Status;
  operationId?: string;
  message?: string;
}
export interface GroupRun {
  name: string;
  status: Status;
  members: MemberRun[];
}
export interface GateRef {
  displayName?: string;
  gateId: string;
  status: Status;
}
export interface StageRun {
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

export interface RunState {
  name: string;
  properties: Record<string, unknown> & {
    strategy?: { stages: StageSpec[] };
    managedClusterUpdate: {
      upgrade: { type: string; kubernetesVersion?: string };
      nodeImageSelection?: { type: string; customNodeImageVersions?: { version: string }[] };
    };
  };
  status: Status;
  stages: StageRun[];
  /** Consistent/Custom node-image runs: the versions chosen at start, one per image family. */
  selectedNodeImageVersions?: { version: string }[];
  eTag: string;
}

export interface StageSpec {
  name: string;
  groups?: { name: string; maxConcurrency?: string; beforeGates?: GateSpec[]; afterGates?: GateSpec[] }[];
  maxConcurrency?: string;
  afterStageWaitInSeconds?: number;
  beforeGates?: GateSpec[];
  afterGates?: GateSpec[];
}
export interface GateSpec {
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

export const iso = (ms: number) => new Date(ms).toISOString();

export function fleetKey(sub: string, rg: string, name: string): string {
  return `${sub}/${rg}/${name}`.toLowerCase();
}

export function fleetId(f: SimFleet): string {
  return `/subscriptions/${f.subscriptionId}/resourceGroups/${f.resourceGroup}/providers/Microsoft.ContainerService/fleets/${f.name}`;
}

export function runJson(f: SimFleet, run: RunState): Record<string, unknown> {
  return {
    id: `${fleetId(f)}/updateRuns/${run.name}`,
    name: run.name,
    type: "Microsoft.ContainerService/fleets/updateRuns",
    eTag: run.eTag,
    properties: {
      ...run.properties,
      provisioningState: "Succeeded",
      status: {
        status: run.status,
        stages: run.stages,
        ...(run.selectedNodeImageVersions
          ? { nodeImageSelection: { selectedNodeImageVersions: run.selectedNodeImageVersions } }
          : {}),
      },
    },
  };
}

export function gateJson(gate: GateState): Record<string, unknown> {
  return {
    id: `${fleetId(gate.fleet)}/gates/${gate.name}`,
    name: gate.name,
    type: "Microsoft.ContainerService/fleets/gates",
    properties: gate.properties,
  };
}

/** With no strategy every member is one stage of one group, updated one by one. */
export function layoutStages(f: SimFleet, stages: StageSpec[] | undefined): StageRun[] {
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

/**
 * The summary's view of every update run (`fleetUpdateRuns` in `ringmaster start --summary`): name, state,
 * stages with their groups and members (state each), gates with their state, and the node images a
 * Consistent run selected.
 */
export function runSummaries(fleets: Iterable<SimFleet>): Record<string, unknown>[] {
  return [...fleets].flatMap((f) =>
    [...f.runs.values()].map((run) => ({
      fleet: f.name,
      name: run.name,
      state: run.status.state,
      startTime: run.status.startTime,
      completedTime: run.status.completedTime,
      upgrade: run.properties.managedClusterUpdate.upgrade,
      ...(run.selectedNodeImageVersions ? { selectedNodeImageVersions: run.selectedNodeImageVersions } : {}),
      stages: run.stages.map((s) => ({
        name: s.name,
        state: s.status.state,
        ...(s.afterStageWaitStatus
          ? { afterStageWaitInSeconds: s.afterStageWaitStatus.waitDurationInSeconds }
          : {}),
        groups: s.groups.map((g) => ({
          name: g.name,
          state: g.status.state,
          members: g.members.map((m) => ({
            name: m.name,
            state: m.status.state,
            ...(m.status.startTime ? { startTime: m.status.startTime } : {}),
            ...(m.status.completedTime ? { completedTime: m.status.completedTime } : {}),
            ...(m.status.error ? { error: m.status.error.code } : {}),
          })),
        })),
        gates: [
          ...s.beforeGates.map((g) => ({
            timing: "Before",
            displayName: g.displayName,
            state: g.status.state,
          })),
          ...s.afterGates.map((g) => ({
            timing: "After",
            displayName: g.displayName,
            state: g.status.state,
          })),
        ],
      })),
    })),
  );
}
