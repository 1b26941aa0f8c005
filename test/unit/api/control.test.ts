import { HttpRequest } from "@azure/functions";
import { describe, expect, it } from "vitest";
import { answerApproval, approveFleetGate, control } from "../../../src/api/control.js";
import type { ApiDeps } from "../../../src/api/deps.js";
import { loadPolicyFile } from "../../../src/config/policy.js";
import { FakeArm, FIXTURE_SUB } from "../../helpers/fake-arm.js";
import { FakeDurable } from "../../helpers/fake-durable.js";

/** Issue 9: the control API accepts only rollout ids that exist, valid bodies, and answers that answer something. */
const ID = "rollout:contoso-platform:kubernetes:1.30.5";
const CLUSTER = "cluster:11111111-1111-1111-1111-111111111111:rg-dev:aks-dev-weu-1";
const policy = loadPolicyFile("examples/policy.yaml");

function deps(durable: FakeDurable, arm = new FakeArm([FIXTURE_SUB])): ApiDeps {
  return {
    port: durable,
    instances: (q) => durable.query(q),
    list: () => Promise.resolve([]),
    facts: () => arm,
    policy,
    publicBaseUrl: "https://ringmaster.example.net",
  };
}

function post(params: Record<string, string>, body?: string, query = ""): HttpRequest {
  return new HttpRequest({
    method: "POST",
    url: `http://127.0.0.1:7071/api/x${query}`,
    params,
    ...(body === undefined ? {} : { body: { string: body } }),
  });
}

const running = (custom: unknown = {}) => {
  const durable = new FakeDurable();
  durable.seed(ID, "rollout", "Running", { customStatus: custom });
  durable.seed(CLUSTER, "clusterUpgrade", "Running");
  return durable;
};

const errorOf = (res: { jsonBody?: unknown }) => (res.jsonBody as { error?: string }).error ?? "";

describe("API: control accepts only rollout ids", () => {
  it.each(["pause", "resume", "cancel"] as const)(
    "refuses to %s a cluster workflow (400), raising nothing",
    async (action) => {
      const durable = running();
      const res = await control(post({ id: CLUSTER }), deps(durable), action);
      expect(res.status).toBe(400);
      expect(errorOf(res)).toMatch(
        /^id: "cluster:.*" is not a rollout id; expected rollout:<policy>:<kind>:<target>/,
      );
      expect(durable.instances.get(CLUSTER)!.events).toEqual([]);
    },
  );

  it("refuses ids that would be decoded again or split the URL (%3A, %2F, ?)", async () => {
    const durable = running();
    // The host decoded the route once: `%253A` arrives as `%3A`, which must not become `:` further down.
    for (const id of [ID.replace(/:/g, "%3A"), `${ID}%2F..%2Fx`, `${ID}/../x`, `${ID}?x=1`, `${ID}#x`]) {
      const res = await control(post({ id }), deps(durable), "cancel");
      expect(res.status, id).toBe(400);
    }
    expect(durable.instances.get(ID)!.events).toEqual([]);
  });

  it("answers 404 for a well-formed rollout id that does not exist, and 409 once it ended", async () => {
    const durable = running();
    const missing = await control(post({ id: `${ID}:g2` }), deps(durable), "cancel");
    expect(missing.status).toBe(404);
    durable.seed(ID, "rollout", "Completed");
    expect((await control(post({ id: ID }), deps(durable), "cancel")).status).toBe(409);
  });

  it("resumes only a halted or paused rollout, naming the halt it answers (a stale resume lifts nothing later)", async () => {
    const soaking = running({ state: "soaking", ring: "dev" });
    const refused = await control(post({ id: ID }), deps(soaking), "resume");
    expect(refused.status).toBe(409);
    expect(errorOf(refused)).toMatch(/is soaking, not halted or paused: nothing to resume/);
    expect(soaking.instances.get(ID)!.events).toEqual([]);
    const since = "2026-11-25T10:00:00.000Z";
    const halted = running({ state: "halted", ring: "dev", halted: { since, reason: "budget spent" } });
    const ok = await control(post({ id: ID }), deps(halted), "resume");
    expect(ok.status).toBe(202);
    expect(halted.instances.get(ID)!.events).toMatchObject([
      { name: "Control", data: { action: "resume", halted: since } },
    ]);
  });

  it("refuses an invalid pause/resume body with 400 naming the field, instead of acting as 'api'", async () => {
    const durable = running();
    for (const [body, field] of [
      ['{"by": 42}', /^by: /],
      ['{"by": "alice\\r\\nX-Forged: 1"}', /^by: expected an identity/],
      ['{"who": "alice"}', /Unrecognized key.*who/],
      ['"alice"', /^body: /],
    ] as const) {
      const res = await control(post({ id: ID }, body), deps(durable), "pause");
      expect(res.status, body).toBe(400);
      expect(errorOf(res), body).toMatch(field);
    }
    expect(durable.instances.get(ID)!.events).toEqual([]);
    const ok = await control(post({ id: ID }, '{"by": "alice@contoso.com"}'), deps(durable), "pause");
    expect(ok.status).toBe(202);
    expect(durable.instances.get(ID)!.events).toEqual([
      {
        name: "Control",
        data: {
          action: "pause",
          by: "alice@contoso.com",
          actor: { name: "alice@contoso.com", id: "alice@contoso.com", via: "key" },
        },
      },
    ]);
  });
});

