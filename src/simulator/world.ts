import { randomUUID } from "node:crypto";
import type { Clock } from "../clock/clock.js";
import { Operations } from "./aks-operations.js";
import { clusterId, clustersFromFleet, keyOf, type SimCluster } from "./aks-state.js";
import { EventGridDelivery } from "./event-grid.js";
import { FaultBook } from "./faults.js";
import type { Fleet } from "./fleet-schema.js";
import { FleetManager } from "./fleet-manager.js";
import { seedAssignments } from "./arm-maintenance.js";
import { runSummaries } from "./fleet-state.js";
import { Records } from "./records.js";
import { cmp, minor } from "./sim-versions.js";
import { Throttle } from "./throttle.js";

/**
 * The simulated Azure's state and its life over time: regions gain Kubernetes versions and node images
 * on the fleet file's schedule, each Kubernetes release tells every cluster in the region
 * (NewKubernetesVersionAvailable), versions approaching end of support say so, and clusters change only
 * through operations.
 */
export class World {
  readonly records: Records;
  readonly clusters: SimCluster[];
  readonly faults: FaultBook;
  readonly throttle: Throttle;
  readonly operations: Operations;
  readonly events: EventGridDelivery;
  readonly fleetManager: FleetManager;
  /** Kubernetes versions available per region (lower-case). */
  readonly versions = new Map<string, Set<string>>();
  /** Node images released per region. */
  readonly images = new Map<string, Set<string>>();
  /** Microsoft.Maintenance configuration assignments by lower-case assignment id. */
  readonly assignments = new Map<string, Record<string, unknown>>();

  constructor(
    readonly fleet: Fleet,
    readonly clock: Clock,
    options: { deliverTo?: string | undefined; recordsDir?: string | undefined } = {},
  ) {
    this.records = new Records(() => clock.now(), { dir: options.recordsDir });
    this.clusters = clustersFromFleet(fleet);
    this.faults = new FaultBook(fleet.faults);
    this.throttle = new Throttle(() => clock.now());
    for (const c of this.clusters) {
      this.regionSet(this.versions, c.location).add(c.kubernetesVersion);
      for (const p of c.pools) this.regionSet(this.images, c.location).add(p.nodeImageVersion);
    }
    this.operations = new Operations({
      clock,
      records: this.records,
      timing: fleet.timing,
      latestImage: (location, current) => this.latestImage(location, current),
      emitClusterEvent: (cluster, type, data) => this.emitClusterEvent(cluster, type, data),
      takeFault: (cluster, pool, on) => this.faults.takeOperationFault(cluster, pool, on),
    });
    this.events = new EventGridDelivery({
      deliverTo: options.deliverTo ?? fleet.eventGrid?.deliverTo,
      clock,
      records: this.records,
      duplicateRate: fleet.eventGrid?.duplicateRate ?? 0,
      maxDeliveryAttempts: fleet.eventGrid?.maxDeliveryAttempts ?? 30,
      eventFault: (type) => this.faults.takeEventFault(type),
    });
    this.fleetManager = new FleetManager(this);
    seedAssignments(this);
  }

  private resumed = false;

  /** The world was restored from a saved state (world-snapshot.ts): what is past is already in it. */
  markResumed(): void {
    this.resumed = true;
  }

  /** Arms the release and end-of-support schedule; what is already past is applied at once (without events). */
  start(): void {
    const now = this.clock.now();
    // Releases published at the same instant are one release: every version lands first, then each
    // cluster gets one event describing them all (as AKS's per-cluster event does).
    const byInstant = new Map<number, (typeof this.fleet.releases.kubernetes)[number][]>();
    for (const r of this.fleet.releases.kubernetes) {
      const at = Date.parse(r.at);
      byInstant.set(at, [...(byInstant.get(at) ?? []), r]);
    }
    for (const [at, releases] of byInstant)
      this.schedule(at, now, (quiet) => this.releaseKubernetes(releases, quiet));
    for (const r of this.fleet.releases.nodeImages)
      this.schedule(Date.parse(r.at), now, () => this.releaseNodeImage(r.version, r.regions));
    for (const e of this.fleet.endOfSupport) {
      this.schedule(
        Date.parse(e.at) - 14 * 86_400_000,
        now,
        (quiet) => !quiet && this.supportNotice(e.minor, "Microsoft.ContainerService.ClusterSupportEnding"),
      );
      this.schedule(
        Date.parse(e.at),
        now,
        (quiet) => !quiet && this.supportNotice(e.minor, "Microsoft.ContainerService.ClusterSupportEnded"),
      );
    }
    this.events.start();
  }

  stop(): void {
    this.events.stop();
    this.records.close();
  }

  private schedule(at: number, now: number, run: (quiet: boolean) => unknown): void {
    if (at <= now) {
      // A resumed world already holds every past release (and its audit entries); a fresh one applies them.
      if (!this.resumed) run(true);
    } else this.clock.setTimer(at, () => run(false));
  }

