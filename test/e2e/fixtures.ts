/**
 * A small fleet and policy for end-to-end journeys: three rings with daily UTC windows and short soaks, so
 * a whole rollout passes in under a simulated day (a few real seconds). Shapes are those of
 * examples/fleet.yaml and examples/policy.yaml; each journey adds its faults, releases or alerts.
 */
export const SUB = "33333333-3333-3333-3333-333333333333";
export const IMAGE_0 = "AKSUbuntu-2204gen2containerd-202611.03.0";
export const IMAGE_1 = "AKSUbuntu-2204gen2containerd-202611.17.0";
export const IMAGE_2 = "AKSUbuntu-2204gen2containerd-202611.24.0";
export const PROBE_URL = "https://status.e2e.example/healthz";
export const ONCALL = "oncall@e2e.example";

/** Ring windows (UTC hours) as the policy declares them; tests check operations against these. */
export const WINDOWS = {
  dev: { start: 2, hours: 6 },
  staging: { start: 10, hours: 6 },
  prod: { start: 18, hours: 5 },
} as const;
export const RING_OF: Record<string, keyof typeof WINDOWS> = {
  "dev-1": "dev",
  "dev-2": "dev",
  "stg-1": "staging",
  "stg-2": "staging",
  "prod-1": "prod",
  "prod-2": "prod",
};

export function fleetYaml(o: {
  speed: number;
  releases?: string;
  faults?: string;
  extra?: string;
  k8s?: string;
  clusters?: string;
}): string {
  const k8s = o.k8s ?? "1.30.4";
  const pool = (name: string, mode: string, count: number) =>
    `{ name: ${name}, mode: ${mode}, count: ${count}, nodeImageVersion: ${IMAGE_0} }`;
  return `apiVersion: ringmaster/v1
kind: SimulatedAzure
clock: { start: "2026-11-23T00:00:00Z", speed: ${o.speed} }
timing: { controlPlaneMinutes: 10, perNodeMinutes: 5 }
subscriptions:
  - id: ${SUB}
    name: e2e
    clusters:
      - name: dev-1
        resourceGroup: rg-dev
        location: westeurope
        kubernetesVersion: ${k8s}
        tags: { env: dev }
        nodePools: [${pool("system", "System", 2)}, ${pool("apps", "User", 2)}]
      - name: dev-2
        resourceGroup: rg-dev
        location: northeurope
        kubernetesVersion: ${k8s}
        tags: { env: dev }
        nodePools: [${pool("system", "System", 2)}]
      - name: stg-1
        resourceGroup: rg-stg
        location: westeurope
        kubernetesVersion: ${k8s}
        tags: { env: staging }
        nodePools: [${pool("system", "System", 2)}, ${pool("apps", "User", 3)}]
      - name: prod-1
        resourceGroup: rg-prod
        location: westeurope
        kubernetesVersion: ${k8s}
        tags: { env: prod }
        nodePools: [${pool("system", "System", 2)}, ${pool("apps", "User", 3)}]
      - name: prod-2
        resourceGroup: rg-prod
        location: westeurope
        kubernetesVersion: ${k8s}
        tags: { env: prod }
        nodePools: [${pool("system", "System", 2)}]
${o.clusters ?? ""}
releases:
${
  o.releases ??
  `  kubernetes:
    - { version: 1.30.5, regions: [westeurope, northeurope], at: "2026-11-23T00:30:00Z" }
  nodeImages: []`
}
faults:
${o.faults ?? "  []"}
probes:
  - { url: "${PROBE_URL}", status: 200 }
${o.extra ?? ""}
`;
}

export function policyYaml(o: { minor?: string; devBudget?: number } = {}): string {
  const window = (ring: keyof typeof WINDOWS) =>
    `{ daily: { intervalDays: 1 }, startTime: "${String(WINDOWS[ring].start).padStart(2, "0")}:00", durationHours: ${WINDOWS[ring].hours}, utcOffset: "+00:00" }`;
  return `apiVersion: ringmaster/v1
kind: RolloutPolicy
metadata: { name: e2e }
spec:
  versions:
    patch: auto
    minor: approval
    approval: ${o.minor ?? "{ timeout: PT4H, onTimeout: reject }"}
  nodeImage: { schedule: "0 0 5 * * Mon" }
  manageWindows: true
  estimates: { controlPlaneMinutes: 10, perNodeMinutes: 5 }
  defaults:
    soak: PT2H
    failureBudget: 0
    maxConcurrentPerSubscriptionRegion: 1
    gates: [provisioningState, nodePoolEvents]
    retries: { attempts: 2, delay: PT10M }
  rings:
    - name: dev
      selector: { tags: { env: dev } }
      maintenanceWindow: ${window("dev")}
      failureBudget: ${o.devBudget ?? 0}
    - name: staging
      selector: { tags: { env: staging } }
      maintenanceWindow: ${window("staging")}
      gates:
        - provisioningState
        - nodePoolEvents
        - azureMonitorAlerts: { severities: [Sev0, Sev1], lookback: PT2H }
    - name: prod
      selector: { tags: { env: prod } }
      approval: { required: true, timeout: PT8H, onTimeout: reject }
      maintenanceWindow: ${window("prod")}
      gates:
        - provisioningState
        - httpProbe: { url: "${PROBE_URL}", expectStatus: 200 }
  onCall:
    platform: { email: ["${ONCALL}"] }
  notifications: { from: "ringmaster@e2e.example", digest: PT30M }
`;
}

/** Whether [start, end] lies inside the ring's daily UTC window of the day it starts (independent of the app's window code). */
export function insideWindow(ring: keyof typeof WINDOWS, startIso: string, endIso: string): boolean {
  const start = Date.parse(startIso);
  const end = Date.parse(endIso);
  const day = Date.UTC(
    new Date(start).getUTCFullYear(),
    new Date(start).getUTCMonth(),
    new Date(start).getUTCDate(),
  );
  const open = day + WINDOWS[ring].start * 3_600_000;
  const close = open + WINDOWS[ring].hours * 3_600_000;
  return start >= open && end <= close;
}

/** 1.30.5 offered in both regions from before the clock starts, without an event: tests send the events. */
export const RELEASED_BEFORE_START = `  kubernetes:
    - { version: 1.30.5, regions: [westeurope, northeurope], at: "2026-11-20T00:00:00Z" }
  nodeImages: []`;
