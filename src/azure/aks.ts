import type { Clock } from "../clock/clock.js";
import type {
  ContainerServiceClient,
  ManagedCluster,
  MaintenanceConfiguration,
} from "@azure/arm-containerservice";
import { parseClusterId, type ClusterRef } from "../domain/cluster-ref.js";
import { toClusterInfo } from "./aks-cluster-info.js";
import { describeAzureError, naming } from "./errors.js";
import type { ThrottleBudget } from "./throttle-budget.js";
import type { ClusterInfo, OperationCheck, OperationHandle } from "./aks-types.js";

export type { ClusterInfo, OperationCheck, OperationHandle, PoolInfo } from "./aks-types.js";

/**
 * Managed clusters through the real `@azure/arm-containerservice` client: reads, the one write per upgrade
 * step, and long-running operations that activities start and check without holding a worker for an hour
 * (a serialized poller token travels in the workflow instead).
 */
export interface AksAdapterOptions {
  /** One client per subscription (25.x binds the subscription at construction). */
  /** May be async: the composition root loads the SDK on first use (cold start, compose.ts). */
  readonly client: (subscriptionId: string) => ContainerServiceClient | Promise<ContainerServiceClient>;
  readonly budget: ThrottleBudget;
  /** Real milliseconds between the SDK's LRO polls (30 s in production). */
  readonly pollIntervalMs: number;
  /** When given, `waitForOperation` waits `pollSimulatedMs` of this clock between polls (the simulator's time). */
  readonly clock?: Clock;
  readonly pollSimulatedMs?: number;
}

export class AksAdapter {
  constructor(private readonly o: AksAdapterOptions) {}

  async listClusters(subscriptionId: string): Promise<ClusterInfo[]> {
    await this.o.budget.acquire(subscriptionId, "*", "read");
    return naming(`managedClusters.list in subscription ${subscriptionId}`, async () => {
      const out: ClusterInfo[] = [];
      for await (const mc of (await this.o.client(subscriptionId)).managedClusters.list())
        out.push(toClusterInfo(mc));
      return out;
    });
  }

  async getCluster(clusterId: string): Promise<ClusterInfo> {
    const ref = this.ref(clusterId);
    return this.call(ref, "read", async () =>
      toClusterInfo(
        await (await this.o.client(ref.subscriptionId)).managedClusters.get(ref.resourceGroup, ref.name),
      ),
    );
  }

  async getUpgradeProfile(clusterId: string): Promise<{ controlPlane: string; upgrades: string[] }> {
    const ref = this.ref(clusterId);
    const p = await this.callOther(ref, "read", async () =>
      (await this.o.client(ref.subscriptionId)).managedClusters.getUpgradeProfile(
        ref.resourceGroup,
        ref.name,
      ),
    );
    return {
      controlPlane: p.controlPlaneProfile.kubernetesVersion,
      upgrades: (p.controlPlaneProfile.upgrades ?? [])
        .filter((u) => !u.isPreview)
        .map((u) => u.kubernetesVersion ?? "")
        .filter(Boolean),
    };
  }

  async listKubernetesVersions(subscriptionId: string, location: string): Promise<string[]> {
    await this.o.budget.acquire(subscriptionId, "*", "aksOther");
    await this.o.budget.acquire(subscriptionId, location, "read");
    const result = await naming(`managedClusters.listKubernetesVersions in ${location}`, async () =>
      (await this.o.client(subscriptionId)).managedClusters.listKubernetesVersions(location),
    );
    return (result.values ?? [])
      .filter((v) => !v.isPreview)
      .flatMap((v) => Object.keys(v.patchVersions ?? {}));
  }

  async latestNodeImage(clusterId: string, pool: string): Promise<string | undefined> {
    const ref = this.ref(clusterId);
    const p = await this.callOther(ref, "read", async () =>
      (await this.o.client(ref.subscriptionId)).agentPools.getUpgradeProfile(
        ref.resourceGroup,
        ref.name,
        pool,
      ),
    );
    return p.latestNodeImageVersion;
  }

  /**
   * Starts a Kubernetes upgrade with one PUT of the cluster as read. All pools move with the control plane
   * unless `controlPlaneOnly` (which AKS refuses while an auto-upgrade channel is set).
   */
  async beginClusterUpgrade(
    clusterId: string,
    target: string,
    options: {
      controlPlaneOnly?: boolean;
      forceUntil?: string;
      /** Aborts the write (and its retries) once it would come too late. */
      abortSignal?: AbortSignal;
    } = {},
  ): Promise<OperationHandle> {
    const ref = this.ref(clusterId);
    const client = await this.o.client(ref.subscriptionId);
    const current = await this.call(ref, "read", () =>
      client.managedClusters.get(ref.resourceGroup, ref.name),
    );
    // Already there (an earlier, interrupted attempt finished): nothing to write; the handle reports success.
    const done =
      current.currentKubernetesVersion === target &&
      current.provisioningState === "Succeeded" &&
      (current.agentPoolProfiles ?? []).every(
        (p) => (p.currentOrchestratorVersion ?? p.orchestratorVersion) === target,
      );
    if (done && !options.forceUntil) return { kind: "watch", clusterId: ref.id, token: "" };
    const desired: ManagedCluster = {
      ...current,
      kubernetesVersion: target,
      agentPoolProfiles: (current.agentPoolProfiles ?? []).map((p) => ({
        ...p,
        orchestratorVersion: options.controlPlaneOnly ? p.orchestratorVersion : target,
      })),
      ...(options.forceUntil
        ? {
            upgradeSettings: {
              overrideSettings: { forceUpgrade: true, until: new Date(options.forceUntil) },
            },
          }
        : {}),
    };
    const token = await this.call(ref, "write", async () => {
      const poller = client.managedClusters.createOrUpdate(ref.resourceGroup, ref.name, desired, {
        updateIntervalInMs: this.o.pollIntervalMs,
        ...(options.abortSignal ? { abortSignal: options.abortSignal } : {}),
      });
      await poller.submitted();
      return poller.serialize();
    });
    return { kind: "cluster", clusterId: ref.id, token };
  }

