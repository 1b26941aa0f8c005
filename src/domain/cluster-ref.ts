/**
 * A managed cluster's identity, read from an ARM id. AKS event payloads are not strict about the id's
 * shape (the documented sample even drops the slash after `resourceGroups`), so the reader is lenient on
 * separators and case and strict only on the parts Ringmaster needs.
 */
export interface ClusterRef {
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly name: string;
  /** Canonical ARM id: `/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.ContainerService/managedClusters/{name}`. */
  readonly id: string;
  /** Case-folded `{sub}/{rg}/{name}`: ARM ids are case-insensitive, so this is what identity comparisons use. */
  readonly key: string;
}

const CLUSTER_ID =
  /\/subscriptions\/([^/]+)\/resourceGroups\/?([^/]+)\/providers\/Microsoft\.ContainerService\/managedClusters\/([^/?#]+)/i;

export function parseClusterId(text: string): ClusterRef | undefined {
  const match = CLUSTER_ID.exec(text);
  if (!match) return undefined;
  const [, subscriptionId = "", resourceGroup = "", name = ""] = match;
  return clusterRef(subscriptionId, resourceGroup, name);
}

export function clusterRef(subscriptionId: string, resourceGroup: string, name: string): ClusterRef {
  return {
    subscriptionId,
    resourceGroup,
    name,
    id: `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.ContainerService/managedClusters/${name}`,
    key: `${subscriptionId}/${resourceGroup}/${name}`.toLowerCase(),
  };
}
