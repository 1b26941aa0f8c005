import type { LegacyDefaultWindow } from "./legacy-window.js";
import type { PublicConfigWindow } from "./maintenance-assignment-window.js";
import type { WindowSpec } from "./window-spec.js";

/**
 * What Ringmaster knows about the fleet at planning time: plain data read by the inventory activity
 * (Resource Graph / ARM) and, for `ringmaster plan`, from a simulated fleet file.
 */
export type WindowSource =
  | { readonly kind: "window"; readonly spec: WindowSpec }
  | { readonly kind: "legacy"; readonly config: LegacyDefaultWindow }
  /** A Microsoft.Maintenance `aks-mrp-cfg-*` assignment, honoured where AKS has no native window. */
  | { readonly kind: "assignment"; readonly window: PublicConfigWindow };

/** A Microsoft.Maintenance configuration assignment on the cluster (legacy state Ringmaster reports). */
export interface MaintenanceAssignmentRef {
  readonly name: string;
  readonly maintenanceConfigurationId: string;
}

export interface InventoryPool {
  readonly name: string;
  readonly mode: string;
  readonly count: number;
  readonly orchestratorVersion: string;
  readonly nodeImageVersion: string;
  /** From the pool's upgrade profile; absent when unknown. */
  readonly latestNodeImageVersion?: string | undefined;
}

export interface InventoryCluster {
  readonly id: string;
  readonly name: string;
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly location: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly kubernetesVersion: string;
  readonly provisioningState: string;
  readonly powerState?: string | undefined;
  readonly upgradeChannel?: string | undefined;
  readonly nodeOSUpgradeChannel?: string | undefined;
  readonly nodePools: readonly InventoryPool[];
  /** Microsoft.Maintenance assignments to AKS public configurations (`aks-mrp-cfg-*`); absent when none. */
  readonly maintenanceAssignments?: readonly MaintenanceAssignmentRef[] | undefined;
  /**
   * Why the cluster's Microsoft.Maintenance assignments could not be read, when they could not and AKS
   * holds no native configuration that would govern anyway: its window is unknown, so it is not planned.
   */
  readonly assignmentsUnreadable?: string | undefined;
  readonly windows: {
    readonly autoUpgrade?: WindowSource | undefined;
    readonly nodeOS?: WindowSource | undefined;
    readonly default?: WindowSource | undefined;
  };
}

export interface Inventory {
  readonly clusters: readonly InventoryCluster[];
  /** GA Kubernetes versions per location (lower-case location name). */
  readonly availableVersions: Readonly<Record<string, readonly string[]>>;
}

export function nodeCount(cluster: InventoryCluster): number {
  return cluster.nodePools.reduce((n, p) => n + p.count, 0);
}

/** Node image family: the image name without its version, e.g. "AKSUbuntu-2204gen2containerd". */
export function imageFamily(nodeImageVersion: string): string {
  const i = nodeImageVersion.lastIndexOf("-");
  return i > 0 ? nodeImageVersion.slice(0, i) : nodeImageVersion;
}