describe("API: approvals", () => {
  const ahead = {
    phase: "ring dev",
    rings: [
      { name: "dev", status: "running" },
      { name: "prod", status: "pending" },
    ],
  };

  it("takes only an identity-like approver", async () => {
    const durable = running(ahead);
    const bad = await answerApproval(
      post({ id: ID }, '{"by": "Robert\'); DROP"}', "?ring=prod"),
      deps(durable),
      true,
    );
    expect(bad.status).toBe(400);
    expect(errorOf(bad)).toMatch(/^by: expected an identity/);
    const good = await answerApproval(post({ id: ID }, '{"by": "bob"}', "?ring=prod"), deps(durable), true);
    expect(good.status).toBe(202);
  });

  it("keeps the first answer in advance: the same again is a no-op, a different one is 409 unless replace", async () => {
    const durable = running({ ...ahead, answers: { prod: { approved: true, by: "alice" } } });
    const same = await answerApproval(post({ id: ID }, '{"by": "bob"}', "?ring=prod"), deps(durable), true);
    expect(same.status).toBe(200);
    const other = await answerApproval(post({ id: ID }, '{"by": "bob"}', "?ring=prod"), deps(durable), false);
    expect(other.status).toBe(409);
    expect(errorOf(other)).toMatch(/already approved in advance by alice; send "replace": true/);
    expect(durable.instances.get(ID)!.events).toEqual([]);
    const replaced = await answerApproval(
      post({ id: ID }, '{"by": "bob", "replace": true}', "?ring=prod"),
      deps(durable),
      false,
    );
    expect(replaced.status).toBe(202);
    expect(durable.instances.get(ID)!.events[0]).toMatchObject({
      data: { approved: false, by: "bob", ring: "prod", replace: true },
    });
  });

  it("refuses to approve a cluster workflow", async () => {
    const durable = running(ahead);
    expect((await answerApproval(post({ id: CLUSTER }), deps(durable), true)).status).toBe(400);
  });
});

describe("API: a Fleet gate is approved only if Fleet says it is Pending in a managed fleet", () => {
  const FLEET = `/subscriptions/${FIXTURE_SUB}/resourceGroups/rg/providers/Microsoft.ContainerService/fleets/f`;
  const GATE = "1eb18051-fff5-4c09-a15f-9eebd2e3b906";
  const withGate = (state: string) => {
    const durable = new FakeDurable();
    durable.seed(`fleetgate:${GATE}`, "fleetGate", "Running");
    durable.instances.get(`fleetgate:${GATE}`)!.input = { gateId: `${FLEET}/gates/${GATE}` };
    const arm = new FakeArm([FIXTURE_SUB]).addGate({ id: `${FLEET}/gates/${GATE}`, name: GATE, state });
    return { durable, arm };
  };

  it("approves a Pending gate through its workflow", async () => {
    const { durable, arm } = withGate("Pending");
    const res = await approveFleetGate(post({ gate: GATE }), deps(durable, arm));
    expect(res.status).toBe(202);
    expect(arm.reads).toEqual([`gate ${FLEET}/gates/${GATE}`]);
  });

  it("refuses a gate Fleet shows completed (409), an unknown gate (404) and a malformed name (400)", async () => {
    const { durable, arm } = withGate("Completed");
    expect((await approveFleetGate(post({ gate: GATE }), deps(durable, arm))).status).toBe(409);
    expect((await approveFleetGate(post({ gate: "other" }), deps(durable, arm))).status).toBe(404);
    expect((await approveFleetGate(post({ gate: "../x" }), deps(durable, arm))).status).toBe(400);
    expect(durable.instances.get(`fleetgate:${GATE}`)!.events).toEqual([]);
  });
});
