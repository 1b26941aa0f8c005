import { HttpRequest, output } from "@azure/functions";
import { describe, expect, it } from "vitest";
import { loadPolicyFile } from "../../../src/config/policy.js";
import {
  eventGridHandler,
  eventHubHandler,
  webhookHandler,
  type TriggerDeps,
} from "../../../src/dispatch/triggers.js";
import { fixtureArm } from "../../helpers/fake-arm.js";
import { FakeDurable } from "../../helpers/fake-durable.js";
import { fixtureText, loadEvent } from "../../helpers/fixtures.js";
import { invocationContext } from "../../helpers/invocation.js";

const policies = [loadPolicyFile("examples/policy.yaml")];
const poisonOutput = output.storageQueue({
  queueName: "ringmaster-poison",
  connection: "AzureWebJobsStorage",
});

function setup() {
  const durable = new FakeDurable();
  const arm = fixtureArm();
  const deps: TriggerDeps = {
    policies: () => policies,
    poisonOutput,
    port: () => durable,
    verify: () => arm.context(),
  };
  return { durable, deps };
}

function post(body: string, headers: Record<string, string> = {}): HttpRequest {
  return new HttpRequest({
    method: "POST",
    url: "http://127.0.0.1:7071/api/events",
    body: { string: body },
    headers,
  });
}

describe("Handler: webhook", () => {
  it("answers the Event Grid validation handshake with 200 and the code", async () => {
    const { deps } = setup();
    const res = await webhookHandler(deps)(
      post(fixtureText("eventgrid", "subscription-validation"), {
        "aeg-event-type": "SubscriptionValidation",
      }),
      invocationContext(),
    );
    expect(res).toEqual({
      status: 200,
      jsonBody: { validationResponse: "512d38b6-c7b8-40c8-89fe-f46f9e9622b6" },
    });
  });

  it("a validation handshake starts and signals nothing, even when it carries real events (issue 12)", async () => {
    const { deps, durable } = setup();
    const cluster = "cluster:11111111-1111-1111-1111-111111111111:rg-dev:aks-dev-weu-1";
    durable.seed(cluster, "clusterUpgrade");
    const validation = JSON.parse(fixtureText("eventgrid", "subscription-validation")) as unknown[];
    const smuggled = [
      ...validation,
      loadEvent("aks", "rolling-started-cloudevent"),
      loadEvent("aks", "new-version-eventgrid"),
    ];
    const res = await webhookHandler(deps)(
      post(JSON.stringify(smuggled), { "aeg-event-type": "SubscriptionValidation" }),
      invocationContext(),
    );
    expect(res.status).toBe(200);
    expect(durable.started()).toEqual([]);
    expect(durable.instances.get(cluster)!.events).toEqual([]);
  });

  it("answers the CloudEvents OPTIONS abuse-protection handshake for Event Grid, refuses strangers", async () => {
    const { deps } = setup();
    const options = (origin: string) =>
      new HttpRequest({
        method: "OPTIONS",
        url: "http://127.0.0.1:7071/api/events",
        headers: { "WebHook-Request-Origin": origin, "WebHook-Request-Rate": "120" },
      });
    const ok = await webhookHandler(deps)(options("eventgrid.azure.net"), invocationContext());
    expect(ok).toMatchObject({
      status: 200,
      headers: {
        "WebHook-Allowed-Origin": "eventgrid.azure.net",
        "WebHook-Allowed-Rate": "120",
        Allow: "POST, OPTIONS",
      },
    });
    expect((await webhookHandler(deps)(options("evil.example"), invocationContext())).status).toBe(403);
  });

  it("ingests a delivery and reports what was handled and rejected", async () => {
    const { deps, durable } = setup();
    const body = JSON.stringify([loadEvent("aks", "rolling-started-cloudevent"), { bad: true }]);
    durable.seed("cluster:11111111-1111-1111-1111-111111111111:rg-dev:aks-dev-weu-1", "clusterUpgrade");
    const ctx = invocationContext();
    const res = await webhookHandler(deps)(post(body), ctx);
    expect(res).toMatchObject({
      status: 200,
      jsonBody: { received: 2, handled: 1, failed: 0, rejected: [{ at: "[1]" }] },
    });
    expect(ctx.extraOutputs.get(poisonOutput)).toEqual([
      expect.objectContaining({ at: "[1]", transient: false, source: "webhook" }),
    ]);
    expect(
      durable.instances.get("cluster:11111111-1111-1111-1111-111111111111:rg-dev:aks-dev-weu-1")!.events,
    ).toEqual([{ name: "NodePoolRolling", data: expect.objectContaining({ phase: "Started" }) }]);
  });

  it("answers 400 when every event is rejected, 413 over 1 MB, 503 when nothing could be dispatched", async () => {
    const { deps, durable } = setup();
    expect((await webhookHandler(deps)(post("garbage"), invocationContext())).status).toBe(400);
    expect((await webhookHandler(deps)(post("x".repeat(1024 * 1024 + 1)), invocationContext())).status).toBe(
      413,
    );
    durable.failOn = () => true;
    const res = await webhookHandler(deps)(
      post(fixtureText("aks", "new-version-eventgrid")),
      invocationContext(),
    );
    expect(res).toMatchObject({ status: 503, headers: { "Retry-After": "10" } });
  });
});

