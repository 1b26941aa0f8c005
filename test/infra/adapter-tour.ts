import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Adapters } from "../../src/azure/compose.js";
import type { AuditEntry } from "../../src/simulator/records.js";
import { clusterIdOf, startSimulator, SUB, testFleetYaml } from "../helpers/simulator.js";

/**
 * Calls every public method of every ARM adapter once against the simulator, and returns the simulator's
 * audit of the requests that reached it. Which methods were called is recorded through proxies, so a new
 * adapter method the tour does not call is reported (`uncalled`) instead of being silently left out of
 * the role. Email is data plane (ACS), not ARM, and is not toured.
 */
const TOUR_FLEET = `fleets:
  - { subscription: ${SUB}, resourceGroup: rg-fleet, name: hub, members: [ { cluster: alpha, group: dev }, { cluster: beta, group: prod } ] }
alerts:
  - { cluster: alpha, rule: node-cpu-high, severity: Sev1, at: "2026-11-22T23:30:00Z", minutes: 600 }
costs:
  perNodeHour: 0.5
`;

type ArmAdapterName = "aks" | "fleet" | "maintenance" | "graph" | "cost" | "alerts";
const ARM_ADAPTERS: readonly ArmAdapterName[] = ["aks", "fleet", "maintenance", "graph", "cost", "alerts"];

export interface TourResult {
  readonly requests: readonly AuditEntry[];
  /** `adapter.method` of every prototype method that the tour never reached. */
  readonly uncalled: readonly string[];
}

/** TypeScript `private` methods look public at run time; the adapters' source says which they are. */
function privateMethodNames(): Set<string> {
  const dir = join(import.meta.dirname, "../../src/azure");
  const text = readdirSync(dir)
    .filter((f) => f.endsWith(".ts"))
    .map((f) => readFileSync(join(dir, f), "utf8"))
    .join("\n");
  return new Set([...text.matchAll(/\bprivate\s+(?:async\s+)?(\w+)\s*[(<]/g)].map((m) => m[1]!));
}

/** Public methods: private ones are reached only through them, so their requests are audited anyway. */
function methodsOf(object: object, hidden: Set<string>): string[] {
  const proto = Object.getPrototypeOf(object) as object;
  return Object.getOwnPropertyNames(proto).filter(
    (n) =>
      n !== "constructor" && !hidden.has(n) && typeof (proto as Record<string, unknown>)[n] === "function",
  );
}

/** The adapter behind a proxy that notes every method reached, including calls through `this`. */
function recording<T extends object>(target: T, called: Set<string>): T {
  return new Proxy(target, {
    get(t, key, receiver) {
      const value = Reflect.get(t, key, receiver) as unknown;
      if (typeof key === "string" && typeof value === "function") called.add(key);
      return value;
    },
  });
}

/** Tolerates refusals: a refused request still shows the operation is called (and audited). */
async function attempt(call: () => Promise<unknown>): Promise<void> {
  try {
    await call();
  } catch {
    // the simulator's audit has the request and its status
  }
}

async function until<T>(probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T | undefined> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const v = await probe();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 20));
  }
  return undefined;
}

