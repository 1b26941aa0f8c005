import type { Adapters } from "../azure/compose.js";
import { listManagedClusters } from "../azure/cluster-inventory.js";
import { describeAzureError } from "../azure/errors.js";
import type { ArmFacts } from "../dispatch/verify.js";

/**
 * Verification's ARM reads over the production adapters: the binding of dispatch's `ArmFacts` port to the
 * Azure adapters, kept in the composition root so dispatch depends on the port, never on an adapter. One instance serves one batch: the versions a
 * region offers are read once per subscription and region however many events name them (a release
 * reaches 40 clusters as 40 events). Only a 404 means "no such resource"; every other failure is thrown,
 * so the event fails transiently and is redelivered instead of being judged on a guess.
 */
export function armFacts(
  adapters: Pick<Adapters, "aks" | "fleet" | "graph">,
  managedSubscriptions: readonly string[],
): ArmFacts {
  const managed = new Set(managedSubscriptions.map((s) => s.toLowerCase()));
  const offered = new Map<string, Promise<readonly string[]>>();
  const notFound = (error: unknown) => describeAzureError(error).status === 404;
  return {
    isManagedSubscription: (subscriptionId) => managed.has(subscriptionId.toLowerCase()),
    async cluster(clusterId) {
      try {
        const c = await adapters.aks.getCluster(clusterId);
        return { id: c.id, location: c.location, kubernetesVersion: c.currentKubernetesVersion };
      } catch (error) {
        if (notFound(error)) return undefined;
        throw error;
      }
    },
    offeredVersions(subscriptionId, location) {
      const key = `${subscriptionId}|${location}`.toLowerCase();
      let versions = offered.get(key);
      if (!versions) {
        versions = adapters.aks.listKubernetesVersions(subscriptionId, location);
        offered.set(key, versions);
        versions.catch(() => offered.delete(key));
      }
      return versions;
    },
    async gate(gateId) {
      return adapters.fleet.gate(gateId);
    },
    async managedRegions() {
      const regions = new Map<string, { subscriptionId: string; location: string }>();
      for (const c of (await listManagedClusters(adapters, managedSubscriptions)).clusters)
        regions.set(`${c.subscriptionId}|${c.location}`.toLowerCase(), {
          subscriptionId: c.subscriptionId,
          location: c.location,
        });
      return [...regions.values()];
    },
  };
}