describe("Handler: eventGrid", () => {
  it("throws only when dispatch failed, so Event Grid redelivers that one event", async () => {
    const { deps, durable } = setup();
    await eventGridHandler(deps)(loadEvent("aks", "support-ending-eventgrid"), invocationContext());
    expect(durable.started()).toHaveLength(1);
    durable.failOn = () => true;
    await expect(
      eventGridHandler(deps)(loadEvent("aks", "support-ended-cloudevent"), invocationContext()),
    ).rejects.toThrow(/Event Grid will redeliver/);
  });

  it("keeps a malformed event as poison without throwing", async () => {
    const { deps } = setup();
    const ctx = invocationContext();
    await eventGridHandler(deps)({ eventType: "x" }, ctx);
    expect(ctx.extraOutputs.get(poisonOutput)).toEqual([
      expect.objectContaining({ reason: expect.stringMatching(/^id: missing/) }),
    ]);
  });
});

describe("Handler: eventHub", () => {
  it("handles each message on its own: one failure neither fails nor re-delivers the batch", async () => {
    const { deps, durable } = setup();
    durable.failOn = (op, id) => op === "start" && id.startsWith("eos:");
    const ctx = invocationContext("ingressHub");
    await eventHubHandler(deps)(
      [loadEvent("aks", "new-version-eventgrid"), loadEvent("aks", "support-ending-eventgrid"), "not json"],
      ctx,
    );
    expect(durable.started()).toEqual([
      "rollout:contoso-platform:kubernetes:1.18.19",
      "rollout:contoso-platform:kubernetes:1.19.11:minor",
    ]);
    const poison = ctx.extraOutputs.get(poisonOutput) as { transient: boolean; at: string }[];
    expect(poison.map((p) => [p.transient, p.at])).toEqual([
      [true, expect.stringMatching(/^ClusterSupportEnding:/)],
      [false, "[2]"],
    ]);
  });

  it("throws a batch where nothing could be handled while retries remain, then keeps it as poison", async () => {
    const { deps, durable } = setup();
    durable.failOn = () => true;
    const batch = [loadEvent("aks", "support-ending-eventgrid")];
    await expect(
      eventHubHandler(deps)(batch, invocationContext("ingressHub", { retryCount: 1, maxRetryCount: 5 })),
    ).rejects.toThrow(/retrying/);
    const last = invocationContext("ingressHub", { retryCount: 5, maxRetryCount: 5 });
    await eventHubHandler(deps)(batch, last);
    expect(last.extraOutputs.get(poisonOutput)).toEqual([expect.objectContaining({ transient: true })]);
  });
});
