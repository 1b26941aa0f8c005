import { describe, expect, it } from "vitest";
import type { ActivityDeps } from "../../../src/activities/deps.js";
import { createActivities } from "../../../src/activities/index.js";
import { inspectCluster } from "../../../src/activities/upgrade.js";
import type { ClusterInfo } from "../../../src/azure/aks.js";
import type { Adapters } from "../../../src/azure/compose.js";
import { ClusterFactsSchema } from "../../../src/contracts/cluster-facts.js";

const CLUSTER =
  "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/c1";

/** The adapter's answer as the AKS adapter builds it, plus a field it might gain one day. */
const info = {
  id: CLUSTER,
  name: "c1",
  subscriptionId: "00000000-0000-0000-0000-000000000001",
  resourceGroup: "rg",
  location: "westeurope",
  tags: { ring: "dev" },
  kubernetesVersion: "1.30.5",
  currentKubernetesVersion: "1.30.5",
  provisioningState: "Succeeded",
  powerState: "Running",
  upgradeChannel: "none",
  nodeOSUpgradeChannel: "None",
  pools: [
    {
      name: "system",
      mode: "System",
      count: 3,
      orchestratorVersion: "1.30.5",
      currentOrchestratorVersion: "1.30.5",
      nodeImageVersion: "AKSUbuntu-2204gen2containerd-202501.01.0",
      provisioningState: "Succeeded",
    },
  ],
  etag: "adapter-internal",
} as ClusterInfo;

function depsAnswering(cluster: ClusterInfo, asked: string[] = []): ActivityDeps {
  return {
    adapters: () =>
      ({
        aks: {
          getCluster: (id: string) => {
            asked.push(id);
            return Promise.resolve(cluster);
          },
        },
      }) as unknown as Adapters,
  } as ActivityDeps;
}

describe("cluster facts in orchestration history (contracts/cluster-facts.ts)", () => {
  it("inspectCluster keeps only the contract's fields of the adapter's cluster, not its ClusterInfo", async () => {
    const facts = await inspectCluster(depsAnswering(info), { clusterId: CLUSTER });
    expect(facts).toEqual({
      id: CLUSTER,
      name: "c1",
      currentKubernetesVersion: "1.30.5",
      provisioningState: "Succeeded",
      pools: [
        {
          name: "system",
          currentOrchestratorVersion: "1.30.5",
          nodeImageVersion: "AKSUbuntu-2204gen2containerd-202501.01.0",
          provisioningState: "Succeeded",
        },
      ],
    });
    // What history holds reads back through the same schema (strict: nothing else may ride along).
    expect(ClusterFactsSchema.parse(JSON.parse(JSON.stringify(facts)))).toEqual(facts);
  });

  it("an activity input that breaks its contract fails before the activity runs, naming activity and field", async () => {
    const asked: string[] = [];
    const activities = createActivities(depsAnswering(info, asked));
    await expect(activities.inspectCluster({ clusterid: CLUSTER } as never)).rejects.toThrow(
      /activity inspectCluster: invalid input: clusterId/,
    );
    expect(asked).toEqual([]);
    await expect(activities.inspectCluster({ clusterId: CLUSTER })).resolves.toMatchObject({
      name: "c1",
    });
    expect(asked).toEqual([CLUSTER]);
  });
});
