import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { HttpRequest, InvocationContext } from "@azure/functions";
import * as df from "durable-functions";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { control } from "../../../src/api/control.js";
import { guarded } from "../../../src/api/guarded.js";
import type { ApiDeps } from "../../../src/api/deps.js";
import { instanceQuery } from "../../../src/api/instance-query.js";
import { durableClientPort } from "../../../src/dispatch/durable-client-port.js";
import { loadPolicyFile } from "../../../src/config/policy.js";
import { clientBindingData } from "../../../src/devhost/durable/http-api.js";

/**
 * A durable endpoint whose store cannot write: status reads work (they are served from memory), raising an
 * event answers what the local host answers then — 503 with the storage reason.
 */
describe("API: a storage failure of the durable backend is a 503, not 'no workflow'", () => {
  let server: Server;
  let base = "";
  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        if (req.method === "GET")
          return res.writeHead(202, { "Content-Type": "application/json" }).end(
            JSON.stringify({
              name: "rollout",
              instanceId: "rollout:p:kubernetes:1.30.5",
              runtimeStatus: "Running",
              input: null,
              output: null,
              customStatus: null,
              createdTime: "2026-01-01T00:00:00Z",
              lastUpdatedTime: "2026-01-01T00:00:00Z",
            }),
          );
        res.writeHead(503, { "Content-Type": "application/json", "Retry-After": "10" }).end(
          JSON.stringify({
            Message: "durable store: cannot write instance rollout:p: EROFS read-only file system",
          }),
        );
      });
    });
    await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    process.env.WEBSITE_HOSTNAME = new URL(base).host;
  });
  afterAll(() => new Promise<void>((ok) => server.close(() => ok())));

  it("answers pause with 503 and the reason when the event cannot be stored", async () => {
    const binding = df.input.durableClient();
    const context = new InvocationContext({
      functionName: "pauseRollout",
      options: { extraInputs: [binding] },
    });
    context.extraInputs.set(binding, clientBindingData(base, "Hub"));
    const req = new HttpRequest({
      method: "POST",
      url: `${base}/api/rollouts/x/pause`,
      params: { id: "rollout:p:kubernetes:1.30.5" },
    });
    const depsOf = (c: InvocationContext): ApiDeps => ({
      port: durableClientPort(df.getClient(c)),
      list: () => Promise.resolve([]),
      instances: instanceQuery(df.getClient(c)),
      facts: () => {
        throw new Error("not asked");
      },
      policy: loadPolicyFile("examples/policy.yaml"),
      publicBaseUrl: base,
    });
    const res = await guarded((r, deps) => control(r, deps, "pause"), depsOf)(req, context);
    expect(res.status).toBe(503);
    expect(res.jsonBody).toEqual({ error: expect.stringMatching(/EROFS/) });
  });
});
