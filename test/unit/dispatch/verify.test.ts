import { describe, expect, it } from "vitest";
import { loadPolicyFile } from "../../../src/config/policy.js";
import { ingest, shouldRetry } from "../../../src/dispatch/ingest.js";
import { normalizeBody } from "../../../src/events/normalize.js";
import { FakeArm, FIXTURE_CLUSTER, FIXTURE_SUB, fixtureArm } from "../../helpers/fake-arm.js";
import { FakeDurable, silentLog } from "../../helpers/fake-durable.js";
import { loadEvent, RECEIVED_AT, set } from "../../helpers/fixtures.js";

/**
 * Issue 9, "nothing trusted blindly": an event is a hint. What it claims (managed subscription, existing
 * cluster, version offered in the cluster's region, a pending Fleet gate) is checked against ARM before
 * anything starts, and what is started follows from the verified facts.
 */
const policies = [loadPolicyFile("examples/policy.yaml")];
const FOREIGN = "99999999-9999-9999-9999-999999999999";
const run = (bodies: unknown[], arm: FakeArm, durable = new FakeDurable()) =>
  ingest(normalizeBody(bodies, { receivedAt: RECEIVED_AT }), {
    policies,
    port: durable,
    log: silentLog,
    source: "test",
    receivedAt: RECEIVED_AT,
    verify: arm.context(),
  }).then((report) => ({ report, durable }));

type Event = Record<string, unknown>;
const newVersion = (id: string, data: Record<string, string> = {}) => {
  let e = set(loadEvent<Event[]>("aks", "new-version-eventgrid")[0]!, "id", id);
  for (const [k, v] of Object.entries(data)) e = set(e, `data.${k}`, v);
  return e;
};
const inSubscription = (event: Event, sub: string) => {
  const field = "topic" in event ? "topic" : "source";
  return set(event, field, String(event[field]).replace(FIXTURE_SUB, sub));
};

describe("Dispatch: events are verified against ARM before anything starts", () => {
  it("starts nothing for a subscription Ringmaster does not manage, and asks ARM nothing about it", async () => {
    const arm = fixtureArm();
    const { report, durable } = await run(
      [
        inSubscription(newVersion("foreign"), FOREIGN),
        inSubscription(loadEvent("aks", "support-ended-cloudevent"), FOREIGN),
      ],
      arm,
    );
    expect(durable.started()).toEqual([]);
    expect(arm.reads).toEqual([]);
    expect(report.failed).toBe(0);
    expect(report.poison).toEqual([
      expect.objectContaining({
        transient: false,
        reason: expect.stringContaining(`subscription ${FOREIGN} is not one Ringmaster manages`),
      }),
      expect.objectContaining({
        transient: false,
        reason: expect.stringContaining("RINGMASTER_SUBSCRIPTION_IDS"),
      }),
    ]);
  });

  it("starts nothing for a cluster that does not exist", async () => {
    const arm = new FakeArm([FIXTURE_SUB], { westeurope: ["1.18.19"] });
    const { report, durable } = await run([newVersion("ghost")], arm);
    expect(durable.started()).toEqual([]);
    expect(report.poison[0]?.reason).toMatch(/aks-dev-weu-1 does not exist in ARM/);
  });

  it("starts nothing for a version the cluster's region does not offer, and reports it", async () => {
    const { report, durable } = await run(
      [
        newVersion("absurd", {
          lowestMinorKubernetesVersion: "1.18.100000000000000000000",
          latestStableKubernetesVersion: "1.18.100000000000000000000",
          latestSupportedKubernetesVersion: "1.18.100000000000000000000",
        }),
      ],
      fixtureArm(),
    );
    expect(durable.started()).toEqual([]);
    expect(report.outcomes.map((o) => o.result)).toEqual(["refused"]);
    expect(report.poison).toEqual([
      expect.objectContaining({
        transient: false,
        reason: expect.stringMatching(/Kubernetes 1\.18\.100000000000000000000 is not offered in westeurope/),
      }),
    ]);
    expect(shouldRetry(report)).toBe(false);
  });

  it("decides the level from the cluster's real version: a forged patch of the next minor needs approval", async () => {
    // The cluster runs 1.18.14; the event claims 1.19.11 is a patch of its own minor.
    const forged = newVersion("forged", {
      lowestMinorKubernetesVersion: "1.19.11",
      latestStableKubernetesVersion: "1.19.11",
      latestSupportedKubernetesVersion: "1.19.11",
    });
    const { durable } = await run([forged], fixtureArm());
    const started = durable.instances.get("rollout:contoso-platform:kubernetes:1.19.11:minor");
    expect(started?.input).toMatchObject({ level: "minor", requiresApproval: true, target: "1.19.11" });
  });

  it("refuses a target that is neither a patch nor the next minor of the cluster", async () => {
    const forged = newVersion("skip", {
      lowestMinorKubernetesVersion: "1.20.7",
      latestStableKubernetesVersion: "1.20.7",
      latestSupportedKubernetesVersion: "1.20.7",
    });
    const { durable, report } = await run([forged], fixtureArm());
    expect(durable.started()).toEqual([]);
    expect(report.poison[0]?.reason).toMatch(
      /neither a patch nor the next minor of aks-dev-weu-1's 1\.18\.14/,
    );
  });

  it("keeps a forged event from failing or shadowing the genuine ones of its batch; verifies each target once", async () => {
    const arm = fixtureArm();
    const { report, durable } = await run(
      [inSubscription(newVersion("bad"), FOREIGN), newVersion("good-1"), newVersion("good-2")],
      arm,
    );
    expect(report).toMatchObject({ total: 3, failed: 0, handled: 3 });
    expect(durable.started()).toEqual([
      "rollout:contoso-platform:kubernetes:1.18.19",
      "rollout:contoso-platform:kubernetes:1.19.11:minor",
    ]);
    // The foreign event asks ARM nothing; good-2's starts are no-ops after good-1's, so nothing is read again.
    expect(arm.reads.filter((r) => r.startsWith("cluster"))).toHaveLength(2);
  });

  it("asks ARM nothing for news that would start nothing (the release's next 39 clusters, one event each)", async () => {
    const arm = fixtureArm();
    const durable = new FakeDurable();
    await run([newVersion("first")], arm, durable);
    const reads = arm.reads.length;
    for (let i = 0; i < 5; i++) await run([newVersion(`next-${i}`)], arm, durable);
    expect(arm.reads.length).toBe(reads);
    expect(durable.started()).toHaveLength(2);
  });

  it("fails an event transiently when ARM cannot answer, so it is redelivered rather than judged on a guess", async () => {
    const arm = fixtureArm();
    arm.fail = true;
    const { report, durable } = await run([newVersion("x")], arm);
    expect(durable.started()).toEqual([]);
    expect(report.failed).toBe(1);
    expect(report.poison).toEqual([expect.objectContaining({ transient: true })]);
    expect(shouldRetry(report)).toBe(true);
  });
});

