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
  type MemberRun,
  type RunState,
  type StageRun,
  type SimFleet,
} from "./fleet-state.js";
import { concurrencyOf } from "./fleet-strategy-checks.js";
import { FLEET_WINDOW_POLL_MS, WINDOW_ORDER, windowConfigName, windowState } from "./fleet-windows.js";
import type { World } from "./world.js";

const isDone = (state: string) => state === "Completed" || state === "Skipped" || state === "Failed";
const imageFamily = (version: string) => version.slice(0, version.lastIndexOf("-") + 1);

/**
 * Consistent: the newest image of each family that every member's region has (so all members get the
 * same one); Custom: the versions the run names; Latest: none chosen up front (each member its region's).
 */
function selectNodeImages(world: World, f: SimFleet, run: RunState): { version: string }[] | undefined {
  const update = run.properties.managedClusterUpdate;
  if (update.upgrade.type !== "NodeImageOnly") return undefined;
  const selection = update.nodeImageSelection?.type ?? "Latest";
  if (selection === "Custom") return update.nodeImageSelection?.customNodeImageVersions ?? [];
  if (selection !== "Consistent") return undefined;
  const clusters = run.stages
    .flatMap((s) => s.groups.flatMap((g) => g.members))
    .map((m) => world.clusters.find((c) => clusterId(c).toLowerCase() === m.clusterResourceId.toLowerCase()))
    .filter((c): c is SimCluster => c !== undefined);
  const families = new Set(clusters.flatMap((c) => c.pools.map((p) => imageFamily(p.nodeImageVersion))));
  void f;
  return [...families].sort().flatMap((family) => {
    const regions = [...new Set(clusters.map((c) => c.location))];
    const everywhere = regions
      .map((r) => [...world.regionSet(world.images, r)].filter((i) => i.startsWith(family)))
      .reduce((a, b) => a.filter((i) => b.includes(i)));
    const newest = everywhere.sort().pop();
    return newest ? [{ version: newest }] : [];
  });
}

export { fleetKey, type GateState, type SimFleet } from "./fleet-state.js";

