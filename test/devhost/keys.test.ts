import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { json, SAMPLE_APP, startHost, waitFor, type HostProcess } from "../helpers/host-process.js";

/**
 * `host start --keys FILE`: every door checks its key as the Functions host does in Azure (issue 12). The
 * file is shaped like `az functionapp keys list`; no key is ever echoed.
 */
const KEYS = {
  masterKey: "master-0123456789abcdef",
  functionKeys: { default: "function-0123456789abcdef" },
  systemKeys: {
    eventgrid_extension: "eventgrid-0123456789abcdef",
    durabletask_extension: "durabletask-0123456789abcdef",
  },
};
const JSON_TYPE = { "Content-Type": "application/json" };

describe("Devhost: a lock on every door (--keys)", () => {
  let host: HostProcess;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "rm-keys-"));
    const file = join(dir, "keys.json");
    writeFileSync(file, JSON.stringify(KEYS));
    host = await startHost(SAMPLE_APP, {
      env: { SAMPLE_HUB_NAME: "ingress", EG_FILE: join(dir, "eg.log") },
      args: ["--keys", file],
    });
  });
  afterAll(async () => {
    await host.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  const get = (path: string, headers: Record<string, string> = {}) =>
    fetch(`${host.url}${path}`, { headers });
  const withKey = (key: string) => ({ "x-functions-key": key });

  it("authLevel function: 401 without a key or with a system key; a function key or the master key opens it", async () => {
    const refused = await get("/api/keyed");
    expect(refused.status).toBe(401);
    expect(await refused.text()).toMatch(/needs a function key/);
    expect((await get("/api/keyed", withKey("wrong-key-0123456789"))).status).toBe(401);
    expect((await get("/api/keyed", withKey(KEYS.systemKeys.eventgrid_extension))).status).toBe(401);
    expect((await get("/api/keyed", withKey(KEYS.functionKeys.default))).status).toBe(200);
    expect((await get(`/api/keyed?code=${KEYS.functionKeys.default}`)).status).toBe(200);
    expect((await get("/api/keyed", withKey(KEYS.masterKey))).status).toBe(200);
  });

  it("authLevel anonymous stays open; authLevel admin takes the master key only", async () => {
    expect((await get("/api/hello/ann")).status).toBe(200);
    expect((await get("/api/adminOnly", withKey(KEYS.functionKeys.default))).status).toBe(401);
    expect((await get("/api/adminOnly", withKey(KEYS.masterKey))).status).toBe(200);
  });

  it("/admin/* takes the master key only", async () => {
    expect((await get("/admin/host/status")).status).toBe(401);
    expect((await get("/admin/host/status", withKey(KEYS.functionKeys.default))).status).toBe(401);
    expect((await get("/admin/host/status", withKey(KEYS.masterKey))).status).toBe(200);
  });

  it("the Event Grid webhook takes the eventgrid_extension system key; its handshake starts nothing without it", async () => {
    const deliver = (code: string | undefined, kind: string, body: unknown) =>
      fetch(`${host.url}/runtime/webhooks/eventgrid?functionName=egSink${code ? `&code=${code}` : ""}`, {
        method: "POST",
        headers: { ...JSON_TYPE, "aeg-event-type": kind },
        body: JSON.stringify(body),
      });
    const validation = [
      {
        id: "v",
        eventType: "Microsoft.EventGrid.SubscriptionValidationEvent",
        data: { validationCode: "abc" },
      },
    ];
    const event = [
      {
        id: "e1",
        eventType: "Microsoft.ContainerService.NewKubernetesVersionAvailable",
        subject: "s",
        data: {},
      },
    ];
    expect((await deliver(undefined, "SubscriptionValidation", validation)).status).toBe(401);
    expect((await deliver(KEYS.functionKeys.default, "Notification", event)).status).toBe(401);
    const ok = await deliver(KEYS.systemKeys.eventgrid_extension, "SubscriptionValidation", validation);
    expect([ok.status, await ok.json()]).toEqual([200, { validationResponse: "abc" }]);
    expect((await deliver(KEYS.systemKeys.eventgrid_extension, "Notification", event)).status).toBe(202);
  });

  it("the durable API takes the durabletask_extension key, and its links carry it as code=", async () => {
    const start = (headers: Record<string, string>) =>
      fetch(`${host.url}/runtime/webhooks/durabletask/orchestrators/stamped/direct-1`, {
        method: "POST",
        headers: { ...JSON_TYPE, ...headers },
        body: '"d"',
      });
    expect((await start({})).status).toBe(401);
    expect((await start(withKey(KEYS.functionKeys.default))).status).toBe(401);
    const started = await start(withKey(KEYS.systemKeys.durabletask_extension));
    expect(started.status).toBe(202);
    const links = (await started.json()) as { statusQueryGetUri: string };
    expect(new URL(links.statusQueryGetUri).searchParams.get("code")).toBe(
      KEYS.systemKeys.durabletask_extension,
    );
    expect((await fetch(links.statusQueryGetUri)).status).toBeLessThan(300);
  });

  it("the app's own durable client works with keys on, and its check-status links carry the key", async () => {
    const r = await json<{ statusQueryGetUri: string; sendEventPostUri: string }>(
      `${host.url}/api/stamped/via-client`,
      { method: "POST", headers: withKey(KEYS.functionKeys.default) },
    );
    expect(r.status).toBe(202);
    for (const link of [r.body.statusQueryGetUri, r.body.sendEventPostUri])
      expect(new URL(link.replace("{eventName}", "e")).searchParams.get("code")).toBe(
        KEYS.systemKeys.durabletask_extension,
      );
    const done = await waitFor("the client-started instance", async () => {
      const s = await json<{ runtimeStatus: string; output: unknown }>(r.body.statusQueryGetUri);
      return s.body.runtimeStatus === "Completed" ? s.body : undefined;
    });
    expect(done.output).toBe("stamped k");
    // The internal endpoint the client uses answers only with its secret.
    expect((await get("/runtime/webhooks/durabletask-rpc/guess/instances/via-client")).status).toBe(404);
  });

  it("never echoes a key", () => {
    for (const key of [KEYS.masterKey, KEYS.functionKeys.default, ...Object.values(KEYS.systemKeys)])
      expect(host.output()).not.toContain(key);
  });
});

describe("Devhost: --keys refuses a bad file by field", () => {
  it("exits 2 naming the field, without the key", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rm-keys-bad-"));
    const file = join(dir, "keys.json");
    writeFileSync(file, JSON.stringify({ masterKey: "short", functionKeys: {} }));
    await expect(startHost(SAMPLE_APP, { args: ["--keys", file] })).rejects.toThrow(
      /exited with 2[\s\S]*masterKey: at least 16 characters/,
    );
    rmSync(dir, { recursive: true, force: true });
  });
});