export async function tourAdapters(): Promise<TourResult> {
  const h = await startSimulator(testFleetYaml(TOUR_FLEET));
  try {
    const built: Adapters = h.adapters();
    const called = new Map(ARM_ADAPTERS.map((n) => [n, new Set<string>()]));
    const a = Object.fromEntries(ARM_ADAPTERS.map((n) => [n, recording(built[n], called.get(n)!)])) as Pick<
      Adapters,
      ArmAdapterName
    >;
    const alpha = clusterIdOf("rg", "alpha");
    const beta = clusterIdOf("rg", "beta");

    // AKS: reads, a cluster upgrade that is aborted, pool and node-image upgrades, tags, windows.
    await a.aks.listClusters(SUB);
    await a.aks.getCluster(alpha);
    await a.aks.getUpgradeProfile(alpha);
    await a.aks.listKubernetesVersions(SUB, "westeurope");
    await a.aks.latestNodeImage(alpha, "apps");
    const upgrade = await a.aks.beginClusterUpgrade(alpha, "1.30.5");
    await a.aks.checkOperation(upgrade);
    await attempt(() => a.aks.abort(alpha));
    await attempt(() => a.aks.waitForOperation(upgrade));
    await attempt(async () => a.aks.waitForOperation(await a.aks.beginPoolUpgrade(beta, "system", "1.29.9")));
    await attempt(async () => a.aks.waitForOperation(await a.aks.beginNodeImageUpgrade(beta, "system")));
    await a.aks.updateTags(alpha, { "ringmaster/ring": "0" });
    const window = "aksManagedAutoUpgradeSchedule";
    await attempt(() =>
      a.aks.putMaintenanceConfiguration(alpha, window, {
        maintenanceWindow: {
          schedule: { weekly: { intervalWeeks: 1, dayOfWeek: "Saturday" } },
          durationHours: 4,
          startTime: "22:00",
          utcOffset: "+00:00",
        },
      }),
    );
    await a.aks.getMaintenanceConfiguration(alpha, window);
    await a.aks.listMaintenanceConfigurations(alpha);
    await attempt(() => a.aks.deleteMaintenanceConfiguration(alpha, window));

    // Fleet: members, a gated run (preview REST) through approval, and a plain run skipped and stopped.
    const ref = { subscriptionId: SUB, resourceGroup: "rg-fleet", name: "hub" };
    const members = await a.fleet.members(ref);
    // The Fleet executor's own calls: a member's update group (an LRO), a GA run with an inline strategy.
    await a.fleet.setMemberGroup(ref, members[0]?.name ?? "alpha", members[0]?.group ?? "dev");
    await attempt(() =>
      a.fleet.putRun(ref, "ga", {
        strategy: { stages: [{ name: "all", groups: [{ name: "dev" }] }] },
        managedClusterUpdate: { upgrade: { type: "NodeImageOnly" }, nodeImageSelection: { type: "Latest" } },
      }),
    );
    await a.fleet.runStatus(ref, "ga");
    await a.fleet.createRun(ref, "gated", { type: "NodeImageOnly" }, [
      // The gate guards the first stage, so it is pending as soon as the run starts.
      { name: "dev", groups: ["dev"], approvalBefore: "dev sign-off" },
    ]);
    await a.fleet.start(ref, "gated");
    const gate = await until(async () => (await a.fleet.gates(ref)).find((g) => g.state === "Pending"));
    if (gate) {
      await a.fleet.gate(gate.id);
      await a.fleet.approveGate(gate.id);
    }
    // (no gate: approveGate stays uncalled and the "tours every ARM adapter method" test says so)
    await a.fleet.run(ref, "gated");
    await a.fleet.createRun(ref, "plain", { type: "NodeImageOnly" }, [
      { name: "all", groups: ["dev", "prod"] },
    ]);
    await attempt(() => a.fleet.skipMember(ref, "plain", "beta"));
    await attempt(() => a.fleet.start(ref, "plain"));
    await attempt(() => a.fleet.stop(ref, "plain"));

    // Microsoft.Maintenance, Resource Graph, Cost Management, Azure Monitor alerts.
    const configs = await a.maintenance.listPublicConfigurations(SUB);
    await attempt(() => a.maintenance.assign(alpha, "weekday", "westeurope", configs[0]?.id ?? ""));
    await attempt(() => a.maintenance.getAssignment(alpha, "weekday"));
    await a.maintenance.listAssignments(alpha);
    await attempt(() => a.maintenance.getPublicConfiguration(SUB, configs[0]?.name ?? ""));
    await attempt(() => a.maintenance.unassign(alpha, "weekday"));
    await a.graph.managedClusters([SUB]);
    await a.graph.clusterAssignments([SUB]);
    await a.cost.dailyCosts(SUB, "2026-11-20", "2026-11-21");
    await a.alerts.firedAlerts(alpha, 2);

    const hidden = privateMethodNames();
    const uncalled = ARM_ADAPTERS.flatMap((n) =>
      methodsOf(built[n], hidden)
        .filter((m) => !called.get(n)!.has(m))
        .map((m) => `${n}.${m}`),
    );
    return { requests: h.sim.world.records.audit.filter((e) => e.kind === "request"), uncalled };
  } finally {
    await h.stop();
  }
}
