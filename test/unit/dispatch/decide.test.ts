import { describe, expect, it } from "vitest";
import { loadPolicyFile, type Policy } from "../../../src/config/policy.js";
import { decide, type Decision } from "../../../src/dispatch/decide.js";
import { normalizeBody } from "../../../src/events/normalize.js";
import { loadEvent, RECEIVED_AT, set } from "../../helpers/fixtures.js";

const policy = loadPolicyFile("examples/policy.yaml");
const opts = { receivedAt: RECEIVED_AT };

type EG = Record<string, unknown> & { data: Record<string, unknown> };
function newVersion(cluster: string, id: string, data: Record<string, string>): EG {
  const e = loadEvent<EG[]>("aks", "new-version-eventgrid")[0]!;
  return {
    ...e,
    id,
    topic: `/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/${cluster}`,
    subject: cluster,
    data,
  };
}

function decisionsFor(body: unknown, policies: Policy[] = [policy]): Decision[] {
  return decide(normalizeBody(body, opts), policies).flatMap((p) => p.decisions);
}

const RELEASE = {
  lowestMinorKubernetesVersion: "1.30.5",
  latestStableKubernetesVersion: "1.31.2",
  latestSupportedKubernetesVersion: "1.31.2",
};

describe("Function: decide", () => {
  it("starts one patch rollout (auto) and one minor rollout that waits for approval", () => {
    const decisions = decisionsFor(newVersion("aks-dev-weu-1", "e1", RELEASE));
    expect(decisions).toEqual([
      expect.objectContaining({
        type: "start",
        workflow: "rollout",
        instanceId: "rollout:contoso-platform:kubernetes:1.30.5",
        input: expect.objectContaining({ level: "patch", target: "1.30.5", requiresApproval: false }),
      }),
      expect.objectContaining({
        type: "start",
        instanceId: "rollout:contoso-platform:kubernetes:1.31.2:minor",
        input: expect.objectContaining({ level: "minor", target: "1.31.2", requiresApproval: true }),
      }),
    ]);
  });

  it("collapses the same news from 40 clusters and redeliveries to one start per target", () => {
    const batch = Array.from({ length: 40 }, (_, i) => newVersion(`aks-${i}`, `id-${i}`, RELEASE));
    batch.push(batch[0]!, batch[7]!);
    const starts = decisionsFor(batch).filter((d) => d.type === "start");
    // One start per target and cluster: which cluster's claim ARM confirms is known only after verification.
    expect(new Set(starts.map((d) => d.type === "start" && d.instanceId))).toEqual(
      new Set([
        "rollout:contoso-platform:kubernetes:1.30.5",
        "rollout:contoso-platform:kubernetes:1.31.2:minor",
      ]),
    );
    expect(starts).toHaveLength(80);
  });

  it("never skips a minor: from 1.29 the minor target is 1.30's patch, not 1.31", () => {
    const decisions = decisionsFor(
      newVersion("old", "e2", {
        lowestMinorKubernetesVersion: "1.29.9",
        latestStableKubernetesVersion: "1.30.5",
        latestSupportedKubernetesVersion: "1.31.2",
      }),
    );
    expect(decisions.map((d) => d.type === "start" && d.instanceId)).toEqual([
      "rollout:contoso-platform:kubernetes:1.29.9",
      "rollout:contoso-platform:kubernetes:1.30.5:minor",
    ]);
  });

  it("in a fleet across two minors, 1.30.5 runs twice: a patch rollout (auto) and a minor one (approval)", () => {
    // The same release, seen from a 1.30 cluster (a patch) and from a 1.29 cluster (the next minor).
    const from130 = newVersion("aks-130", "e130", { lowestMinorKubernetesVersion: "1.30.5" });
    const from129 = newVersion("aks-129", "e129", {
      lowestMinorKubernetesVersion: "1.29.9",
      latestStableKubernetesVersion: "1.30.5",
    });
    const starts = decisionsFor([from130, from129]).filter((d) => d.type === "start");
    const of130 = starts.filter((d) => d.type === "start" && d.input.target === "1.30.5");
    expect(of130).toEqual([
      expect.objectContaining({
        instanceId: "rollout:contoso-platform:kubernetes:1.30.5",
        input: expect.objectContaining({ level: "patch", requiresApproval: false }),
      }),
      expect.objectContaining({
        instanceId: "rollout:contoso-platform:kubernetes:1.30.5:minor",
        input: expect.objectContaining({ level: "minor", requiresApproval: true }),
      }),
    ]);
  });

  it("logs instead of starting for a denied version and for modes set to never", () => {
    const denied = decisionsFor(
      newVersion("c", "e3", {
        lowestMinorKubernetesVersion: "1.30.9",
        latestSupportedKubernetesVersion: "1.31.0",
      }),
    );
    expect(denied[1]).toMatchObject({
      type: "log",
      message: expect.stringContaining('1.31.0 is denied (spec.versions.deny "1.31.0")'),
    });
    const never: Policy = {
      ...policy,
      spec: { ...policy.spec, versions: { ...policy.spec.versions, minor: "never" } },
    };
    const d = decisionsFor(newVersion("c", "e4", RELEASE), [never]);
    expect(d[1]).toMatchObject({
      type: "log",
      message: expect.stringContaining("minor upgrades are set to never"),
    });
  });

  it("routes NodePoolRolling* to the cluster workflow that owns the upgrade", () => {
    const [d] = decisionsFor(loadEvent("aks", "rolling-failed-eventgrid"));
    expect(d).toEqual({
      type: "raise",
      instanceId: "cluster:11111111-1111-1111-1111-111111111111:rg-dev:aks-dev-weu-1",
      eventName: "NodePoolRolling",
      data: expect.objectContaining({ phase: "Failed", nodePoolName: "nodepool1" }),
      because: expect.any(String),
    });
  });

  it("starts an end-of-support workflow per cluster, from AKS events and ARN EOL notices alike", () => {
    const [ending] = decisionsFor(loadEvent("aks", "support-ending-eventgrid"));
    expect(ending).toMatchObject({
      type: "start",
      workflow: "endOfSupport",
      instanceId:
        "eos:contoso-platform:ending:1.24.10:11111111-1111-1111-1111-111111111111:rg-dev:aks-dev-weu-1",
    });
    const [eol] = decisionsFor(loadEvent("arn", "scheduled-eol-string-details"));
    expect(eol).toMatchObject({
      type: "start",
      workflow: "endOfSupport",
      input: expect.objectContaining({ kubernetesVersion: "1.32.3", stage: "ending" }),
    });
  });

  it("notifies on-call about AKS's own scheduled or failed maintenance and only logs progress", () => {
    const started = decisionsFor(loadEvent("arn", "scheduled-maintenance"));
    expect(started[0]).toMatchObject({ type: "log" });
    const scheduled = decisionsFor(
      set(loadEvent("arn", "scheduled-maintenance"), "data.resourceInfo.properties.eventStatus", "Scheduled"),
    );
    expect(scheduled[0]).toMatchObject({
      type: "start",
      workflow: "notify",
      input: expect.objectContaining({ category: "aksMaintenance" }),
    });
  });

  it("starts a gate workflow for a pending Fleet gate and raises its later updates", () => {
    const [created] = decisionsFor(loadEvent("arn", "fleet-gate-created"));
    expect(created).toMatchObject({
      type: "start",
      workflow: "fleetGate",
      instanceId: "fleetgate:1eb18051-fff5-4c09-a15f-9eebd2e3b906",
    });
    const [updated] = decisionsFor(loadEvent("arn", "fleet-gate-updated-cloudevent"));
    expect(updated).toMatchObject({
      type: "raise",
      instanceId: "fleetgate:1eb18051-fff5-4c09-a15f-9eebd2e3b906",
      eventName: "GateUpdated",
      data: expect.objectContaining({ state: "Completed" }),
    });
  });

  it("notifies budget alerts, raises monitor alerts to affected clusters, logs the rest, poisons rejects", () => {
    expect(decisionsFor(loadEvent("alerts", "budget-common-actual"))[0]).toMatchObject({
      type: "start",
      workflow: "notify",
      input: expect.objectContaining({ category: "budget" }),
    });
    const alert = decisionsFor(loadEvent("alerts", "metric-alert-common"));
    expect(alert[0]).toMatchObject({
      type: "raise",
      eventName: "MonitorAlert",
      data: expect.objectContaining({ severity: "Sev1" }),
    });
    expect(
      decisionsFor(
        set(loadEvent("aks", "rolling-failed-eventgrid"), "eventType", "Microsoft.Storage.BlobCreated"),
      )[0],
    ).toMatchObject({ type: "log" });
    expect(decisionsFor({ nope: true })[0]).toMatchObject({ type: "poison" });
  });

  it("is deterministic", () => {
    const body = [
      newVersion("a", "1", RELEASE),
      loadEvent("aks", "rolling-failed-eventgrid"),
      loadEvent("alerts", "budget-legacy"),
    ];
    expect(decisionsFor(body)).toEqual(decisionsFor(structuredClone(body)));
  });
});
