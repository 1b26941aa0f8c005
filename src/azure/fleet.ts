import type { ContainerServiceFleetClient, UpdateRun } from "@azure/arm-containerservicefleet";
import type { ArmRestClient } from "./arm-rest.js";

/**
 * Azure Kubernetes Fleet Manager through `@azure/arm-containerservicefleet` (GA surface: update runs,
 * members) plus REST at a preview api-version for what 2.0 does not model: approval gates and stage gates
 * in a strategy. Ringmaster's rings map onto stages; each ring's approval becomes a before-stage gate.
 */
export const FLEET_PREVIEW_API_VERSION = "2025-04-01-preview";
/** GA (2026-06-01): gates, `maxConcurrency` and gated strategies, which the 2.0 SDK's models do not carry. */
export const FLEET_GA_API_VERSION = "2026-06-01";

/** An update run as Fleet's GA API answers (only the fields Ringmaster reads). */
export interface FleetRunStatusJson {
  status?: {
    state?: string;
    startTime?: string;
    completedTime?: string;
    error?: { code?: string; message?: string };
  };
  stages?: {
    name?: string;
    status?: { state?: string; startTime?: string; completedTime?: string };
    afterStageWaitStatus?: {
      status?: { state?: string; startTime?: string };
      waitDurationInSeconds?: number;
    };
    beforeGates?: { displayName?: string; gateId?: string; status?: { state?: string } }[];
    afterGates?: { displayName?: string; gateId?: string; status?: { state?: string } }[];
    groups?: {
      name?: string;
      status?: { state?: string };
      members?: {
        name?: string;
        clusterResourceId?: string;
        message?: string;
        status?: {
          state?: string;
          startTime?: string;
          completedTime?: string;
          error?: { code?: string; message?: string };
        };
      }[];
    }[];
  }[];
  nodeImageSelection?: { selectedNodeImageVersions?: { version: string }[] };
}

export interface FleetRunBody {
  readonly strategy: { readonly stages: readonly unknown[] };
  readonly managedClusterUpdate: {
    readonly upgrade: {
      readonly type: "Full" | "ControlPlaneOnly" | "NodeImageOnly";
      readonly kubernetesVersion?: string;
    };
    readonly nodeImageSelection?: {
      readonly type: "Latest" | "Consistent" | "Custom";
      readonly customNodeImageVersions?: readonly { version: string }[];
    };
  };
}

export interface FleetRef {
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly name: string;
}

export interface StagePlan {
  readonly name: string;
  readonly groups: readonly string[];
  readonly afterStageWaitInSeconds?: number;
  readonly approvalBefore?: string;
}

export interface RunSummary {
  readonly name: string;
  readonly state: string;
  readonly stages: readonly {
    name: string;
    state: string;
    members: readonly { name: string; state: string; error?: string }[];
  }[];
}

export interface GateInfo {
  readonly name: string;
  readonly id: string;
  readonly state: string;
  readonly displayName?: string;
  readonly stage?: string;
  readonly runName?: string;
}

export class FleetAdapter {
  constructor(
    /** May be async: the composition root loads the SDK on first use (cold start, compose.ts). */
    private readonly client: (
      subscriptionId: string,
    ) => ContainerServiceFleetClient | Promise<ContainerServiceFleetClient>,
    private readonly rest: ArmRestClient,
    private readonly pollIntervalMs: number,
  ) {}

  private path(f: FleetRef): string {
    return `/subscriptions/${f.subscriptionId}/resourceGroups/${f.resourceGroup}/providers/Microsoft.ContainerService/fleets/${f.name}`;
  }

  async members(f: FleetRef): Promise<{ name: string; clusterResourceId: string; group?: string }[]> {
    const out: { name: string; clusterResourceId: string; group?: string }[] = [];
    for await (const m of (await this.client(f.subscriptionId)).fleetMembers.listByFleet(
      f.resourceGroup,
      f.name,
    )) {
      out.push({
        name: m.name ?? "",
        clusterResourceId: m.properties?.clusterResourceId ?? "",
        ...(m.properties?.group ? { group: m.properties.group } : {}),
      });
    }
    return out;
  }

  /** Creates an update run; stages with an approval get a before-stage Approval gate (preview REST). */
  async createRun(
    f: FleetRef,
    name: string,
    upgrade: { type: "Full" | "ControlPlaneOnly" | "NodeImageOnly"; kubernetesVersion?: string },
    stages: readonly StagePlan[],
  ): Promise<void> {
    const strategy = {
      stages: stages.map((s) => ({
        name: s.name,
        groups: s.groups.map((g) => ({ name: g })),
        ...(s.afterStageWaitInSeconds ? { afterStageWaitInSeconds: s.afterStageWaitInSeconds } : {}),
        ...(s.approvalBefore ? { beforeGates: [{ displayName: s.approvalBefore, type: "Approval" }] } : {}),
      })),
    };
    const managedClusterUpdate = { upgrade, nodeImageSelection: { type: "Consistent" as const } };
    if (stages.some((s) => s.approvalBefore)) {
      await this.rest.put(`${this.path(f)}/updateRuns/${name}`, FLEET_PREVIEW_API_VERSION, {
        properties: { strategy, managedClusterUpdate },
      });
      return;
    }
    const run: UpdateRun = { properties: { strategy, managedClusterUpdate } };
    await (
      await this.client(f.subscriptionId)
    ).updateRuns.createOrUpdate(f.resourceGroup, f.name, name, run, {
      updateIntervalInMs: this.pollIntervalMs,
    });
  }