/**
 * Azure Kubernetes Fleet Manager, simulated: fleets, members with update groups, update strategies and
 * update runs (stages in order, groups in parallel, members one by one), after-stage waits, and
 * Approval gates (fleet-gates.ts) that hold the run until they are PATCHed to Completed. Member upgrades
 * are real simulated AKS operations. The records and their JSON views are in fleet-state.ts.
 * Member maintenance windows are honoured as Fleet does (fleet-windows.ts: hourly polls, its member order),
 * groups update `maxConcurrency` members at once, and Consistent node-image runs pick one image per family
 * at start (`selectedNodeImageVersions`).
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
    // Fleet resolves the members of a strategy's groups when the run starts (and on a restart, afresh).
    if (run.status.state === "NotStarted") {
      // …keeping what was skipped before the start.
      const skipped = new Set(
        run.stages.flatMap((st) => [
          ...(st.status.state === "Skipped" ? [`Stage/${st.name}`] : []),
          ...st.groups.flatMap((g) => [
            ...(g.status.state === "Skipped" ? [`Group/${g.name}`] : []),
            ...g.members.filter((m) => m.status.state === "Skipped").map((m) => `Member/${m.name}`),
          ]),
        ]),
      );
      run.stages = layoutStages(f, run.properties.strategy?.stages);
      this.skip(
        run,
        [...skipped].map((k) => ({ type: k.split("/")[0]!, name: k.split("/")[1]! })),
      );
      run.selectedNodeImageVersions = selectNodeImages(this.world, f, run);
    }
    run.status = { state: "Running", startTime: run.status.startTime ?? iso(now) };
    for (const stage of run.stages)
      if (stage.status.state === "Stopped") stage.status = { state: "NotStarted" };
    this.world.records.log("change", `fleet ${f.name}: update run ${run.name} started`);
    void this.execute(f, run);
  }

  /** Fleet lets members in flight finish, starts no new ones, then says Stopped. */
  stop(run: RunState): void {
    if (run.status.state === "Running") {
      run.status = { ...run.status, state: "Stopping" };
      // A run waiting at a gate stops at once; the gate stays Pending (and is asked again on a restart).
      for (const g of [...this.fleets.values()].flatMap((f) => [...f.gates.values()]))
        if (g.properties.target.updateRunProperties.name === run.name && g.properties.state === "Pending")
          g.release?.();
    } else if (run.status.state === "NotStarted")
      run.status = { ...run.status, state: "Stopped", completedTime: iso(this.world.clock.now()) };
  }

  skip(run: RunState, targets: { type: string; name: string }[]): void {
    for (const t of targets) {
      for (const stage of run.stages) {
        if (t.type === "Stage" && stage.name === t.name) stage.status = { state: "Skipped" };
        for (const group of stage.groups) {
          if (t.type === "Group" && group.name === t.name) group.status = { state: "Skipped" };
          for (const m of group.members)
            if (t.type === "Member" && m.name === t.name && !isDone(m.status.state))
              m.status = { state: "Skipped" };
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
      stage.status = { state: "Running", startTime: stage.status.startTime ?? iso(this.world.clock.now()) };
      for (const g of spec?.beforeGates ?? []) {
        if (stage.beforeGates.some((r) => r.displayName === g.displayName && r.status.state !== "Pending"))
          continue; // passed before a stop: a restarted run does not ask again
        if (run.status.state !== "Running") break;
        await holdAtGate(this.world, f, run, stage, g, "Before", stage.beforeGates);
      }
      if (this.halted(run, stage)) return;
      const results = await Promise.all(
        stage.groups.map((group) =>
          this.runGroup(f, run, group, spec?.groups?.find((g) => g.name === group.name)?.maxConcurrency),
        ),
      );
      if (results.some((r) => r === "failed")) {
        stage.status = { ...stage.status, state: "Failed", completedTime: iso(this.world.clock.now()) };
        run.status = {
          ...run.status,
          state: "Failed",
          completedTime: iso(this.world.clock.now()),
          error: { code: "MemberUpdateFailed", message: `stage ${stage.name} had a failed member` },
        };
        this.world.records.log(
          "change",
          `fleet ${f.name}: update run ${run.name} failed in stage ${stage.name}`,
        );
        return;
      }
      if (this.halted(run, stage)) return;
      const wait = spec?.afterStageWaitInSeconds ?? 0;
      if (wait > 0 && stage.afterStageWaitStatus?.status.state !== "Completed") {
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
      for (const g of spec?.afterGates ?? []) {
        if (stage.afterGates.some((r) => r.displayName === g.displayName && r.status.state !== "Pending"))
          continue;
        if (run.status.state !== "Running") break;
        await holdAtGate(this.world, f, run, stage, g, "After", stage.afterGates);
      }
      if (this.halted(run, stage)) return;
      stage.status = { ...stage.status, state: "Completed", completedTime: iso(this.world.clock.now()) };
    }
    if (this.halted(run)) return;
    run.status = { ...run.status, state: "Completed", completedTime: iso(this.world.clock.now()) };
    this.world.records.log("change", `fleet ${f.name}: update run ${run.name} completed`);
  }

  private halted(run: RunState, stage?: StageRun): boolean {
    if (run.status.state === "Stopping") {
      const now = iso(this.world.clock.now());
      if (stage && stage.status.state === "Running")
        stage.status = { ...stage.status, state: "Stopped", completedTime: now };
      run.status = { ...run.status, state: "Stopped", completedTime: now };
      this.world.records.log("change", `update run ${run.name} stopped`);
      return true;
    }
    return run.status.state !== "Running";
  }

  /**
   * A group's members, `maxConcurrency` at a time, in Fleet's order (window open now, opening within 4 h,
   * no window, closed). A member whose window is closed waits Pending; Fleet looks again at its next
   * 60-minute poll. A failure lets the members in flight finish, starts no more, and fails the group.
   */
  private async runGroup(
    f: SimFleet,
    run: RunState,
    group: GroupRun,
    maxConcurrency: string | undefined,
  ): Promise<"completed" | "failed" | "stopped"> {
    if (group.status.state === "Skipped") return "completed";
    group.status = { state: "Running", startTime: group.status.startTime ?? iso(this.world.clock.now()) };
    const limit = concurrencyOf(maxConcurrency, group.members.length);
    const configName = windowConfigName(run.properties.managedClusterUpdate.upgrade.type);
    const clusterOf = (m: MemberRun) =>
      this.world.clusters.find((c) => clusterId(c).toLowerCase() === m.clusterResourceId.toLowerCase());
    let inFlight = 0;
    let failed = false;
    let wake: () => void = () => undefined;
    for (;;) {
      const now = this.world.clock.now();
      const waiting = group.members
        .filter((m) => !isDone(m.status.state) && m.status.state !== "Running")
        .map((m) => ({ m, state: windowState(clusterOf(m)?.maintenanceConfigs.get(configName), now) }))
        .sort((a, b) => WINDOW_ORDER[a.state] - WINDOW_ORDER[b.state]);
      if (!failed && run.status.state === "Running") {
        for (const { m, state } of waiting) {
          if (inFlight >= limit) break;
          if (state === "soon" || state === "closed") {
            if (m.status.state !== "Pending") m.status = { state: "Pending" };
            m.message = "waiting for the member's maintenance window";
            continue;
          }
          inFlight++;
          void this.updateMember(run, m, clusterOf(m)).then((ok) => {
            inFlight--;
            if (!ok) failed = true;
            wake();
          });
        }
      }
      const left = group.members.some((m) => !isDone(m.status.state));
      if (inFlight === 0 && (!left || failed || run.status.state !== "Running")) break;
      // Wake on a member's end, or at Fleet's next window poll when a member waits for its window.
      const pending = group.members.some((m) => m.status.state === "Pending");
      await Promise.race([
        new Promise<void>((r) => (wake = r)),
        ...(inFlight < limit && pending && !failed ? [this.sleep(FLEET_WINDOW_POLL_MS)] : []),
      ]);
    }
    void f;
    const end = iso(this.world.clock.now());
    if (failed) {
      group.status = { ...group.status, state: "Failed", completedTime: end };
      return "failed";
    }
    if (group.members.some((m) => !isDone(m.status.state))) return "stopped";
    group.status = { ...group.status, state: "Completed", completedTime: end };
    return "completed";
  }

  private async updateMember(
    run: RunState,
    member: MemberRun,
    cluster: SimCluster | undefined,
  ): Promise<boolean> {
    member.status = { state: "Running", startTime: iso(this.world.clock.now()) };
    delete member.message;
    const op = cluster ? this.startMemberUpdate(cluster, run) : undefined;
    if (!op) {
      member.status = {
        ...member.status,
        state: "Failed",
        completedTime: iso(this.world.clock.now()),
        error: cluster
          ? { code: "OperationNotAllowed", message: "another operation is in progress on the member cluster" }
          : { code: "MemberNotFound", message: "the member cluster could not be updated" },
      };
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
    return op.status === "Succeeded";
  }

  private startMemberUpdate(cluster: SimCluster, run: RunState): SimOperation | undefined {
    if (cluster.runningOperation) return undefined;
    const { type, kubernetesVersion } = run.properties.managedClusterUpdate.upgrade;
    const ops = this.world.operations;
    if (type === "NodeImageOnly") {
      const chosen = run.selectedNodeImageVersions;
      return ops.startNodeImageRefresh(cluster, (pool) => {
        const family = imageFamily(pool.nodeImageVersion);
        return (
          chosen?.find((v) => imageFamily(v.version) === family)?.version ??
          this.world.latestImage(cluster.location, pool.nodeImageVersion)
        );
      });
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
