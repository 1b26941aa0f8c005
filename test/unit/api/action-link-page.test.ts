import { HttpRequest } from "@azure/functions";
import { describe, expect, it } from "vitest";
import { actPost, confirmPage } from "../../../src/api/dashboard/act-page.js";
import type { ApiDeps } from "../../../src/api/deps.js";
import { loadPolicyFile, type Policy } from "../../../src/config/policy.js";
import { actionLinkInstanceId } from "../../../src/contracts/action-link-use.js";
import { RolloutEvents } from "../../../src/contracts/events.js";
import type { RolloutStatus } from "../../../src/contracts/rollout-status.js";
import { linkNonce, signActionLink, type LinkAction } from "../../../src/notify/action-links.js";
import { fixtureArm } from "../../helpers/fake-arm.js";
import { FakeDurable } from "../../helpers/fake-durable.js";

/**
 * The one-click link's door: a GET shows a confirmation and acts on nothing; the POST acts once and
 * records the use in the durable ledger; a ring whose policy says `approval.requireIdentity` needs the
 * signed-in identity (App Service authentication), and then records that identity.
 */
const ID = "rollout:contoso-platform:kubernetes:1.30.5";
const KEY = "test-action-link-key-0123456789abcdef";
const NOW = Date.parse("2026-12-04T07:00:00Z");
const DEADLINE = Date.parse("2026-12-06T06:00:00Z");

const status: RolloutStatus = {
  rollout: ID,
  policy: "contoso-platform",
  kind: "kubernetes",
  target: "1.30.5",
  state: "waiting-approval",
  ring: "prod",
  phase: "waiting for approval of prod",
  rings: [],
  approval: {
    ring: "prod",
    requestedAt: "2026-12-04T06:00:00.000Z",
    deadline: new Date(DEADLINE).toISOString(),
    onTimeout: "reject",
  },
};

function world(o: { requireIdentity?: boolean; azure?: boolean } = {}) {
  const durable = new FakeDurable();
  durable.seed(ID, "rollout", "Running", { customStatus: structuredClone(status) });
  const base = loadPolicyFile("examples/policy.yaml");
  const policy: Policy = {
    ...base,
    spec: {
      ...base.spec,
      rings: base.spec.rings.map((r) =>
        r.name === "prod"
          ? { ...r, approval: { ...r.approval!, requireIdentity: o.requireIdentity ?? false } }
          : r,
      ),
    },
  };
  const deps: ApiDeps = {
    port: durable,
    instances: (q) => durable.query(q),
    list: () => Promise.resolve([]),
    facts: () => fixtureArm(),
    policy,
    publicBaseUrl: "https://ringmaster.example.net",
    now: () => NOW,
    actionLinkKey: KEY,
    ...(o.azure ? { actorPolicy: { mode: "azure" as const, easyAuth: true } } : {}),
  };
  return { durable, deps };
}

const link = (action: LinkAction = "approve", d = DEADLINE, n = "m1") =>
  signActionLink(KEY, { v: 1, r: ID, g: "prod", a: action, d, n: linkNonce(KEY, n, action) });

const get = (token: string) =>
  new HttpRequest({ method: "GET", url: `https://ringmaster.example.net/api/act?link=${token}` });
const post = (token: string, headers: Record<string, string> = {}) =>
  new HttpRequest({
    method: "POST",
    url: "https://ringmaster.example.net/api/act",
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
    body: { string: new URLSearchParams({ link: token, comment: "ok" }).toString() },
  });

const principal = (upn: string) =>
  Buffer.from(
    JSON.stringify({
      auth_typ: "aad",
      name_typ: "preferred_username",
      role_typ: "roles",
      claims: [
        { typ: "preferred_username", val: upn },
        { typ: "http://schemas.microsoft.com/identity/claims/objectidentifier", val: "0000-oid" },
      ],
    }),
  ).toString("base64");

const events = (durable: FakeDurable) => durable.instances.get(ID)!.events;

describe("API: one-click links", () => {
  it("shows a confirmation on GET and acts on nothing", async () => {
    const { durable, deps } = world();
    const res = await confirmPage(get(link()), deps);
    expect(res.status).toBe(200);
    expect(res.body as string).toContain("Approve ring prod?");
    expect(res.body as string).toMatch(/<form method="post" action="\/api\/act">/);
    expect(events(durable)).toEqual([]);
    expect(durable.instances.has(actionLinkInstanceId(linkNonce(KEY, "m1", "approve")))).toBe(false);
  });

  it("acts once on POST, records the use durably, and refuses the link afterwards", async () => {
    const { durable, deps } = world();
    const token = link();
    const first = await actPost(post(token), deps);
    expect(first.status).toBe(200);
    expect(first.body as string).toContain("Approved: ring prod");
    expect(events(durable)).toEqual([
      {
        name: RolloutEvents.approval,
        data: expect.objectContaining({
          approved: true,
          ring: "prod",
          by: "email-link",
          comment: "ok",
        }) as unknown,
      },
    ]);
    const ledger = durable.instances.get(actionLinkInstanceId(linkNonce(KEY, "m1", "approve")))!;
    expect(ledger.workflow).toBe("actionLink");
    expect(ledger.input).toMatchObject({
      rollout: ID,
      ring: "prod",
      action: "approve",
      at: new Date(NOW).toISOString(),
    });
    const again = await actPost(post(token), deps);
    expect(again.status).toBe(409);
    expect(again.body as string).toContain("This link was already used");
    expect((await confirmPage(get(token), deps)).status).toBe(409);
    expect(events(durable)).toHaveLength(1);
  });

  it("says expired or tampered, and does nothing", async () => {
    const { durable, deps } = world();
    const expired = await confirmPage(get(link("approve", NOW - 1)), deps);
    expect(expired.status).toBe(410);
    expect(expired.body as string).toContain("This link has expired");
    const tampered = await actPost(
      post(link().replace(/\.(.)/, (_m, c: string) => `.${c === "A" ? "B" : "A"}`)),
      deps,
    );
    expect(tampered.status).toBe(400);
    expect(tampered.body as string).toContain("This link is not valid");
    expect(tampered.body as string).not.toContain(KEY);
    expect(events(durable)).toEqual([]);
  });

  it("refuses resume when nothing is halted, without using the link up", async () => {
    const { durable, deps } = world();
    const token = link("resume");
    expect((await confirmPage(get(token), deps)).body as string).toContain("nothing to resume");
    expect((await actPost(post(token), deps)).status).toBe(409);
    expect(durable.instances.has(actionLinkInstanceId(linkNonce(KEY, "m1", "resume")))).toBe(false);
  });

  it("where approval.requireIdentity is set, needs the signed-in identity and records it", async () => {
    const { durable, deps } = world({ requireIdentity: true, azure: true });
    const token = link();
    const anonymous = await actPost(post(token), deps);
    expect(anonymous.status).toBe(401);
    expect(anonymous.body as string).toContain("Sign in to use this link");
    expect(events(durable)).toEqual([]);
    const signedIn = await actPost(
      post(token, {
        "x-ms-client-principal": principal("alice@contoso.com"),
        "x-ms-client-principal-name": "alice@contoso.com",
      }),
      deps,
    );
    expect(signedIn.status).toBe(200);
    expect(events(durable)[0]!.data).toMatchObject({
      by: "alice@contoso.com",
      actor: { name: "alice@contoso.com", id: "0000-oid", via: "entra" },
    });
  });
});
