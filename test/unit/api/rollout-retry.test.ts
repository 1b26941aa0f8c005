import { HttpRequest } from "@azure/functions";
import { describe, expect, it } from "vitest";
import type { ApiDeps } from "../../../src/api/deps.js";
import { retryRollout } from "../../../src/api/rollout-retry.js";
import { loadPolicyFile } from "../../../src/config/policy.js";
import { InstanceExistsError } from "../../../src/contracts/durable-port.js";
import { FakeDurable } from "../../helpers/fake-durable.js";

/** `POST /api/rollouts/{id}/retry` retries only a completed Fleet rollout, and answers a race with 409. */
const ID = "rollout:contoso-platform:kubernetes:1.30.5";
const policy = loadPolicyFile("examples/policy.yaml");

function deps(durable: FakeDurable): ApiDeps {
  return {
    port: durable,
    instances: (q) => durable.query(q),
    list: () => Promise.resolve([]),
    facts: () => {
      throw new Error("not used");
    },
    policy,
    publicBaseUrl: "https://ringmaster.example.net",
  };
}

const post = () =>
  new HttpRequest({ method: "POST", url: `http://127.0.0.1:7071/api/rollouts/x/retry`, params: { id: ID } });

const counts = { total: 1, notStarted: 0, pending: 0, running: 0, completed: 0, failed: 1, skipped: 0 };
/** The output of a Fleet rollout whose dev ring had one failed member. */
const output = (outcome: string) => ({
  outcome,
  resume: {
    input: {},
    prepared: {},
    status: {
      rings: [{ counts: { failed: 1 } }],
      fleet: {
        fleetId: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService/fleets/hub",
        runs: [
          {
            name: "run-1",
            mode: "plan",
            state: "Completed",
            stages: [{ name: "dev", state: "Completed", counts }],
          },
        ],
      },
    },
    fleet: {},
  },
});
const errorOf = (res: { jsonBody?: unknown }) => (res.jsonBody as { error?: string }).error ?? "";

describe("API: retry of a Fleet rollout", () => {
  it.each(["rejected", "canceled"])(
    "refuses a rollout that ended %s (409), starting nothing",
    async (outcome) => {
      const durable = new FakeDurable();
      durable.seed(ID, "rollout", "Completed", { output: output(outcome) });
      const res = await retryRollout(post(), deps(durable));
      expect(res.status).toBe(409);
      expect(errorOf(res)).toContain(`ended ${outcome}, not completed`);
      expect(durable.instances.get(ID)!.status).toBe("Completed");
    },
  );

  it("retries a completed rollout with a failed member (202)", async () => {
    const durable = new FakeDurable();
    durable.seed(ID, "rollout", "Completed", { output: output("completed") });
    const res = await retryRollout(post(), deps(durable));
    expect(res.status, errorOf(res)).toBe(202);
    expect(durable.instances.get(ID)!.status).toBe("Running");
  });

  it("answers 409, not 500, when a concurrent retry started the instance first", async () => {
    const durable = new FakeDurable();
    durable.seed(ID, "rollout", "Completed", { output: output("completed") });
    durable.start = (_w, id) => Promise.reject(new InstanceExistsError(id, "already exists and is Running."));
    const res = await retryRollout(post(), deps(durable));
    expect(res.status).toBe(409);
    expect(errorOf(res)).toContain("already being retried");
  });
});
