import { afterEach, describe, expect, it } from "vitest";
import { Throttle, LIMITS } from "../../src/simulator/throttle.js";
import { clusterIdOf, startSimulator, testFleetYaml, type SimHarness } from "../helpers/simulator.js";

const auth = { Authorization: "Bearer t", "Content-Type": "application/json" };
const API = "?api-version=2026-06-01";

describe("Simulator: AKS rules over raw HTTP", () => {
  let h: SimHarness;
  afterEach(async () => h?.stop());
  const url = (path: string) => `${h.sim.url}${path}${API}`;
  const get = async (path: string) =>
    (await fetch(url(path), { headers: auth })).json() as Promise<{ properties: Record<string, unknown> }>;
  const put = (path: string, body: unknown) =>
    fetch(url(path), { method: "PUT", headers: auth, body: JSON.stringify(body) });
  const alpha = clusterIdOf("rg", "alpha");

  it("requires a bearer token", async () => {
    h = await startSimulator();
    expect((await fetch(url(alpha))).status).toBe(401);
  });

  it("refuses pools newer than the control plane and pools more than three minors behind", async () => {
    h = await startSimulator();
    const mc = await get(alpha);
    const pools = mc.properties.agentPoolProfiles as { name: string }[];
    const newer = await put(alpha, {
      ...mc,
      properties: {
        ...mc.properties,
        kubernetesVersion: "1.30.5",
        agentPoolProfiles: pools.map((p) => ({ ...p, orchestratorVersion: "1.31.2" })),
      },
    });
    expect(newer.status).toBe(400);
    expect(((await newer.json()) as { error: { code: string } }).error.code).toBe(
      "NodePoolVersionSkewNotAllowed",
    );
    const poolAhead = await put(`${alpha}/agentPools/apps`, {
      properties: { orchestratorVersion: "1.30.5" },
    });
    expect(poolAhead.status).toBe(400);
  });

  it("allows one operation per cluster: a second write gets 409 OperationNotAllowed until the first ends", async () => {
    h = await startSimulator(testFleetYaml().replace("speed: 60000", "speed: 60"));
    const mc = await get(alpha);
    const first = await put(alpha, {
      ...mc,
      properties: {
        ...mc.properties,
        kubernetesVersion: "1.30.5",
        agentPoolProfiles: (mc.properties.agentPoolProfiles as object[]).map((p) => ({
          ...p,
          orchestratorVersion: "1.30.5",
        })),
      },
    });
    // An upgrade PUT of an existing cluster is an update: 200, with the LRO headers (201 is for a create).
    expect(first.status).toBe(200);
    expect(first.headers.get("azure-asyncoperation")).toMatch(
      /^https:\/\/management\.simulator\.local\/subscriptions\/.*\/operations\//,
    );
    const second = await fetch(url(`${alpha}/agentPools/system/upgradeNodeImageVersion`), {
      method: "POST",
      headers: auth,
    });
    expect([second.status, ((await second.json()) as { error: { code: string } }).error.code]).toEqual([
      409,
      "OperationNotAllowed",
    ]);
    expect((await get(alpha)).properties.provisioningState).toBe("Upgrading");
  });

  it("releases versions and node images per region on the fleet file's schedule", async () => {
    h = await startSimulator(
      testFleetYaml()
        .replace(
          '- { version: 1.31.2, regions: [westeurope], at: "2026-11-01T00:00:00Z" }',
          '- { version: 1.31.2, regions: [westeurope], at: "2026-11-23T01:00:00Z" }',
        )
        .replace("speed: 60000", "speed: 36000"),
    );
    const versions = async () =>
      Object.keys(
        (
          (await (
            await fetch(
              url(
                `/subscriptions/11111111-1111-1111-1111-111111111111/providers/Microsoft.ContainerService/locations/westeurope/kubernetesVersions`,
              ),
              { headers: auth },
            )
          ).json()) as { values: { patchVersions: Record<string, unknown> }[] }
        ).values.reduce((a, v) => ({ ...a, ...v.patchVersions }), {}),
      );
    expect(await versions()).not.toContain("1.31.2");
    await new Promise((r) => setTimeout(r, 150)); // one simulated hour at 36000x is 100 ms
    expect(await versions()).toContain("1.31.2");
  });
});

describe("Simulator: token buckets", () => {
  it("grants a PUT ManagedCluster burst of 20, then answers with the wait until a token refills (one a minute)", () => {
    let now = 0;
    const t = new Throttle(() => now);
    for (let i = 0; i < 20; i++) expect(t.take("mc", LIMITS.aksPutManagedCluster)).toBeUndefined();
    expect(t.take("mc", LIMITS.aksPutManagedCluster)).toBe(60);
    now += 60_000;
    expect(t.take("mc", LIMITS.aksPutManagedCluster)).toBeUndefined();
    expect(t.take("mc", LIMITS.aksPutManagedCluster)).toBe(60);
  });

  it("refills ARM reads at 25 per second up to 250", () => {
    let now = 0;
    const t = new Throttle(() => now);
    for (let i = 0; i < 250; i++) t.take("r", LIMITS.armReads);
    expect(t.take("r", LIMITS.armReads)).toBe(1);
    now += 1000;
    expect(t.remaining("r", LIMITS.armReads)).toBe(25);
  });

  it("answers 429 with Retry-After once a cluster's GET bucket is empty", async () => {
    const h = await startSimulator(testFleetYaml().replace("speed: 60000", "speed: 1"));
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 62; i++)
        statuses.push(
          (await fetch(`${h.sim.url}${clusterIdOf("rg", "alpha")}${API}`, { headers: auth })).status,
        );
      expect(statuses.slice(0, 60).every((s) => s === 200)).toBe(true);
      const throttled = await fetch(`${h.sim.url}${clusterIdOf("rg", "alpha")}${API}`, { headers: auth });
      expect(throttled.status).toBe(429);
      expect(Number(throttled.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    } finally {
      await h.stop();
    }
  });
});
