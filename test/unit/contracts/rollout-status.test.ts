import { HttpRequest } from "@azure/functions";
import { describe, expect, it } from "vitest";
import type { PreparedRollout } from "../../../src/contracts/prepared-rollout.js";
import { answerApproval } from "../../../src/api/control.js";
import type { ApiDeps } from "../../../src/api/deps.js";
import { getRollout } from "../../../src/api/rollouts.js";
import { loadPolicyFile } from "../../../src/config/policy.js";
import {
  RolloutStates,
  RolloutStatusSchema,
  type RolloutDetail,
  type RolloutStateName,
} from "../../../src/contracts/rollout-status.js";
import { enter, initialStatus } from "../../../src/workflows/rollout-status.js";
import { FakeArm, FIXTURE_SUB } from "../../helpers/fake-arm.js";
import { FakeDurable } from "../../helpers/fake-durable.js";

/**
 * Issue 10: the rollout status is declared once (contracts/rollout-status.ts). What the workflow writes
 * matches it in every state, and the API branches on its machine-readable `state`, never on phase text.
 */
const ID = "rollout:contoso-platform:kubernetes:1.30.5";
const INPUT = {
  policy: "contoso-platform",
  kind: "kubernetes",
  target: "1.30.5",
  requiresApproval: false,
} as const;
// Only the plan's rings (their counts and lanes) feed the status: the clusters themselves are in the lanes.
const PREPARED = {
  plan: {
    rings: [
      { name: "dev", clusters: 1, scheduled: 1, lanes: 1, buckets: [1] },
      { name: "prod", clusters: 1, scheduled: 0, lanes: 1, buckets: [1] },
    ],
  },
} as unknown as PreparedRollout;

function deps(durable: FakeDurable): ApiDeps {
  return {
    port: durable,
    instances: (q) => durable.query(q),
    list: () => Promise.resolve([]),
    facts: () => new FakeArm([FIXTURE_SUB]),
    policy: loadPolicyFile("examples/policy.yaml"),
    publicBaseUrl: "https://ringmaster.example.net",
  };
}
const get = (id: string) =>
  new HttpRequest({ method: "GET", url: "http://127.0.0.1:7071/api/x", params: { id } });

describe("Rollout status contract", () => {
  it("what the workflow writes matches the schema in every state", () => {
    for (const state of Object.values(RolloutStates) as RolloutStateName[]) {
      const status = initialStatus(ID, INPUT, PREPARED);
      enter(status, state, `words for ${state}`, "dev");
      const parsed = RolloutStatusSchema.safeParse(JSON.parse(JSON.stringify(status)));
      expect(parsed.error?.issues ?? [], state).toEqual([]);
      expect(parsed.data).toMatchObject({ state, ring: "dev", phase: `words for ${state}` });
    }
    const status = initialStatus(ID, INPUT, PREPARED);
    enter(status, "soaking", "soaking dev", "dev");
    enter(status, "completed", "completed");
    expect(status).not.toHaveProperty("ring");
  });

  it("GET /api/rollouts/{id} answers state and ring as fields of their own", async () => {
    const status = initialStatus(ID, INPUT, PREPARED);
    enter(status, "waiting-approval", "waiting for approval of prod", "prod");
    const durable = new FakeDurable();
    durable.seed(ID, "rollout", "Running", { customStatus: JSON.parse(JSON.stringify(status)) });
    const res = await getRollout(get(ID), deps(durable));
    expect(res.status).toBe(200);
    const body = res.jsonBody as RolloutDetail;
    expect(body).toMatchObject({
      state: "waiting-approval",
      ring: "prod",
      phase: "waiting for approval of prod",
    });
    expect(body.statusError).toBeUndefined();
    expect(body.rings.map((r) => r.name)).toEqual(["dev", "prod"]);
    expect(body.rings.map((r) => [r.counts.total, r.counts.scheduled, r.counts.skipped])).toEqual([
      [1, 1, 0],
      [1, 0, 1],
    ]);
    expect(body.clustersUri).toBe(
      `https://ringmaster.example.net/api/rollouts/${encodeURIComponent(ID)}/clusters`,
    );
  });

  it("a stored status that breaks the contract is reported with the field, not shown as a state", async () => {
    const durable = new FakeDurable();
    durable.seed(ID, "rollout", "Running", {
      customStatus: { ...initialStatus(ID, INPUT, PREPARED), state: "soaking-ish" },
    });
    const body = (await getRollout(get(ID), deps(durable))).jsonBody as RolloutDetail;
    expect(body.state).toBeNull();
    expect(body.statusError).toMatch(/^the rollout's status does not match its contract: state: /);
  });

  it("answers a ring in advance when the state says its approval is scheduled, whatever the phase text", async () => {
    const status = initialStatus(ID, INPUT, PREPARED);
    status.rings[1]!.status = "running"; // not pending: only the state can say the question is still to come
    enter(status, "approval-scheduled", "(any words: nobody parses them)", "prod");
    const durable = new FakeDurable();
    durable.seed(ID, "rollout", "Running", { customStatus: JSON.parse(JSON.stringify(status)) });
    const res = await answerApproval(
      new HttpRequest({
        method: "POST",
        url: "http://127.0.0.1:7071/api/x?ring=prod",
        params: { id: ID },
        body: { string: '{"by": "bob"}' },
      }),
      deps(durable),
      true,
    );
    expect(res.status).toBe(202);
    expect(durable.instances.get(ID)!.events).toEqual([
      {
        name: "Approval",
        data: { approved: true, by: "bob", ring: "prod", actor: { name: "bob", id: "bob", via: "key" } },
      },
    ]);
  });
});
