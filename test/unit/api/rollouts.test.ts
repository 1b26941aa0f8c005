import { HttpRequest } from "@azure/functions";
import { describe, expect, it } from "vitest";
import type { ApiDeps } from "../../../src/api/deps.js";
import { getRollout, startRollout } from "../../../src/api/rollouts.js";
import { loadPolicyFile } from "../../../src/config/policy.js";
import { fixtureArm } from "../../helpers/fake-arm.js";
import { FakeDurable } from "../../helpers/fake-durable.js";

/** Issue 9: `POST /api/rollouts` takes only a real target, and a target is never used up. */
const policy = loadPolicyFile("examples/policy.yaml");
const BASE = "rollout:contoso-platform:kubernetes:1.18.19";

function deps(durable = new FakeDurable()): ApiDeps {
  return {
    port: durable,
    instances: (q) => durable.query(q),
    list: () => Promise.resolve([]),
    facts: () => fixtureArm(),
    policy,
    publicBaseUrl: "https://ringmaster.example.net/",
  };
}
const start = (body: unknown, d = deps()) =>
  startRollout(
    new HttpRequest({
      method: "POST",
      url: "http://127.0.0.1:7071/api/rollouts",
      body: { string: JSON.stringify(body) },
    }),
    d,
  );
const errorOf = (res: { jsonBody?: unknown }) => (res.jsonBody as { error?: string }).error ?? "";

describe("API: POST /api/rollouts", () => {
  it("refuses a target that is not a version or a label, naming the field", async () => {
    for (const body of [
      { target: "../../etc" },
      { kind: "nodeImage", target: "../../etc" },
      { target: "1.30.5; rm" },
      {},
    ]) {
      const res = await start(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(errorOf(res)).toMatch(/^target: /);
    }
  });

  it("refuses a version no managed region offers with 422 saying so (not a 'completed' rollout)", async () => {
    const durable = new FakeDurable();
    const res = await start({ target: "1.99.0" }, deps(durable));
    expect(res.status).toBe(422);
    expect(errorOf(res)).toBe(
      "target: Kubernetes 1.99.0 is not offered in any region of the managed clusters (westeurope)",
    );
    expect(durable.started()).toEqual([]);
  });

  it("starts an offered target; 409 only while it runs; after it ended, the next generation", async () => {
    const durable = new FakeDurable();
    const first = await start({ target: "1.18.19" }, deps(durable));
    expect(first).toMatchObject({
      status: 202,
      jsonBody: {
        id: BASE,
        generation: 1,
        statusUri: `https://ringmaster.example.net/api/rollouts/${encodeURIComponent(BASE)}`,
      },
    });
    expect((await start({ target: "1.18.19" }, deps(durable))).status).toBe(409);
    durable.instances.get(BASE)!.status = "Completed";
    durable.instances.get(BASE)!.output = { outcome: "canceled" };
    const again = await start({ target: "1.18.19", by: "alice" }, deps(durable));
    expect(again).toMatchObject({ status: 202, jsonBody: { id: `${BASE}:g2`, generation: 2 } });
    expect(durable.instances.get(`${BASE}:g2`)!.input).toMatchObject({
      generation: 2,
      trigger: { source: "api", by: "alice", previous: BASE },
    });
  });
});

describe("API: GET /api/rollouts/{id}", () => {
  it("reads only rollout ids", async () => {
    const req = (id: string) =>
      new HttpRequest({ method: "GET", url: "http://127.0.0.1:7071/api/rollouts/x", params: { id } });
    expect((await getRollout(req("cluster:a:b:c"), deps())).status).toBe(400);
    expect((await getRollout(req(BASE), deps())).status).toBe(404);
  });
});