  async beginPoolUpgrade(clusterId: string, pool: string, target: string): Promise<OperationHandle> {
    const ref = this.ref(clusterId);
    const client = await this.o.client(ref.subscriptionId);
    const current = await this.callOther(ref, "read", () =>
      client.agentPools.get(ref.resourceGroup, ref.name, pool),
    );
    const token = await this.call(ref, "write", async () => {
      const poller = client.agentPools.createOrUpdate(
        ref.resourceGroup,
        ref.name,
        pool,
        { ...current, orchestratorVersion: target },
        { updateIntervalInMs: this.o.pollIntervalMs },
      );
      await poller.submitted();
      return poller.serialize();
    });
    return { kind: "pool", clusterId: ref.id, pool, token };
  }

  async beginNodeImageUpgrade(
    clusterId: string,
    pool: string,
    options: { abortSignal?: AbortSignal } = {},
  ): Promise<OperationHandle> {
    const ref = this.ref(clusterId);
    const client = await this.o.client(ref.subscriptionId);
    const token = await this.call(ref, "write", async () => {
      const poller = client.agentPools.upgradeNodeImageVersion(ref.resourceGroup, ref.name, pool, {
        updateIntervalInMs: this.o.pollIntervalMs,
        ...(options.abortSignal ? { abortSignal: options.abortSignal } : {}),
      });
      await poller.submitted();
      return poller.serialize();
    });
    return { kind: "nodeImage", clusterId: ref.id, pool, token };
  }

  /** One poll of an operation started earlier (possibly by another process). */
  async checkOperation(handle: OperationHandle): Promise<OperationCheck> {
    if (handle.kind === "watch") return this.watchProvisioning(handle);
    const ref = this.ref(handle.clusterId);
    const client = await this.o.client(ref.subscriptionId);
    const source =
      handle.kind === "cluster"
        ? client.managedClusters.createOrUpdate
        : handle.kind === "pool"
          ? client.agentPools.createOrUpdate
          : client.agentPools.upgradeNodeImageVersion;
    // The client exists, so its package is loaded: this import is a lookup, not a load.
    const { restorePoller } = await import("@azure/arm-containerservice");
    const poller = restorePoller(client, handle.token, source as Parameters<typeof restorePoller>[2]);
    try {
      await this.call(ref, "read", () => poller.poll());
    } catch (error) {
      return {
        done: true,
        status: poller.operationState?.status === "canceled" ? "canceled" : "failed",
        error: lroFailure(error),
      };
    }
    const state = poller.operationState;
    const status =
      state?.status === "succeeded"
        ? "succeeded"
        : state?.status === "failed"
          ? "failed"
          : state?.status === "canceled"
            ? "canceled"
            : "running";
    const err = state?.error as { code?: string; message?: string } | undefined;
    return {
      done: status !== "running",
      status,
      ...(err ? { error: { code: err.code ?? "OperationFailed", message: err.message ?? "" } } : {}),
    };
  }

  /** Follows a cluster's (or one pool's) provisioning state: Succeeded/Failed/Canceled end it. */
  private async watchProvisioning(handle: OperationHandle): Promise<OperationCheck> {
    const c = await this.getCluster(handle.clusterId);
    const pool = handle.pool ? c.pools.find((p) => p.name === handle.pool) : undefined;
    const state = (pool?.provisioningState ?? c.provisioningState).toLowerCase();
    if (state === "succeeded") return { done: true, status: "succeeded" };
    if (state === "canceled") return { done: true, status: "canceled" };
    if (state === "failed") {
      return {
        done: true,
        status: "failed",
        error: c.provisioningError ?? {
          code: "ProvisioningFailed",
          message: `${c.name} ended in provisioning state Failed`,
        },
      };
    }
    return { done: false, status: "running" };
  }

  /** Polls to completion at the configured interval (CLI and tests; workflows use durable timers instead). */
  async waitForOperation(handle: OperationHandle): Promise<OperationCheck> {
    for (;;) {
      const check = await this.checkOperation(handle);
      if (check.done) return check;
      if (this.o.clock && this.o.pollSimulatedMs !== undefined)
        await this.o.clock.sleep(this.o.pollSimulatedMs);
      else await new Promise((r) => setTimeout(r, this.o.pollIntervalMs));
    }
  }

