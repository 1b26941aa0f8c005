import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { json, SAMPLE_APP, startHost, waitFor, type HostProcess } from "../helpers/host-process.js";

const JSON_TYPE = { "Content-Type": "application/json" };
const deep = (depth: number) => "[".repeat(depth) + "]".repeat(depth);

/** Each of these once killed the host or answered 5xx; now each is a 4xx and the host keeps serving. */
describe("Devhost: hostile requests never crash the host", () => {
  let host: HostProcess;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "rm-hostile-"));
    host = await startHost(SAMPLE_APP, { env: { SAMPLE_HUB_NAME: "ingress", EG_FILE: join(dir, "eg.log") } });
  });
  afterAll(async () => {
    await host.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  const alive = async () => expect((await fetch(`${host.url}/admin/host/status`)).status).toBe(200);
  const eventGrid = (body: string, kind = "Notification") =>
    fetch(`${host.url}/runtime/webhooks/eventgrid?functionName=egSink`, {
      method: "POST",
      headers: { ...JSON_TYPE, "aeg-event-type": kind },
      body,
    });

  it("answers 400 to Event Grid bodies '', null, [null], 5,000-deep JSON and a non-JSON validation data", async () => {
    const cases: [string, string, RegExp][] = [
      ["", "Notification", /empty/],
      ["null", "Notification", /expected an event object, got null/],
      ["[null]", "Notification", /body\[0\]: expected an event object/],
      [deep(5000), "Notification", /nested deeper than 64 levels/],
      ['[{"id":"1","data":"{not json"}]', "SubscriptionValidation", /data: not JSON/],
      ['{"data":null}', "SubscriptionValidation", /validationCode: missing/],
    ];
    for (const [body, kind, reason] of cases) {
      const res = await eventGrid(body, kind);
      expect([res.status, ((await res.json()) as { error: string }).error]).toEqual([
        400,
        expect.stringMatching(reason),
      ]);
    }
    await alive();
    expect(host.output()).not.toMatch(/unhandled|uncaught/i);
  });

  it("bounds Event Grid deliveries: 413 over 1 MB or over 5,000 events, before any function runs", async () => {
    const many = await eventGrid(JSON.stringify(Array.from({ length: 100_000 }, () => ({}))));
    expect(many.status).toBe(413);
    expect(await many.text()).toMatch(/at most 5000/);
    const big = await eventGrid(JSON.stringify([{ id: "1", data: "x".repeat(1024 * 1024) }]));
    expect(big.status).toBe(413);
    await alive();
  });

  it("refuses a chunked body past the limit while it streams (no Content-Length)", async () => {
    const url = new URL(`${host.url}/admin/eventhubs/ingress`);
    const status = await new Promise<number>((ok, fail) => {
      const req = request(
        { host: url.hostname, port: url.port, path: url.pathname, method: "POST", headers: JSON_TYPE },
        (res) => {
          res.resume();
          ok(res.statusCode ?? 0);
        },
      );
      req.on("error", fail);
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      let sent = 0;
      const pump = () => {
        while (sent < 4 * 1024 * 1024) {
          sent += chunk.length;
          if (!req.write(chunk)) return void req.once("drain", pump);
        }
        req.end();
      };
      pump();
    }).catch(() => 413); // the host may close the socket once it has answered
    expect(status).toBe(413);
    await alive();
  });

  it("answers 400 to deep JSON on /admin/eventhubs and the durable API", async () => {
    const hub = await fetch(`${host.url}/admin/eventhubs/ingress`, {
      method: "POST",
      headers: JSON_TYPE,
      body: deep(6000),
    });
    expect(hub.status).toBe(400);
    const start = await fetch(`${host.url}/runtime/webhooks/durabletask/orchestrators/waiter/deep1`, {
      method: "POST",
      headers: JSON_TYPE,
      body: deep(6000),
    });
    expect(start.status).toBe(400);
    await alive();
  });

  it("validates instance ids as Azure does (400, permanent) and stores any valid id (no ENAMETOOLONG)", async () => {
    const start = (id: string) =>
      json<{ ExceptionMessage?: string; id?: string }>(
        `${host.url}/runtime/webhooks/durabletask/orchestrators/waiter/${encodeURIComponent(id)}`,
        { method: "POST", headers: JSON_TYPE, body: "null" },
      );
    const tooLong = await start("x".repeat(300));
    expect([tooLong.status, tooLong.body.ExceptionMessage]).toEqual([
      400,
      "Instance ID lengths must not exceed 256 characters.",
    ]);
    for (const bad of ["a?b", "a#b", "a\\b", "@entity", "a\u0001b"])
      expect((await start(bad)).status).toBe(400);
    const longest = "ä".repeat(256); // 1,536 bytes once encoded: far past NAME_MAX
    const ok = await start(longest);
    expect([ok.status, ok.body.id]).toEqual([202, longest]);
    const status = await json(
      `${host.url}/runtime/webhooks/durabletask/instances/${encodeURIComponent(longest)}`,
    );
    expect(status.status).toBe(202);
  });

  it("answers 400, not 500, to a path that does not decode", async () => {
    expect((await fetch(`${host.url}/runtime/webhooks/durabletask/instances/%E0%A4%A`)).status).toBe(400);
    await alive();
  });

  it("answers 503 with the reason when the durable store cannot write, never 4xx", async () => {
    mkdirSync(join(host.stateDir, "durable", "SampleHub", "blocked.jsonl.tmp"), { recursive: true });
    const res = await json<{ Message: string }>(
      `${host.url}/runtime/webhooks/durabletask/orchestrators/waiter/blocked`,
      { method: "POST", headers: JSON_TYPE, body: "null" },
    );
    expect([res.status, res.body.Message]).toEqual([
      503,
      expect.stringMatching(/durable store: cannot create/),
    ]);
    await alive();
  });

  it("refuses cross-origin requests and non-JSON bodies on its own endpoints", async () => {
    const evil = { Origin: "http://evil.example" };
    expect((await fetch(`${host.url}/api/echo`, { method: "POST", headers: evil })).status).toBe(403);
    expect(
      (
        await fetch(`${host.url}/admin/functions/tick`, {
          method: "POST",
          headers: { ...evil, ...JSON_TYPE },
          body: "{}",
        })
      ).status,
    ).toBe(403);
    const plain = await fetch(`${host.url}/admin/eventhubs/ingress`, {
      method: "POST",
      headers: { "Content-Type": "text/plain" },
      body: "{}",
    });
    expect(plain.status).toBe(415);
    expect(
      (await fetch(`${host.url}/api/echo`, { method: "POST", headers: { Origin: host.url }, body: "ping" }))
        .status,
    ).toBe(201);
  });
});

