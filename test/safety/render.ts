import { stringify } from "yaml";
import { CLOCK_START, GATE_SEVERITIES, PROBE_URL, type ScenarioSpec, type WindowSpec } from "./scenario.js";

/**
 * A scenario as the two files the app is given: the simulated Azure's fleet file (fleet-schema.ts) and the
 * rollout policy (policy-schema.ts). Written as objects and stringified, so every shape the generator
 * makes is one the schemas parse (a scenario that does not parse is a generator bug, reported as such).
 */
export const POLICY_NAME = "safety";
/** Where the policy sends on-call's email (the oracle looks for failures and halts there). */
export const ONCALL_EMAIL = "oncall@safety.example";
const MINUTE = 60_000;
const at = (minute: number) => new Date(Date.parse(CLOCK_START) + minute * MINUTE).toISOString();

/** Subscription ids: fixed and readable, one per index. */
export const subscriptionId = (i: number) => `5afe7${String(i).padStart(3, "0")}-0000-4000-8000-000000000000`;

function aksWindow(w: WindowSpec) {
  return {
    schedule: w.schedule,
    startTime: w.startTime,
    durationHours: w.durationHours,
    utcOffset: w.utcOffset ?? "+00:00",
    ...(w.startDate ? { startDate: w.startDate } : {}),
    ...(w.notAllowedDates ? { notAllowedDates: w.notAllowedDates } : {}),
  };
}

function ringWindow(w: WindowSpec) {
  return {
    ...w.schedule,
    startTime: w.startTime,
    durationHours: w.durationHours,
    ...(w.timeZone ? { timeZone: w.timeZone } : { utcOffset: w.utcOffset ?? "+00:00" }),
    ...(w.startDate ? { startDate: w.startDate } : {}),
    ...(w.notAllowedDates ? { notAllowedDates: w.notAllowedDates } : {}),
  };
}

export function fleetYaml(s: ScenarioSpec): string {
  const subscriptions = Array.from({ length: s.subscriptions }, (_, i) => ({
    id: subscriptionId(i),
    name: `sub${i}`,
    clusters: s.clusters
      .filter((c) => c.subscription === i)
      .map((c) => ({
        name: c.name,
        resourceGroup: `rg-${c.ring}`,
        location: c.region,
        kubernetesVersion: c.version,
        tags: { ring: c.ring },
        ...(c.upgradeChannel || c.nodeOSUpgradeChannel
          ? {
              autoUpgradeProfile: {
                ...(c.upgradeChannel ? { upgradeChannel: c.upgradeChannel } : {}),
                ...(c.nodeOSUpgradeChannel ? { nodeOSUpgradeChannel: c.nodeOSUpgradeChannel } : {}),
              },
            }
          : {}),
        ...(c.autoUpgradeWindow || c.nodeOSWindow
          ? {
              maintenanceConfigurations: {
                ...(c.autoUpgradeWindow
                  ? { aksManagedAutoUpgradeSchedule: { maintenanceWindow: aksWindow(c.autoUpgradeWindow) } }
                  : {}),
                ...(c.nodeOSWindow
                  ? { aksManagedNodeOSUpgradeSchedule: { maintenanceWindow: aksWindow(c.nodeOSWindow) } }
                  : {}),
              },
            }
          : {}),
        ...(c.assignment
          ? { maintenanceAssignments: [{ name: "legacy", configuration: c.assignment }] }
          : {}),
        ...(c.stopped ? { powerState: "Stopped" } : {}),
        nodePools: c.pools.map((p) => ({
          name: p.name,
          mode: p.mode,
          count: p.count,
          nodeImageVersion: p.image,
        })),
      })),
  })).filter((sub) => sub.clusters.length > 0);
  return stringify({
    apiVersion: "ringmaster/v1",
    kind: "SimulatedAzure",
    clock: { start: CLOCK_START, speed: 3600 },
    // The simulator's timing equals the policy's estimates: a prediction that fits really ends in time.
    timing: {
      controlPlaneMinutes: s.estimates.controlPlaneMinutes,
      perNodeMinutes: s.estimates.perNodeMinutes,
    },
    subscriptions,
    releases: {
      kubernetes: s.kubernetes.map((r) => ({ version: r.version, regions: r.regions, at: at(r.atMinute) })),
      nodeImages: s.nodeImages.map((r) => ({ version: r.version, regions: r.regions, at: at(r.atMinute) })),
    },
    faults: s.faults,
    endOfSupport: s.endOfSupport.map((e) => ({ minor: e.minor, at: at(e.atMinute) })),
    alerts: (s.alerts ?? []).map((a, i) => ({
      cluster: a.cluster,
      rule: `safety-${a.severity.toLowerCase()}-${i + 1}`,
      severity: a.severity,
      at: at(a.atMinute),
      minutes: a.minutes,
    })),
    probes: s.probe ? [{ url: PROBE_URL, status: s.probe.status }] : [],
    email: s.email,
  });
}

export function policyYaml(s: ScenarioSpec): string {
  return stringify({
    apiVersion: "ringmaster/v1",
    kind: "RolloutPolicy",
    metadata: { name: POLICY_NAME },
    spec: {
      versions: {
        patch: s.versions.patch,
        minor: s.versions.minor,
        deny: s.versions.deny,
        approval: { timeout: "PT12H", onTimeout: "reject" },
      },
      manageWindows: s.manageWindows,
      estimates: s.estimates,
      freezes: s.freezes,
      defaults: {
        gates: [
          "provisioningState",
          "nodePoolEvents",
          ...(s.alertGate ? [{ azureMonitorAlerts: { severities: GATE_SEVERITIES, lookback: "PT2H" } }] : []),
          ...(s.probe ? [{ httpProbe: { url: PROBE_URL, expectStatus: 200 } }] : []),
        ],
        retries: { attempts: 1, delay: "PT10M" },
      },
      rings: s.rings.map((r) => ({
        name: r.name,
        selector: { tags: { ring: r.name } },
        ...(r.window ? { maintenanceWindow: ringWindow(r.window) } : {}),
        soak: r.soak,
        failureBudget: r.failureBudget,
        maxConcurrentPerSubscriptionRegion: r.cap,
        ...(r.approval ? { approval: r.approval } : {}),
      })),
      onCall: { platform: { email: [ONCALL_EMAIL] } },
      notifications: { from: "ringmaster@safety.example", digest: "PT30M" },
    },
  });
}
