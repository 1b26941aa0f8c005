import { HttpRequest, output } from "@azure/functions";
import { describe, expect, it } from "vitest";
import { loadPolicyFile } from "../../../src/config/policy.js";
import { eventHubHandler, webhookHandler, type TriggerDeps } from "../../../src/dispatch/triggers.js";
import { fixtureArm } from "../../helpers/fake-arm.js";
import { FakeDurable } from "../../helpers/fake-durable.js";
import { loadEvent } from "../../helpers/fixtures.js";
import { invocationContext } from "../../helpers/invocation.js";

const policies = [loadPolicyFile("examples/policy.yaml")];
const verify = () => fixtureArm().context();
const poisonOutput = output.storageQueue({
  queueName: "ringmaster-poison",
  connection: "AzureWebJobsStorage",
});

function deepValue(depth: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = { a: v };
  return v;
}
const deepText = (depth: number) => '{"a":'.repeat(depth) + "1" + "}".repeat(depth);

describe("Handler: eventHub with a 6,000-deep message", () => {
  it("processes the valid event and keeps a poison record for the deep one; the batch does not fail", async () => {
    for (const bad of [deepValue(6000), deepText(6000)]) {
      const durable = new FakeDurable();
      const deps: TriggerDeps = { policies: () => policies, poisonOutput, port: () => durable, verify };
      const ctx = invocationContext("ingressHub");
      await eventHubHandler(deps)([loadEvent("aks", "new-version-eventgrid"), bad], ctx);
      expect(durable.started()).toEqual([
        "rollout:contoso-platform:kubernetes:1.18.19",
        "rollout:contoso-platform:kubernetes:1.19.11:minor",
      ]);
      expect(ctx.extraOutputs.get(poisonOutput)).toEqual([
        expect.objectContaining({
          at: "[1]",
          transient: false,
          source: "eventHub",
          reason: expect.stringMatching(/nested deeper than 64 levels/),
        }),
      ]);
    }
  });

  it("writes the poison record before dispatch can throw", async () => {
    const deps: TriggerDeps = {
      policies: () => {
        throw new Error("policy store unavailable");
      },
      poisonOutput,
      port: () => new FakeDurable(),
      verify,
    };
    const ctx = invocationContext("ingressHub");
    await expect(
      eventHubHandler(deps)([loadEvent("aks", "new-version-eventgrid"), deepValue(6000)], ctx),
    ).rejects.toThrow(/policy store unavailable/);
    expect(ctx.extraOutputs.get(poisonOutput)).toEqual([
      expect.objectContaining({ at: "[1]", transient: false }),
    ]);
  });
});

describe("Handler: webhook (/api/events) with hostile bodies", () => {
  const deps: TriggerDeps = { policies: () => policies, poisonOutput, port: () => new FakeDurable(), verify };
  const post = (body: string, headers: Record<string, string> = {}) =>
    new HttpRequest({
      method: "POST",
      url: "http://127.0.0.1:7071/api/events",
      body: { string: body },
      headers,
    });

  it("answers 400 (not 500: Event Grid would retry for 24 h) for JSON nested 10,000 deep", async () => {
    const res = await webhookHandler(deps)(
      post("[".repeat(10_000) + "]".repeat(10_000)),
      invocationContext(),
    );
    expect(res).toMatchObject({
      status: 400,
      jsonBody: { rejected: [{ reason: expect.stringMatching(/nested deeper than 64 levels/) }] },
    });
  });

  it("answers 400 to a validation event whose data is not JSON, and to null bodies", async () => {
    const validation = { "aeg-event-type": "SubscriptionValidation" };
    for (const body of ['[{"data":"not json {"}]', "null", "[null]", ""]) {
      expect((await webhookHandler(deps)(post(body, validation), invocationContext())).status).toBe(400);
      expect((await webhookHandler(deps)(post(body), invocationContext())).status).toBe(400);
    }
  });

  it("refuses on Content-Length before reading the body", async () => {
    const res = await webhookHandler(deps)(
      post("[]", { "content-length": String(2 * 1024 * 1024) }),
      invocationContext(),
    );
    expect(res.status).toBe(413);
  });
});
