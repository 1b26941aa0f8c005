import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  auditEvents,
  rolloutReaches,
  startStack,
  STACK_KEYS,
  type RolloutView,
  type Stack,
} from "../helpers/stack.js";
import { fleetYaml, insideWindow, policyYaml, RING_OF } from "./fixtures.js";

/**
 * Journey B: dev-2's only pool fails to drain on every attempt. Its retries stay inside the window, the
 * failure exhausts dev's budget (0), the rollout halts and on-call hears exactly what broke (cluster, pool,
 * AKS's code and message). Resumed through the API, staging proceeds; canceled before prod's approval, the
 * rollout ends and prod is untouched. The host checks keys as Azure does (`--keys`): every door refuses a
 * caller without one, and the audit hub holds one CloudEvent per lifecycle transition.
 */
const ID = "rollout:e2e:kubernetes:1.30.5";
const path = (action: string) => `/api/rollouts/${encodeURIComponent(ID)}/${action}`;

describe("e2e: a failure exhausts the budget, the rollout halts, then resumes", () => {
  let stack: Stack;
  let halted: RolloutView;
  let resumedAt = "";
  let canceled: RolloutView;

  beforeAll(async () => {
    stack = await startStack({
      speed: 8000,
      fleetYaml: fleetYaml({
        speed: 8000,
        faults: "  - { cluster: dev-2, pool: system, on: upgrade, error: PodDrainFailure, times: 10 }",
      }),
      policyYaml: policyYaml(),
      keys: true,
    });
    halted = await rolloutReaches(stack, ID, (r) => r.state === "halted", "halted", 90_000);
    // Nothing moves while halted: no staging operation two simulated hours later.
    const haltedAt = Date.parse(stack.now());
    await stack.until("two simulated hours", () =>
      stack.clock.now() > haltedAt + 2 * 3_600_000 ? true : undefined,
    );
    expect(stack.operations().some((o) => RING_OF[o.cluster] !== "dev")).toBe(false);
    const resume = await stack.api(path("resume"), { method: "POST", body: JSON.stringify({ by: "bob" }) });
    expect(resume.status).toBe(202);
    resumedAt = stack.now();
    await rolloutReaches(
      stack,
      ID,
      (r) => r.state === "waiting-approval" && r.ring === "prod",
      "waiting for prod approval",
      90_000,
    );
    expect((await stack.api(path("cancel"), { method: "POST" })).status).toBe(202);
    canceled = await rolloutReaches(stack, ID, (r) => r.runtimeStatus === "Completed", "completed", 60_000);
  }, 240_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it("retries dev-2 inside its window, then fails it with AKS's error", () => {
    const attempts = stack.operations().filter((o) => o.cluster === "dev-2" && o.pool === "system");
    expect(attempts.length).toBe(3); // the first try and two retries (policy: attempts 2)
    expect(attempts.every((o) => o.result === "Failed" && o.error?.code === "PodDrainFailure")).toBe(true);
    for (const o of attempts) expect(insideWindow("dev", o.start, o.end!)).toBe(true);
    const dev = halted.rings.find((r) => r.name === "dev")!;
    expect(dev.status).toBe("halted");
    expect(dev.clusters["dev-2"]).toMatchObject({ status: "failed", code: "PodDrainFailure" });
    expect(dev.clusters["dev-1"]!.status).toBe("succeeded");
  });

  it("tells on-call what broke: cluster, pool, AKS code and message, and how to resume", () => {
    const mails = stack
      .emails()
      .map((e) => `${e.subject}\n${e.text}`)
      .join("\n---\n");
    expect(mails).toMatch(/Upgrade failed: dev-2 \(pool system\) — PodDrainFailure/);
    expect(mails).toMatch(/PodDrainFailure: Drain of node .* did not complete/);
    expect(mails).toMatch(
      /Rollout halted: Kubernetes 1\.30\.5 — 1 cluster\(s\) failed in ring dev, more than its failure budget of 0/,
    );
    // Resume and cancel as signed one-click links (test/browser/ follows one), never a command line.
    expect(mails).toMatch(/Resume: http:\/\/\S+\/api\/act\?link=[\w.-]+ \(opens a page to confirm/);
    expect(mails).toMatch(/Cancel: http:\/\/\S+\/api\/act\?link=[\w.-]+/);
    expect(mails).not.toContain("curl");
  });

  it("continues with staging only after the resume", () => {
    const staging = stack.operations().filter((o) => RING_OF[o.cluster] === "staging");
    expect(staging.length).toBeGreaterThan(0);
    expect(staging.every((o) => o.start > resumedAt && insideWindow("staging", o.start, o.end!))).toBe(true);
    expect(stack.sim.world.clusters.find((c) => c.name === "stg-1")!.currentKubernetesVersion).toBe("1.30.5");
  });

  it("every door of the app answers 401 without its key (issue 12)", async () => {
    const url = stack.host.url;
    const status = await fetch(`${url}/admin/host/status`, {
      headers: { "x-functions-key": STACK_KEYS.masterKey },
    });
    const { http } = (await status.json()) as {
      http: { name: string; methods: string[]; route: string; authLevel: string }[];
    };
    // Every HTTP function of functions/*.ts: the API, the dashboard, the webhook. None is anonymous but the link door.
    expect(http.map((f) => f.name)).toEqual(
      expect.arrayContaining([
        "startRollout",
        "approveRollout",
        "resumeRollout",
        "eventsWebhook",
        "forecast",
      ]),
    );
    expect(http.length).toBeGreaterThanOrEqual(11);
    // The one-click links' door (functions/dashboard.ts) is the exception: an email cannot carry a key, so
    // its lock is the link's signature — without a valid link it shows a page and does nothing.
    const linkDoors = ["actionLinkConfirm", "actionLinkAct"];
    for (const f of http.filter((d) => linkDoors.includes(d.name))) {
      expect(f.authLevel, f.name).toBe("anonymous");
      for (const method of f.methods) {
        const r = await fetch(`${url}/${f.route}?link=forged.${"A".repeat(43)}`, {
          method,
          headers: { "Content-Type": "application/x-www-form-urlencoded" },
          ...(method === "POST" ? { body: `link=forged.${"A".repeat(43)}` } : {}),
        });
        expect([f.name, method, r.status]).toEqual([f.name, method, 400]);
        expect(await r.text()).toContain("This link is not valid");
      }
    }
    for (const f of http.filter((d) => !linkDoors.includes(d.name))) {
      expect(f.authLevel, f.name).toBe("function");
      const path = `/${f.route.replace(/\{[^}]+\}/g, encodeURIComponent(ID))}`;
      for (const method of f.methods) {
        for (const headers of [{}, { "x-functions-key": "not-a-key-0123456789" }]) {
          const r = await fetch(`${url}${path}`, { method, headers: headers as Record<string, string> });
          expect([f.name, method, r.status]).toEqual([f.name, method, 401]);
        }
      }
    }
    const hook = (code: string) =>
      fetch(`${url}/runtime/webhooks/eventgrid?functionName=aksEvents&code=${code}`, {
        method: "POST",
        headers: { "Content-Type": "application/json", "aeg-event-type": "SubscriptionValidation" },
        body: JSON.stringify([{ id: "v", data: { validationCode: "c" } }]),
      });
    expect((await hook(STACK_KEYS.functionKeys.default)).status).toBe(401);
    expect((await hook(STACK_KEYS.systemKeys.eventgrid_extension)).status).toBe(200);
    const durable = `${url}/runtime/webhooks/durabletask/instances/${encodeURIComponent(ID)}`;
    expect((await fetch(durable)).status).toBe(401);
    expect((await fetch(`${durable}?code=${STACK_KEYS.systemKeys.durabletask_extension}`)).status).toBe(200);
    expect((await fetch(`${url}/admin/host/status`)).status).toBe(401);
  });

  it("audits one CloudEvent per lifecycle transition, through the audit hub (issue 12)", () => {
    const events = auditEvents(stack);
    const source = `/ringmaster/rollouts/${encodeURIComponent(ID)}`;
    for (const e of events) {
      expect(e).toMatchObject({ specversion: "1.0", source, datacontenttype: "application/json" });
      expect(String(e.type)).toMatch(/^com\.ringmaster\./);
      expect(Number.isNaN(Date.parse(String(e.time)))).toBe(false);
    }
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    const of = (type: string) => events.filter((e) => e.type === `com.ringmaster.${type}`);
    const clusters = (type: string) =>
      of(type)
        .map((e) => String(e.subject).split("/").at(-1))
        .sort();
    const data = (e: Record<string, unknown>) => e.data as Record<string, unknown>;
    expect(of("rollout.started")).toHaveLength(1);
    expect(of("ring.started").map((e) => data(e).ring)).toEqual(["dev", "staging", "prod"]);
    expect(clusters("cluster.started")).toEqual(["dev-1", "dev-2", "stg-1"]);
    expect(clusters("cluster.succeeded")).toEqual(["dev-1", "stg-1"]);
    expect(clusters("cluster.failed")).toEqual(["dev-2"]);
    expect(data(of("cluster.failed")[0]!)).toMatchObject({ code: "PodDrainFailure", ring: "dev" });
    expect(of("rollout.halted")).toHaveLength(1);
    expect(of("rollout.resumed").map((e) => data(e).by)).toEqual(["bob"]);
    expect(of("rollout.canceled").map((e) => data(e).outcome)).toEqual(["canceled"]);
    expect(of("rollout.completed")).toHaveLength(0);
    expect(events).toHaveLength(1 + 3 + 3 + 2 + 1 + 1 + 1 + 1);
    // Times are the orchestration's: the halt is audited when the rollout halted, before the resume.
    expect(String(of("rollout.halted")[0]!.time) < resumedAt).toBe(true);
  });

  it("cancels before prod: prod untouched, the rollout says so", () => {
    expect(canceled.output).toMatchObject({ outcome: "canceled" });
    expect(stack.operations().some((o) => RING_OF[o.cluster] === "prod")).toBe(false);
    for (const name of ["prod-1", "prod-2"])
      expect(stack.sim.world.clusters.find((c) => c.name === name)!.currentKubernetesVersion).toBe("1.30.4");
  });
});
