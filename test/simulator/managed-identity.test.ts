import { afterEach, describe, expect, it } from "vitest";
import { IDENTITY_PATH } from "../../src/simulator/managed-identity.js";
import { clusterIdOf, startSimulator, type SimHarness } from "../helpers/simulator.js";

/**
 * The App Service managed-identity endpoint (2019-08-01) over raw HTTP, as `DefaultAzureCredential` calls it:
 * the secret header is required, the protocol version is checked, and ARM tells its tokens from any other
 * bearer (the audit's `credential`) and refuses one issued for another audience.
 */
const CLIENT = "5d5c1e0f-0000-4000-8000-00000000c11d";

describe("Simulator: the managed-identity endpoint", () => {
  let h: SimHarness;
  afterEach(async () => h?.stop());
  const token = (query: string, header: string | undefined) =>
    fetch(
      `${h.sim.url}${IDENTITY_PATH}?${query}`,
      header === undefined ? {} : { headers: { "X-IDENTITY-HEADER": header } },
    );
  const cluster = (authorization: string) =>
    fetch(`${h.sim.url}${clusterIdOf("rg", "alpha")}?api-version=2026-06-01`, {
      headers: { Authorization: authorization },
    });

  it("answers {access_token, expires_on, resource, token_type} only with IDENTITY_HEADER and api-version 2019-08-01", async () => {
    h = await startSimulator();
    const query = `resource=${encodeURIComponent("https://management.azure.com/")}&api-version=2019-08-01&client_id=${CLIENT}`;
    expect((await token(query, undefined)).status).toBe(401);
    expect((await token(query, "not-the-secret")).status).toBe(401);
    expect((await token(query.replace("2019-08-01", "2017-09-01"), h.sim.identity.header)).status).toBe(400);
    const res = await token(query, h.sim.identity.header);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, string>;
    expect(body).toMatchObject({ resource: "https://management.azure.com/", token_type: "Bearer" });
    expect(Number(body.expires_on)).toBeGreaterThan(Date.now() / 1000);
    expect(body.access_token).toMatch(/^sim-mi\./);
  });

  it("records ARM calls made with its tokens as managed-identity, others as static, and refuses a token for another audience", async () => {
    h = await startSimulator();
    const get = async (resource: string) =>
      (
        (await (
          await token(
            `resource=${encodeURIComponent(resource)}&api-version=2019-08-01&client_id=${CLIENT}`,
            h.sim.identity.header,
          )
        ).json()) as { access_token: string }
      ).access_token;
    expect((await cluster(`Bearer ${await get("https://management.azure.com/")}`)).status).toBe(200);
    expect((await cluster("Bearer static")).status).toBe(200);
    const wrong = await cluster(`Bearer ${await get("https://communication.azure.com/")}`);
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as { error: { code: string } }).error.code).toBe(
      "InvalidAuthenticationTokenAudience",
    );
    const reads = h.sim.world.records.audit.filter((a) => a.what.startsWith("GET managedClusters.get"));
    expect(reads.map((a) => [a.detail?.credential, a.detail?.clientId])).toEqual([
      ["managed-identity", CLIENT],
      ["static-bearer", undefined],
    ]);
  });
});
