import { z } from "zod";

/**
 * A cluster as a workflow reads it back after an upgrade (`inspectCluster`, and `preflight`'s answer):
 * only what the verification looks at. It is kept in orchestration history, so it is our own shape, not the
 * AKS adapter's `ClusterInfo`: a field the adapter gains or renames cannot change what history holds.
 * activities/upgrade.ts maps the adapter's answer onto it (`clusterFacts`).
 */
export const PoolFactsSchema = z.strictObject({
  name: z.string(),
  currentOrchestratorVersion: z.string(),
  nodeImageVersion: z.string(),
  provisioningState: z.string(),
});
export type PoolFacts = z.infer<typeof PoolFactsSchema>;

export const ClusterFactsSchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  currentKubernetesVersion: z.string(),
  provisioningState: z.string(),
  pools: z.array(PoolFactsSchema),
});
export type ClusterFacts = z.infer<typeof ClusterFactsSchema>;