describe("Dispatch: a Fleet gate event cannot pick which gate Ringmaster approves", () => {
  const FLEET = `/subscriptions/${FIXTURE_SUB}/resourceGroups/rg-fleet/providers/Microsoft.ContainerService/fleets/fleet-1`;
  const GATE = "1eb18051-fff5-4c09-a15f-9eebd2e3b906";
  const gateEvent = (id: string) => {
    const e = loadEvent<Event[]>("arn", "fleet-gate-created")[0]!;
    const named = set(set(e, "data.resourceInfo.id", id), "data.resourceInfo.name", id.split("/").pop());
    return set(set(named, "subject", id), "topic", `/subscriptions/${FIXTURE_SUB}`);
  };
  const arm = () =>
    new FakeArm([FIXTURE_SUB]).addGate({
      id: `${FLEET}/gates/${GATE}`,
      name: GATE,
      state: "Pending",
      displayName: "from ARM",
      stage: "prod",
      runName: "run-1",
    });

  it("starts the gate workflow from Fleet's own record, with an absolute link naming its instance", async () => {
    const { durable } = await run([gateEvent(`${FLEET}/gates/${GATE}`)], arm());
    expect(durable.started()).toEqual([`fleetgate:${GATE}`]);
    expect(durable.instances.get(`fleetgate:${GATE}`)?.input).toMatchObject({
      gateId: `${FLEET}/gates/${GATE}`,
      fleetId: FLEET,
      displayName: "from ARM",
      stage: "prod",
      approveUrl: `https://ringmaster.example.net/api/fleetgates/${GATE}/approve`,
    });
  });

  it("starts nothing for a gate Fleet does not know, one that is not Pending, or one in a foreign subscription", async () => {
    const completed = arm().addGate({ id: `${FLEET}/gates/done`, name: "done", state: "Completed" });
    const foreign = `${FLEET.replace(FIXTURE_SUB, FOREIGN)}/gates/${GATE}`;
    const { durable, report } = await run(
      [gateEvent(`${FLEET}/gates/forged`), gateEvent(`${FLEET}/gates/done`), gateEvent(foreign)],
      completed,
    );
    expect(durable.started()).toEqual([]);
    expect(report.poison.map((p) => p.reason)).toEqual([
      expect.stringMatching(/gates\/forged does not exist/),
      expect.stringMatching(/is Completed, not Pending/),
      expect.stringMatching(/subscription 9{8}-.* which Ringmaster does not manage/),
    ]);
  });
});

describe("Dispatch: a forged Fleet gate update cannot silence a question", () => {
  const FLEET = `/subscriptions/${FIXTURE_SUB}/resourceGroups/rg-fleet/providers/Microsoft.ContainerService/fleets/fleet-1`;
  const GATE = "1eb18051-fff5-4c09-a15f-9eebd2e3b906";
  const updated = (state: string) => {
    const e = loadEvent<Event[]>("arn", "fleet-gate-created")[0]!;
    const id = `${FLEET}/gates/${GATE}`;
    const moved = set(set(e, "data.resourceInfo.id", id), "data.resourceInfo.properties.state", state);
    return set(
      set(moved, "subject", id),
      "eventType",
      "Microsoft.ResourceNotifications.AksResources.FleetGateUpdated",
    );
  };

  it("passes an update on only when Fleet shows the same state", async () => {
    const arm = new FakeArm([FIXTURE_SUB]).addGate({
      id: `${FLEET}/gates/${GATE}`,
      name: GATE,
      state: "Pending",
    });
    const durable = new FakeDurable();
    durable.seed(`fleetgate:${GATE}`, "fleetGate");
    const forged = await run([updated("Completed")], arm, durable);
    expect(forged.report.outcomes.map((o) => o.result)).toEqual(["refused"]);
    expect(durable.instances.get(`fleetgate:${GATE}`)!.events).toEqual([]);
    arm.addGate({ id: `${FLEET}/gates/${GATE}`, name: GATE, state: "Completed" });
    await run([updated("Completed")], arm, durable);
    expect(durable.instances.get(`fleetgate:${GATE}`)!.events).toEqual([
      { name: "GateUpdated", data: expect.objectContaining({ state: "Completed" }) },
    ]);
  });
});

it("fixture cluster id is the one the AKS fixtures name", () => {
  expect(String(loadEvent<Event[]>("aks", "new-version-eventgrid")[0]!.topic)).toBe(FIXTURE_CLUSTER);
});
