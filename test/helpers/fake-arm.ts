import type { ArmFacts, ClusterFacts, GateFacts, VerifyContext } from "../../src/dispatch/verify.js";

/**
 * ARM as verification sees it, in memory, for dispatch unit tests (end-to-end tests use the simulator
 * through the real adapters). Records every read so tests can say what was asked.
 */
export class FakeArm implements ArmFacts {
  readonly reads: string[] = [];
  readonly clusters = new Map<string, ClusterFacts>();
  readonly gates = new Map<string, GateFacts>();
  fail = false;

  constructor(
    readonly managed: readonly string[],
    readonly offered: Record<string, readonly string[]> = {},
  ) {}

  addCluster(id: string, location: string, kubernetesVersion: string): this {
    this.clusters.set(id.toLowerCase(), { id, location, kubernetesVersion });
    return this;
  }

  addGate(gate: GateFacts): this {
    this.gates.set(gate.id.toLowerCase(), gate);
    return this;
  }

  isManagedSubscription(subscriptionId: string): boolean {
    return this.managed.some((s) => s.toLowerCase() === subscriptionId.toLowerCase());
  }

  cluster(clusterId: string): Promise<ClusterFacts | undefined> {
    this.reads.push(`cluster ${clusterId}`);
    if (this.fail) return Promise.reject(new Error("ARM unavailable (503)"));
    return Promise.resolve(this.clusters.get(clusterId.toLowerCase()));
  }

  offeredVersions(subscriptionId: string, location: string): Promise<readonly string[]> {
    this.reads.push(`versions ${subscriptionId} ${location}`);
    return Promise.resolve(this.offered[location] ?? []);
  }

  gate(gateId: string): Promise<GateFacts | undefined> {
    this.reads.push(`gate ${gateId}`);
    return Promise.resolve(this.gates.get(gateId.toLowerCase()));
  }

  managedRegions(): Promise<readonly { subscriptionId: string; location: string }[]> {
    this.reads.push("regions");
    const regions = new Map<string, { subscriptionId: string; location: string }>();
    for (const c of this.clusters.values()) {
      const subscriptionId = /\/subscriptions\/([^/]+)/i.exec(c.id)?.[1] ?? "";
      if (this.isManagedSubscription(subscriptionId))
        regions.set(`${subscriptionId}|${c.location}`, { subscriptionId, location: c.location });
    }
    return Promise.resolve([...regions.values()]);
  }

  context(publicBaseUrl = "https://ringmaster.example.net"): VerifyContext {
    return { facts: this, publicBaseUrl };
  }
}

/** The subscription of the AKS fixtures, its cluster and a region offering the fixtures' versions. */
export const FIXTURE_SUB = "11111111-1111-1111-1111-111111111111";
export const FIXTURE_CLUSTER = `/subscriptions/${FIXTURE_SUB}/resourceGroups/rg-dev/providers/Microsoft.ContainerService/managedClusters/aks-dev-weu-1`;

export function fixtureArm(): FakeArm {
  return new FakeArm([FIXTURE_SUB], {
    westeurope: ["1.18.14", "1.18.19", "1.19.11", "1.20.7"],
  }).addCluster(FIXTURE_CLUSTER, "westeurope", "1.18.14");
}
