/** What the AKS adapter answers: clusters and pools as Ringmaster reads them, and long-running operations. */
export interface PoolInfo {
  readonly name: string;
  readonly mode: string;
  readonly count: number;
  readonly orchestratorVersion: string;
  readonly currentOrchestratorVersion: string;
  readonly nodeImageVersion: string;
  readonly provisioningState: string;
}

export interface ClusterInfo {
  readonly id: string;
  readonly name: string;
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly location: string;
  readonly tags: Record<string, string>;
  readonly kubernetesVersion: string;
  readonly currentKubernetesVersion: string;
  readonly provisioningState: string;
  readonly powerState: string;
  readonly upgradeChannel: string;
  readonly nodeOSUpgradeChannel: string;
  readonly provisioningError?: { code: string; message: string };
  /** Where AKS keeps the cluster's nodes, disks and load balancers (what its cost is attributed by). */
  readonly nodeResourceGroup?: string;
  readonly pools: readonly PoolInfo[];
}

/** A long-running operation in flight: enough to check it later from any process. */
export interface OperationHandle {
  /**
   * `watch`: an operation already under way that this process did not start (found after a crash or
   * restart); it is followed through the resource's provisioning state, as there is no poller token.
   */
  readonly kind: "cluster" | "pool" | "nodeImage" | "watch";
  readonly clusterId: string;
  readonly pool?: string;
  readonly token: string;
}

export interface OperationCheck {
  readonly done: boolean;
  readonly status: "running" | "succeeded" | "failed" | "canceled";
  readonly error?: { code: string; message: string };
}
