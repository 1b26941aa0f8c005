import { HttpRequest } from "@azure/functions";
import { describe, expect, it } from "vitest";
import { answerApproval, control } from "../../../src/api/control.js";
import type { ApiDeps } from "../../../src/api/deps.js";
import { resolveActor, type ActorPolicy } from "../../../src/api/actor.js";
import { loadPolicyFile } from "../../../src/config/policy.js";
import { FakeArm, FIXTURE_SUB } from "../../helpers/fake-arm.js";
import { FakeDurable } from "../../helpers/fake-durable.js";

/**
 * Issue 12: in azure mode the approver recorded is the authenticated identity — App Service
 * authentication's `x-ms-client-principal` (Entra) or the function key's holder — never the body's word.
 */
const ID = "rollout:contoso-platform:kubernetes:1.30.5";
const AZURE: ActorPolicy = { mode: "azure", easyAuth: true };
const OID = "8f1b6e2a-3c4d-4e5f-9a0b-1c2d3e4f5a6b";

/** The header as App Service authentication sends it for an Entra sign-in (documented shape). */
function principal(upn = "alice@contoso.com"): string {
  return Buffer.from(
    JSON.stringify({
      auth_typ: "aad",
      claims: [
        { typ: "http://schemas.microsoft.com/identity/claims/objectidentifier", val: OID },
        { typ: "preferred_username", val: upn },
        { typ: "name", val: "Alice Example" },
        { typ: "http://schemas.microsoft.com/ws/2008/06/identity/claims/role", val: "Ringmaster.Approver" },
      ],
      name_typ: "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name",
      role_typ: "http://schemas.microsoft.com/ws/2008/06/identity/claims/role",
    }),
  ).toString("base64");
}

function post(body: string | undefined, headers: Record<string, string> = {}, query = ""): HttpRequest {
  return new HttpRequest({
    method: "POST",
    url: `http://127.0.0.1:7071/api/x${query}`,
    params: { id: ID },
    headers,
    ...(body === undefined ? {} : { body: { string: body } }),
  });
}

function deps(durable: FakeDurable, actorPolicy: ActorPolicy): ApiDeps {
  return {
    port: durable,
    instances: (q) => durable.query(q),
    list: () => Promise.resolve([]),
    facts: () => new FakeArm([FIXTURE_SUB]),
    policy: loadPolicyFile("examples/policy.yaml"),
    publicBaseUrl: "https://ringmaster.example.net",
    actorPolicy,
  };
}

describe("API: who acts (resolveActor)", () => {
  it("azure mode with App Service authentication: the Entra principal, by upn and object id", () => {
    const r = resolveActor(post(undefined, { "x-ms-client-principal": principal() }), undefined, AZURE);
    expect(r).toEqual({ ok: true, actor: { name: "alice@contoso.com", id: OID, via: "entra" } });
    const named = resolveActor(
      post(undefined, {
        "x-ms-client-principal": principal(),
        "x-ms-client-principal-name": "alice@contoso.com",
        "x-ms-client-principal-id": OID,
      }),
      "Alice@Contoso.com",
      AZURE,
    );
    expect(named).toMatchObject({ ok: true, actor: { name: "alice@contoso.com", via: "entra" } });
  });

  it("azure mode: a `by` naming someone else is 403; a forged principal is 401", () => {
    const other = resolveActor(post(undefined, { "x-ms-client-principal": principal() }), "mallory", AZURE);
    expect(other.ok).toBe(false);
    if (!other.ok) expect(other.response.status).toBe(403);
    const forged = resolveActor(
      post(undefined, { "x-ms-client-principal": Buffer.from('{"claims":"x"}').toString("base64") }),
      undefined,
      AZURE,
    );
    expect(forged.ok).toBe(false);
    if (!forged.ok) expect(forged.response.status).toBe(401);
  });

  it("azure mode with a function key only: the key holder; the body's `by` proves nothing and is ignored", () => {
    expect(resolveActor(post(undefined), "alice", AZURE)).toEqual({
      ok: true,
      actor: { name: "function-key", id: "function-key", via: "key" },
    });
    // Without App Service authentication the principal headers are the caller's own words: not read.
    const noEasyAuth = resolveActor(post(undefined, { "x-ms-client-principal": principal() }), undefined, {
      mode: "azure",
      easyAuth: false,
    });
    expect(noEasyAuth).toMatchObject({ ok: true, actor: { via: "key", name: "function-key" } });
  });

  it("simulator mode keeps the claimed name (the local host is loopback-only)", () => {
    expect(resolveActor(post(undefined), "bob", { mode: "simulator", easyAuth: false })).toEqual({
      ok: true,
      actor: { name: "bob", id: "bob", via: "key" },
    });
  });
});

describe("API: approvals and control record the authenticated identity", () => {
  const waiting = () => {
    const durable = new FakeDurable();
    durable.seed(ID, "rollout", "Running", {
      customStatus: {
        state: "waiting-approval",
        ring: "prod",
        approval: {
          ring: "prod",
          requestedAt: "2026-11-30T18:00:00.000Z",
          deadline: "2026-12-07T18:00:00.000Z",
          onTimeout: "reject",
        },
        rings: [{ name: "prod", status: "running" }],
      },
    });
    return durable;
  };

  it("an approval carries the Entra identity as `by` and `actor`", async () => {
    const durable = waiting();
    const res = await answerApproval(
      post("{}", { "x-ms-client-principal": principal() }),
      deps(durable, AZURE),
      true,
    );
    expect(res.status).toBe(202);
    expect(durable.instances.get(ID)!.events).toEqual([
      {
        name: "Approval",
        data: expect.objectContaining({
          approved: true,
          by: "alice@contoso.com",
          actor: { name: "alice@contoso.com", id: OID, via: "entra" },
        }),
      },
    ]);
  });

  it("a key holder's claimed approver is not recorded in azure mode; a mismatched one is refused", async () => {
    const durable = waiting();
    await answerApproval(post('{"by": "alice"}'), deps(durable, AZURE), true);
    expect(durable.instances.get(ID)!.events[0]!.data).toMatchObject({
      by: "function-key",
      actor: { via: "key" },
    });
    const refused = await control(
      post('{"by": "mallory"}', { "x-ms-client-principal": principal() }),
      deps(waiting(), AZURE),
      "pause",
    );
    expect(refused.status).toBe(403);
  });
});