  async abort(clusterId: string): Promise<void> {
    const ref = this.ref(clusterId);
    // The SDK polls to completion in real time while the simulated operation needs simulated time.
    await this.waitingOnClock(() =>
      this.callOther(ref, "write", async () =>
        (await this.o.client(ref.subscriptionId)).managedClusters.abortLatestOperation(
          ref.resourceGroup,
          ref.name,
          {
            updateIntervalInMs: this.o.pollIntervalMs,
          },
        ),
      ),
    );
  }

  async updateTags(clusterId: string, tags: Record<string, string>): Promise<void> {
    const ref = this.ref(clusterId);
    const client = await this.o.client(ref.subscriptionId);
    const current = await this.call(ref, "read", () =>
      client.managedClusters.get(ref.resourceGroup, ref.name),
    );
    await this.waitingOnClock(() =>
      this.call(ref, "write", () =>
        client.managedClusters.updateTags(
          ref.resourceGroup,
          ref.name,
          { tags: { ...(current.tags ?? {}), ...tags } },
          { updateIntervalInMs: this.o.pollIntervalMs },
        ),
      ),
    );
  }

  private waitingOnClock<T>(fn: () => Promise<T>): Promise<T> {
    return this.o.clock ? this.o.clock.waitingOn(fn) : fn();
  }

  async getMaintenanceConfiguration(
    clusterId: string,
    name: string,
  ): Promise<MaintenanceConfiguration | undefined> {
    const ref = this.ref(clusterId);
    try {
      return await this.callOther(ref, "read", async () =>
        (await this.o.client(ref.subscriptionId)).maintenanceConfigurations.get(
          ref.resourceGroup,
          ref.name,
          name,
        ),
      );
    } catch (error) {
      if (describeAzureError(error).status === 404) return undefined;
      throw error;
    }
  }

  async listMaintenanceConfigurations(clusterId: string): Promise<MaintenanceConfiguration[]> {
    const ref = this.ref(clusterId);
    await this.o.budget.acquire(ref.subscriptionId, "*", "aksOther");
    await this.o.budget.acquire(ref.subscriptionId, "*", "read");
    return naming(`maintenanceConfigurations.listByManagedCluster of ${ref.name}`, async () => {
      const out: MaintenanceConfiguration[] = [];
      for await (const m of (
        await this.o.client(ref.subscriptionId)
      ).maintenanceConfigurations.listByManagedCluster(ref.resourceGroup, ref.name))
        out.push(m);
      return out;
    });
  }

  async putMaintenanceConfiguration(
    clusterId: string,
    name: string,
    config: MaintenanceConfiguration,
  ): Promise<MaintenanceConfiguration> {
    const ref = this.ref(clusterId);
    return this.callOther(ref, "write", async () =>
      (await this.o.client(ref.subscriptionId)).maintenanceConfigurations.createOrUpdate(
        ref.resourceGroup,
        ref.name,
        name,
        config,
      ),
    );
  }

  async deleteMaintenanceConfiguration(clusterId: string, name: string): Promise<void> {
    const ref = this.ref(clusterId);
    await this.callOther(ref, "write", async () =>
      (await this.o.client(ref.subscriptionId)).maintenanceConfigurations.delete(
        ref.resourceGroup,
        ref.name,
        name,
      ),
    );
  }

  private ref(clusterId: string): ClusterRef {
    const ref = parseClusterId(clusterId);
    if (!ref) throw new Error(`AKS: "${clusterId}" is not a managed cluster id`);
    return ref;
  }

  /**
   * Takes a token from the budget, then calls. Throttled calls are retried by the pipeline policy every
   * client carries (retry.ts), lists and their pages included.
   */
  private async call<T>(ref: ClusterRef, kind: "read" | "write", fn: () => Promise<T>): Promise<T> {
    await this.o.budget.acquire(ref.subscriptionId, "*", kind);
    return fn();
  }

  /** A call in the AKS resource provider's shared "all other APIs" bucket: its token, then ARM's. */
  private async callOther<T>(ref: ClusterRef, kind: "read" | "write", fn: () => Promise<T>): Promise<T> {
    await this.o.budget.acquire(ref.subscriptionId, "*", "aksOther");
    return this.call(ref, kind, fn);
  }
}

/**
 * core-lro reports a failed operation as a plain Error: "The long-running operation has failed. CODE. MESSAGE".
 * The AKS error code is what on-call needs, so it is read back out of that text.
 */
function lroFailure(error: unknown): { code: string; message: string } {
  const text = error instanceof Error ? error.message : String(error);
  const m =
    /^The long-running operation has (?:failed|been canceled)\.\s*([A-Za-z][\w.]*)\.\s*([\s\S]*)$/.exec(text);
  if (m) return { code: m[1]!, message: m[2]!.trim() };
  const f = describeAzureError(error);
  return { code: f.code, message: f.message };
}
