import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  json,
  SAMPLE_APP,
  startHost,
  waitFor,
  waitForStatus,
  type HostProcess,
} from "../helpers/host-process.js";
import { fixtureText } from "../helpers/fixtures.js";

const lines = (file: string) =>
  existsSync(file)
    ? readFileSync(file, "utf8")
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>)
    : [];

describe("Devhost: triggers", () => {
  let host: HostProcess;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "rm-triggers-"));
    host = await startHost(SAMPLE_APP, {
      env: {
        SAMPLE_HUB_NAME: "ingress",
        HUB_FILE: join(dir, "hub.log"),
        EG_FILE: join(dir, "eg.log"),
        TICK_FILE: join(dir, "ticks.log"),
      },
    });
  });
  afterAll(async () => {
    await host.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("serves HTTP routes with parameters, query, methods and custom responses", async () => {
    expect((await json(`${host.url}/api/hello/bob?x=1`)).body).toEqual({ hi: "bob", q: "1" });
    const echo = await fetch(`${host.url}/api/echo`, { method: "POST", body: "ping" });
    expect([echo.status, echo.headers.get("x-echo"), await echo.text()]).toEqual([201, "yes", "ping"]);
    expect((await fetch(`${host.url}/api/hello/bob`, { method: "DELETE" })).status).toBe(405);
    expect((await fetch(`${host.url}/api/nothing-here`)).status).toBe(404);
  });

  it("runs pre/post-invocation hooks and routes output bindings", async () => {
    const hello = await fetch(`${host.url}/api/hello/ann`);
    expect(hello.headers.get("x-hooked")).toBe("preInvocation");
    expect((await fetch(`${host.url}/api/enqueue`, { method: "POST", body: "hi" })).status).toBe(202);
    const queued = lines(join(host.stateDir, "outputs", "queue-audit-ingress.jsonl")).map((l) => l.value);
    expect(queued).toEqual([{ said: "hi" }, { said: "twice" }]);
  });

  it("keeps the output bindings of activities and timers, not only HTTP functions' (issue 12)", async () => {
    const started = await json<{ id: string }>(
      `${host.url}/runtime/webhooks/durabletask/orchestrators/stamped/stamp-1`,
      { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify("x") },
    );
    expect(started.status).toBe(202);
    const done = await waitForStatus(host.url, "stamp-1", ["Completed", "Failed"]);
    expect(done.output).toBe("stamped x");
    const queued = lines(join(host.stateDir, "outputs", "queue-stamps.jsonl"));
    expect(queued.map((l) => [l.function, l.value])).toEqual([["stamp", { stamped: "x" }]]);
    // Event Hub outputs go into the local hub of that name (setting references resolved).
    const hub = lines(join(host.stateDir, "eventhubs", "stamped-ingress.jsonl")).map((m) => m.body);
    expect(hub).toEqual([{ hub: "x" }]);
    const ticks = await waitFor("a timer's output", () => {
      const found = lines(join(host.stateDir, "outputs", "queue-timer-stamps.jsonl"));
      return Promise.resolve(found.length > 0 ? found : undefined);
    });
    expect(ticks[0]).toMatchObject({ function: "stampTick", value: { fn: "stampTick" } });
  });

  it("answers the Event Grid validation handshake and invokes once per delivered event", async () => {
    const webhook = `${host.url}/runtime/webhooks/EventGrid?functionName=egSink`;
    const validation = await fetch(webhook, {
      method: "POST",
      headers: { "aeg-event-type": "SubscriptionValidation", "Content-Type": "application/json" },
      body: fixtureText("eventgrid", "subscription-validation"),
    });
    expect([validation.status, await validation.json()]).toEqual([
      200,
      { validationResponse: "512d38b6-c7b8-40c8-89fe-f46f9e9622b6" },
    ]);
    const events = [
      JSON.parse(fixtureText("aks", "rolling-failed-eventgrid")),
      JSON.parse(fixtureText("aks", "support-ending-eventgrid")),
    ];
    const delivery = await fetch(webhook, {
      method: "POST",
      headers: { "aeg-event-type": "Notification", "Content-Type": "application/json" },
      body: JSON.stringify(events),
    });
    expect(delivery.status).toBe(202);
    expect(lines(join(dir, "eg.log")).map((e) => e.eventType)).toEqual([
      "Microsoft.ContainerService.NodePoolRollingFailed",
      "Microsoft.ContainerService.ClusterSupportEnding",
    ]);
    expect(
      (
        await fetch(`${host.url}/runtime/webhooks/eventgrid?functionName=nope`, {
          method: "POST",
          headers: { "aeg-event-type": "Notification", "Content-Type": "application/json" },
          body: "[]",
        })
      ).status,
    ).toBe(404);
  });

  it("feeds Event Hub triggers in batches of maxEventBatchSize with per-message metadata", async () => {
    const bodies = Array.from({ length: 250 }, (_, i) => ({ n: i }));
    const res = await json<{ appended: number }>(`${host.url}/admin/eventhubs/ingress`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(bodies),
    });
    expect(res.body.appended).toBe(250);
    const batches = await waitFor("three batches", () =>
      Promise.resolve(lines(join(dir, "hub.log")).length >= 3 ? lines(join(dir, "hub.log")) : undefined),
    );
    expect(batches.map((b) => (b.messages as unknown[]).length)).toEqual([100, 100, 50]);
    expect((batches[0]!.messages as { n: number }[])[0]).toEqual({ n: 0 });
    expect((batches[2]!.sequenceNumbers as number[]).at(-1)).toBe(249);
  });

  it("runs timers on their NCRONTAB schedule and invokes non-HTTP functions through /admin/functions", async () => {
    await waitFor(
      "a timer tick",
      () => Promise.resolve(lines(join(dir, "ticks.log")).length >= 2 ? true : undefined),
      10_000,
    );
    const admin = await fetch(`${host.url}/admin/functions/tick`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ input: '{"IsPastDue":true}' }),
    });
    expect(admin.status).toBe(202);
    await waitFor("the admin-invoked tick", () =>
      Promise.resolve(lines(join(dir, "ticks.log")).some((t) => t.isPastDue === true) ? true : undefined),
    );
  });
});
