import { InvocationContext } from "@azure/functions";
import { describe, expect, it } from "vitest";
import { publishAudit, telemetryOf } from "../../../src/activities/audit.js";
import { auditCloudEvent, auditHubConfigured, auditOutput } from "../../../src/azure/audit.js";
import { countArmResponse, takeArmCounts } from "../../../src/shared/telemetry.js";

/** Issue 12: the audit CloudEvent, its two paths (Event Hub output binding or log), and the telemetry it carries. */
const ROLLOUT = "rollout:contoso-platform:kubernetes:1.30.5";
const CLUSTER =
  "/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg-dev/providers/Microsoft.ContainerService/managedClusters/aks-dev-weu-1";
const record = {
  transition: "cluster.failed" as const,
  rollout: ROLLOUT,
  cluster: CLUSTER,
  time: "2026-11-23T03:12:24.000Z",
  data: { ring: "dev", code: "PodDrainFailure" },
};

function context(bound: boolean): InvocationContext & { logs: string[] } {
  const logs: string[] = [];
  const ctx = new InvocationContext({
    functionName: "publishAudit",
    logHandler: (_level, ...args) => logs.push(args.map(String).join(" ")),
    options: {
      trigger: { type: "activityTrigger", name: "input" },
      extraOutputs: bound ? [auditOutput] : [],
    },
  });
  return Object.assign(ctx, { logs });
}

describe("Audit CloudEvents", () => {
  it("are CloudEvents 1.0: com.ringmaster.<transition>, the rollout as source, the cluster as subject, a deterministic id", () => {
    const e = auditCloudEvent(record);
    expect(e).toMatchObject({
      specversion: "1.0",
      type: "com.ringmaster.cluster.failed",
      source: `/ringmaster/rollouts/${encodeURIComponent(ROLLOUT)}`,
      subject: CLUSTER,
      time: record.time,
      datacontenttype: "application/json",
      data: record.data,
    });
    expect(auditCloudEvent(record).id).toBe(e.id);
    expect(auditCloudEvent({ ...record, time: "2026-11-23T03:12:25.000Z" }).id).not.toBe(e.id);
    expect(
      auditCloudEvent({ ...record, transition: "rollout.halted", cluster: undefined }),
    ).not.toHaveProperty("subject");
  });

  it("refuses a transition that is not a lifecycle transition, or a time that is not the orchestration's ISO clock", () => {
    expect(() => auditCloudEvent({ ...record, transition: "rollout.exploded" as never })).toThrow(
      /transition/,
    );
    expect(() => auditCloudEvent({ ...record, time: "yesterday" })).toThrow(/time/);
  });

  it("go to the Event Hub output binding when the function has it, else to structured log lines", async () => {
    const bound = context(true);
    expect(await publishAudit({ events: [record] }, bound)).toEqual({ published: 1, to: "eventhub" });
    expect(bound.extraOutputs.get(auditOutput)).toEqual([auditCloudEvent(record)]);
    const logged = context(false);
    expect(await publishAudit({ events: [record] }, logged)).toEqual({ published: 1, to: "log" });
    expect(logged.extraOutputs.get(auditOutput)).toBeUndefined();
    expect(logged.logs.map((l) => JSON.parse(l) as unknown)).toContainEqual({
      audit: auditCloudEvent(record),
    });
  });

  it("binds the hub only when the connection resolves: a connection string or the identity form infra/ sets", () => {
    expect(auditHubConfigured({})).toBe(false);
    expect(
      auditHubConfigured({ RINGMASTER_AUDIT_EVENTHUB__fullyQualifiedNamespace: "ns.servicebus.windows.net" }),
    ).toBe(true);
    expect(
      auditHubConfigured({
        RINGMASTER_AUDIT_EVENTHUB: "Endpoint=sb://ns/;SharedAccessKeyName=a;SharedAccessKey=b",
      }),
    ).toBe(true);
  });
});

describe("Telemetry", () => {
  it("a cluster transition is its upgrade's span end and a clusters-by-phase metric; a rollout's start raises rollouts running", () => {
    const lines = telemetryOf(auditCloudEvent(record)).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toEqual([
      expect.objectContaining({
        telemetry: "span",
        trace: `${ROLLOUT} ${CLUSTER}`,
        event: "end",
        phase: "failed",
      }),
      expect.objectContaining({
        telemetry: "metric",
        name: "ringmaster.clusters.phase",
        value: 1,
        phase: "failed",
      }),
    ]);
    const started = telemetryOf(
      auditCloudEvent({ ...record, transition: "rollout.started", cluster: undefined }),
    );
    expect(started.map((l) => JSON.parse(l) as unknown)).toContainEqual(
      expect.objectContaining({ name: "ringmaster.rollouts.running", value: 1, rollout: ROLLOUT }),
    );
  });

  it("counts ARM calls and 429s until taken", () => {
    takeArmCounts();
    for (const status of [200, 429, 429, 202]) countArmResponse(status);
    expect(takeArmCounts()).toEqual({ calls: 4, throttled: 2 });
    expect(takeArmCounts()).toEqual({ calls: 0, throttled: 0 });
  });
});