  cluster(sub: string, rg: string, name: string): SimCluster | undefined {
    const key = `${sub}/${rg}/${name}`.toLowerCase();
    return this.clusters.find((c) => keyOf(c) === key);
  }

  regionSet(map: Map<string, Set<string>>, location: string): Set<string> {
    const key = location.toLowerCase().replace(/\s+/g, "");
    let set = map.get(key);
    if (!set) {
      set = new Set();
      map.set(key, set);
    }
    return set;
  }

  availableVersions(location: string): string[] {
    return [...this.regionSet(this.versions, location)].sort(cmp);
  }

  /** The newest released image of the same family (name before the last dash) in the region. */
  latestImage(location: string, current: string): string {
    const family = current.slice(0, current.lastIndexOf("-") + 1);
    const candidates = [...this.regionSet(this.images, location)].filter((i) => i.startsWith(family)).sort();
    const newest = candidates[candidates.length - 1];
    return newest && newest > current ? newest : current;
  }

  private releaseKubernetes(
    releases: readonly { version: string; regions: readonly string[] }[],
    quiet: boolean,
  ): void {
    for (const { version, regions } of releases) {
      for (const region of regions) this.regionSet(this.versions, region).add(version);
      this.records.log("change", `Kubernetes ${version} released in ${regions.join(", ")}`);
    }
    if (quiet) return;
    const regions = [...new Set(releases.flatMap((r) => r.regions))];
    for (const c of this.clusters.filter((c) => regions.some((r) => r.toLowerCase() === c.location))) {
      const available = this.availableVersions(c.location);
      const minors = [...new Set(available.map(minor))].sort(cmp);
      const newestMinor = minors[minors.length - 1]!;
      const stableMinor = minors[minors.length - 2] ?? newestMinor;
      const latestOf = (m: string) =>
        available
          .filter((v) => minor(v) === m)
          .sort(cmp)
          .pop();
      this.emitClusterEvent(c, "Microsoft.ContainerService.NewKubernetesVersionAvailable", {
        latestSupportedKubernetesVersion: latestOf(newestMinor),
        latestStableKubernetesVersion: latestOf(stableMinor),
        lowestMinorKubernetesVersion:
          latestOf(minor(c.currentKubernetesVersion)) ?? c.currentKubernetesVersion,
      });
    }
  }

  private releaseNodeImage(version: string, regions: readonly string[]): void {
    for (const region of regions) this.regionSet(this.images, region).add(version);
    // AKS emits no event for a node image: it only changes the pools' upgrade profiles.
    this.records.log("change", `node image ${version} released in ${regions.join(", ")}`);
  }

  private supportNotice(minorVersion: string, type: string): void {
    for (const c of this.clusters.filter((c) => minor(c.currentKubernetesVersion) === minorVersion)) {
      this.emitClusterEvent(c, type, { kubernetesVersion: c.currentKubernetesVersion });
    }
  }

  emitClusterEvent(cluster: SimCluster, type: string, data: Record<string, unknown>): void {
    this.events.publish({
      id: randomUUID(),
      topic: clusterId(cluster),
      subject: cluster.name,
      eventType: type,
      eventTime: new Date(this.clock.now()).toISOString(),
      data,
      dataVersion: "1",
      metadataVersion: "1",
    });
  }

  /** The run's outcome from the simulator's own records, for `npm start -- --summary`. */
  summary(): Record<string, unknown> {
    return {
      generatedAt: new Date(this.clock.now()).toISOString(),
      clusters: this.clusters.map((c) => ({
        name: c.name,
        subscriptionId: c.subscriptionId,
        location: c.location,
        kubernetesVersion: c.currentKubernetesVersion,
        provisioningState: c.provisioningState,
        nodePools: c.pools.map((p) => ({
          name: p.name,
          orchestratorVersion: p.currentOrchestratorVersion,
          nodeImageVersion: p.nodeImageVersion,
          provisioningState: p.provisioningState,
        })),
      })),
      operations: this.records.operations.map((o) => ({
        cluster: o.cluster,
        pool: o.pool,
        kind: o.kind,
        target: o.target,
        start: o.start,
        end: o.end,
        result: o.result,
        ...(o.error ? { error: o.error } : {}),
      })),
      emails: this.records.emails.map((e) => ({ time: e.time, to: e.to, subject: e.subject })),
      fleetUpdateRuns: runSummaries(this.fleetManager.fleets.values()),
      requests: Object.fromEntries(this.records.counters),
      perCluster: Object.fromEntries(this.records.perCluster),
      events: { delivered: this.events.deliveredCount, deadLettered: this.events.deadLettered.length },
      audit: { entries: this.records.auditTotal, inMemory: this.records.recentAudit.length },
      // 429s the simulator answered, by the bucket that was empty (arm-reads, aksOperationStatus, fault…).
      throttled: this.records.throttled(),
      // The most AKS operations seen running at once per subscriptionId/region.
      peakInFlight: Object.fromEntries(this.records.peakInFlight),
    };
  }
}
