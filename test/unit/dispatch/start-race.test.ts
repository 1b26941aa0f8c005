import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { InvocationContext } from "@azure/functions";
import * as df from "durable-functions";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadPolicyFile } from "../../../src/config/policy.js";
import { InstanceExistsError } from "../../../src/contracts/durable-port.js";
import { clientBindingData } from "../../../src/devhost/durable/http-api.js";
import { durableClientPort } from "../../../src/dispatch/durable-client-port.js";
import { ingest, shouldRetry } from "../../../src/dispatch/ingest.js";
import { normalizeBody } from "../../../src/events/normalize.js";
import { fixtureArm } from "../../helpers/fake-arm.js";
import { FakeDurable, silentLog } from "../../helpers/fake-durable.js";
import { loadEvent, RECEIVED_AT, set } from "../../helpers/fixtures.js";

/**
 * Issue 15 (safety seed 2): several NewKubernetesVersionAvailable deliveries for the same target at the
 * same moment each find no instance, then all start it; the backend answers the losers 409 "already exists
 * and is Pending". That is the same start done, not a failure: otherwise Event Grid redelivers.
 */
const policies = [loadPolicyFile("examples/policy.yaml")];
const newVersion = (id: string) =>
  set(loadEvent<Record<string, unknown>[]>("aks", "new-version-eventgrid")[0], "id", id);

describe("Dispatch: concurrent deliveries of the same release start it once, and none fails", () => {
  it("treats the losers' 409 as started already: no failure, nothing to redeliver", async () => {
    const port = new FakeDurable();
    const errors: string[] = [];
    const deliver = (id: string) =>
      ingest(normalizeBody([newVersion(id)], { receivedAt: RECEIVED_AT }), {
        policies,
        port,
        log: { ...silentLog, error: (m: string) => errors.push(m) },
        source: "test",
        receivedAt: RECEIVED_AT,
        verify: fixtureArm().context(),
      });
    const reports = await Promise.all(["a", "b", "c", "d"].map(deliver));
    expect(errors).toEqual([]);
    expect(reports.map((r) => r.failed)).toEqual([0, 0, 0, 0]);
    expect(reports.some(shouldRetry)).toBe(false);
    const results = reports.flatMap((r) => r.outcomes.map((o) => o.result));
    // Each release's rollout started once; the other deliveries found it started.
    expect(results.filter((r) => r === "started")).toHaveLength(port.started().length);
    expect(results.filter((r) => r === "exists").length).toBeGreaterThan(0);
  });
});

describe("Adapter: durableClientPort start against the backend's 409", () => {
  let server: Server;
  let base = "";
  const ID = "rollout:p:kubernetes:1.30.5";
  beforeAll(async () => {
    // Answers a start as the local host's durable API does for an id that is pending (devhost http-api.ts).
    server = createServer((req, res) => {
      req.resume();
      req.on("end", () =>
        res.writeHead(409, { "Content-Type": "application/json" }).end(
          JSON.stringify({
            Message: `An orchestration instance with the ID '${ID}' already exists and is Pending.`,
          }),
        ),
      );
    });
    await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((ok) => server.close(() => ok())));

  it("rejects with InstanceExistsError naming the id", async () => {
    const binding = df.input.durableClient();
    const context = new InvocationContext({ functionName: "dispatch", options: { extraInputs: [binding] } });
    context.extraInputs.set(binding, clientBindingData(base, "Hub"));
    const port = durableClientPort(df.getClient(context));
    const error = await port.start("rollout", ID, {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InstanceExistsError);
    expect((error as InstanceExistsError).instanceId).toBe(ID);
    expect((error as Error).message).toContain("already exists and is Pending");
  });
});