describe("Devhost: master key (--keys) and unwritable state", () => {
  let host: HostProcess;
  beforeAll(async () => {
    const stateDir = mkdtempSync(join(tmpdir(), "rm-hostile-state-"));
    // The timer's schedule status cannot be written (a directory where its file goes).
    mkdirSync(join(stateDir, "timers", "tick.json"), { recursive: true });
    const keysFile = join(stateDir, "..", `${basename(stateDir)}-keys.json`);
    writeFileSync(keysFile, JSON.stringify({ masterKey: "s3cret-master-0123456789" }));
    host = await startHost(SAMPLE_APP, {
      stateDir,
      env: { SAMPLE_HUB_NAME: "ingress" },
      args: ["--keys", keysFile],
    });
  });
  afterAll(async () => host.stop());

  it("keeps its timers running and says why when their status cannot be written", async () => {
    await waitFor("a status write failure logged twice", () =>
      Promise.resolve(
        (host.output().match(/cannot write its schedule status/g) ?? []).length >= 2 ? true : undefined,
      ),
    );
    expect((await fetch(`${host.url}/api/echo`, { method: "POST", body: "still here" })).status).toBe(201);
  });

  it("requires the master key on /admin/* when it has one, and never echoes it", async () => {
    const call = (headers: Record<string, string>) =>
      fetch(`${host.url}/admin/functions/tick`, {
        method: "POST",
        headers: { ...JSON_TYPE, ...headers },
        body: "{}",
      });
    const refused = await call({ "x-functions-key": "wrong" });
    expect(refused.status).toBe(401);
    expect(await refused.text()).not.toContain("s3cret");
    expect((await call({})).status).toBe(401);
    expect((await call({ "x-functions-key": "s3cret-master-0123456789" })).status).toBe(202);
    expect(host.output()).not.toContain("s3cret-master-0123456789");
  });
});