  async start(f: FleetRef, name: string): Promise<void> {
    await (
      await this.client(f.subscriptionId)
    ).updateRuns.start(f.resourceGroup, f.name, name, {
      updateIntervalInMs: this.pollIntervalMs,
    });
  }

  async stop(f: FleetRef, name: string): Promise<void> {
    await (
      await this.client(f.subscriptionId)
    ).updateRuns.stop(f.resourceGroup, f.name, name, {
      updateIntervalInMs: this.pollIntervalMs,
    });
  }

  async skipMember(f: FleetRef, name: string, member: string): Promise<void> {
    await (
      await this.client(f.subscriptionId)
    ).updateRuns.skip(
      f.resourceGroup,
      f.name,
      name,
      { targets: [{ type: "Member", name: member }] },
      { updateIntervalInMs: this.pollIntervalMs },
    );
  }

  async run(f: FleetRef, name: string): Promise<RunSummary> {
    const run = await (await this.client(f.subscriptionId)).updateRuns.get(f.resourceGroup, f.name, name);
    const status = run.properties?.status;
    return {
      name,
      state: status?.status?.state ?? "NotStarted",
      stages: (status?.stages ?? []).map((s) => ({
        name: s.name ?? "",
        state: s.status?.state ?? "NotStarted",
        members: (s.groups ?? []).flatMap((g) =>
          (g.members ?? []).map((m) => ({
            name: m.name ?? "",
            state: m.status?.state ?? "NotStarted",
            ...(m.status?.error?.message
              ? { error: `${m.status.error.code ?? ""}: ${m.status.error.message}` }
              : {}),
          })),
        ),
      })),
    };
  }

  async gates(f: FleetRef): Promise<GateInfo[]> {
    const result = await this.rest.get<{
      value: {
        id: string;
        name: string;
        properties: {
          state: string;
          displayName?: string;
          target?: { updateRunProperties?: { name?: string; stage?: string } };
        };
      }[];
    }>(`${this.path(f)}/gates`, FLEET_PREVIEW_API_VERSION);
    return result.value.map((g) => ({
      name: g.name,
      id: g.id,
      state: g.properties.state,
      ...(g.properties.displayName ? { displayName: g.properties.displayName } : {}),
      ...(g.properties.target?.updateRunProperties?.stage
        ? { stage: g.properties.target.updateRunProperties.stage }
        : {}),
      ...(g.properties.target?.updateRunProperties?.name
        ? { runName: g.properties.target.updateRunProperties.name }
        : {}),
    }));
  }

  /** One gate by its ARM id, or undefined when ARM has no such gate (404). */
  async gate(gateId: string): Promise<GateInfo | undefined> {
    type Gate = {
      id: string;
      name: string;
      properties: {
        state: string;
        displayName?: string;
        target?: { updateRunProperties?: { name?: string; stage?: string } };
      };
    };
    let g: Gate;
    try {
      g = await this.rest.get<Gate>(gateId.replace(/^https?:\/\/[^/]+/, ""), FLEET_PREVIEW_API_VERSION);
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return undefined;
      throw error;
    }
    const run = g.properties.target?.updateRunProperties;
    return {
      name: g.name,
      id: g.id,
      state: g.properties.state,
      ...(g.properties.displayName ? { displayName: g.properties.displayName } : {}),
      ...(run?.stage ? { stage: run.stage } : {}),
      ...(run?.name ? { runName: run.name } : {}),
    };
  }

  /** Puts a member in an update group (Fleet resolves a strategy's groups from its members' `group`). */
  async setMemberGroup(f: FleetRef, member: string, group: string): Promise<void> {
    await (
      await this.client(f.subscriptionId)
    ).fleetMembers.updateAsync(
      f.resourceGroup,
      f.name,
      member,
      { properties: { group } },
      {
        updateIntervalInMs: this.pollIntervalMs,
      },
    );
  }

  /** Creates (or, before it starts, rewrites) an update run with an inline strategy: GA REST, for gates and caps. */
  async putRun(f: FleetRef, name: string, body: FleetRunBody): Promise<void> {
    await this.rest.put(`${this.path(f)}/updateRuns/${name}`, FLEET_GA_API_VERSION, { properties: body });
  }

  /** A run's status as Fleet reports it, or undefined when Fleet has no such run. */
  async runStatus(f: FleetRef, name: string): Promise<FleetRunStatusJson | undefined> {
    try {
      const run = await this.rest.get<{ properties?: { status?: FleetRunStatusJson } }>(
        `${this.path(f)}/updateRuns/${name}`,
        FLEET_GA_API_VERSION,
      );
      return run.properties?.status ?? {};
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return undefined;
      throw error;
    }
  }

  /** Approves a gate: PATCH `properties.state = Completed` (what `az fleet gate approve` does). */
  async approveGate(gateId: string): Promise<void> {
    const path = gateId.replace(/^https?:\/\/[^/]+/, "");
    await this.rest.patch(path, FLEET_PREVIEW_API_VERSION, { properties: { state: "Completed" } });
  }
}
