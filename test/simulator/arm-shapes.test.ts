import { afterEach, describe, expect, it } from "vitest";
import { clusterIdOf, startSimulator, SUB, testFleetYaml, type SimHarness } from "../helpers/simulator.js";

/**
 * The simulator answers as ARM does where a client can tell: api-version required and checked before the
 * token, a Bearer challenge on 401, 200 for updates and 201 only for creates, LRO headers on Fleet PUTs,
 * AKS's defaults filled into a maintenance window. Raw HTTP with real payload shapes (azure-rest-api-specs
 * examples), so nothing in an SDK smooths a difference over.
 */
const auth = { Authorization: "Bearer t", "Content-Type": "application/json" };
const V = "api-version=2026-06-01";
const FLEET_V = "api-version=2025-03-01";
const FLEET = `/subscriptions/${SUB}/resourceGroups/rg-fleet/providers/Microsoft.ContainerService/fleets/hub`;
const FLEET_YAML = testFleetYaml(`fleets:
  - { subscription: ${SUB}, resourceGroup: rg-fleet, name: hub, members: [ { cluster: alpha, group: dev } ] }
`);

type ArmError = { error: { code: string; message: string } };

describe("Simulator: ARM's answers over raw HTTP", () => {
  let h: SimHarness;
  afterEach(async () => h?.stop());
  const alpha = clusterIdOf("rg", "alpha");
  const call = (path: string, query: string, init: RequestInit = {}) =>
    fetch(`${h.sim.url}${path}${query ? `?${query}` : ""}`, { headers: auth, ...init });

  it("requires api-version: missing → MissingApiVersionParameter, before the token is looked at", async () => {
    h = await startSimulator();
    for (const init of [{}, { headers: {} }]) {
      const res = await call(alpha, "", init);
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({
        error: {
          code: "MissingApiVersionParameter",
          message: "The api-version query parameter (?api-version=) is required for all requests.",
        },
      });
    }
  });

  it("refuses a malformed api-version (InvalidApiVersionParameter) and an unknown one (NoRegisteredProviderFound)", async () => {
    h = await startSimulator();
    const malformed = await call(alpha, "api-version=latest");
    expect(malformed.status).toBe(400);
    const m = (await malformed.json()) as ArmError;
    expect(m.error.code).toBe("InvalidApiVersionParameter");
    expect(m.error.message).toBe(
      "The api-version 'latest' is invalid. The supported versions are '2026-06-01'.",
    );

    const unknown = await call(alpha, "api-version=2019-01-01");
    expect(unknown.status).toBe(400);
    const u = (await unknown.json()) as ArmError;
    expect(u.error.code).toBe("NoRegisteredProviderFound");
    expect(u.error.message).toBe(
      "No registered resource provider found for location 'westeurope' and API version '2019-01-01' for type 'managedClusters'. The supported api-versions are '2026-06-01'.",
    );
    const pool = (await (
      await call(`${alpha}/agentPools/system`, "api-version=2019-01-01")
    ).json()) as ArmError;
    expect(pool.error.message).toContain("for type 'managedClusters/agentPools'");
    expect((await call(alpha, V)).status).toBe(200);
  });

  it("checks an extension resource's api-version against its own provider (Microsoft.Maintenance on a cluster)", async () => {
    h = await startSimulator();
    const assignments = `${alpha}/providers/Microsoft.Maintenance/configurationAssignments`;
    expect((await call(assignments, "api-version=2023-04-01")).status).toBe(200);
    const wrong = await call(assignments, V);
    expect(((await wrong.json()) as ArmError).error.message).toContain("for type 'configurationAssignments'");
  });

  it("answers a missing token with 401 and ARM's Bearer challenge", async () => {
    h = await startSimulator();
    const res = await call(alpha, V, { headers: {} });
    expect(res.status).toBe(401);
    expect(((await res.json()) as ArmError).error.code).toBe("AuthenticationFailed");
    const challenge = res.headers.get("www-authenticate") ?? "";
    expect(challenge).toMatch(/^Bearer /);
    expect(challenge).toContain('authorization_uri="https://login.windows.net/"');
    expect(challenge).toContain('error="invalid_token"');
    expect(challenge).toContain("error_description=");
  });

  it("answers a node pool upgrade PUT of an existing pool with 200 and the LRO headers", async () => {
    h = await startSimulator();
    const res = await call(`${alpha}/agentPools/apps`, V, {
      method: "PUT",
      body: JSON.stringify({ properties: { orchestratorVersion: "1.30.4" } }),
    });
    // Same version: no operation, plain 200. Now an actual upgrade of the control plane first.
    expect(res.status).toBe(200);
    const mc = (await (await call(alpha, V)).json()) as { properties: Record<string, unknown> };
    const up = await call(alpha, V, {
      method: "PUT",
      body: JSON.stringify({ ...mc, properties: { ...mc.properties, kubernetesVersion: "1.30.5" } }),
    });
    expect(up.status).toBe(200);
    expect(up.headers.get("azure-asyncoperation")).toMatch(/\/operations\/[^/?]+\?api-version=2026-06-01$/);
  });

  it("fills AKS's defaults into a maintenance window: durationHours 24, startDate the date of the write", async () => {
    h = await startSimulator();
    const path = `${alpha}/maintenanceConfigurations/aksManagedAutoUpgradeSchedule`;
    // The docs' autoUpgradeWindow.json without durationHours: the REST spec's default applies.
    const put = await call(path, V, {
      method: "PUT",
      body: JSON.stringify({
        properties: {
          maintenanceWindow: {
            schedule: { absoluteMonthly: { intervalMonths: 3, dayOfMonth: 1 } },
            utcOffset: "-08:00",
            startTime: "09:00",
            notAllowedDates: [{ start: "2023-12-23", end: "2024-01-05" }],
          },
        },
      }),
    });
    expect(put.status).toBe(201);
    const got = (await (await call(path, V)).json()) as {
      properties: { maintenanceWindow: { durationHours: number; startDate: string } };
    };
    expect(got.properties.maintenanceWindow.durationHours).toBe(24);
    expect(got.properties.maintenanceWindow.startDate).toBe(
      new Date(h.clock.now()).toISOString().slice(0, 10),
    );
    const given = await call(path, V, {
      method: "PUT",
      body: JSON.stringify({
        properties: {
          maintenanceWindow: {
            schedule: { weekly: { intervalWeeks: 2, dayOfWeek: "Sunday" } },
            durationHours: 4,
            startDate: "2026-12-06",
            startTime: "01:00",
          },
        },
      }),
    });
    expect(given.status).toBe(200);
    const kept = (await (await call(path, V)).json()) as {
      properties: { maintenanceWindow: { durationHours: number; startDate: string } };
    };
    expect(kept.properties.maintenanceWindow).toMatchObject({ durationHours: 4, startDate: "2026-12-06" });
  });

  it("Fleet: strategy PUT 201 then 200, both LROs; update run PUT carries Azure-AsyncOperation that reports Succeeded", async () => {
    h = await startSimulator(FLEET_YAML);
    const strategy = {
      properties: {
        strategy: { stages: [{ name: "stage1", groups: [{ name: "dev" }], afterStageWaitInSeconds: 3600 }] },
      },
    };
    const create = await call(`${FLEET}/updateStrategies/s1`, FLEET_V, {
      method: "PUT",
      body: JSON.stringify(strategy),
    });
    expect(create.status).toBe(201);
    expect(create.headers.get("azure-asyncoperation")).toBeTruthy();
    const again = await call(`${FLEET}/updateStrategies/s1`, FLEET_V, {
      method: "PUT",
      body: JSON.stringify(strategy),
    });
    expect(again.status).toBe(200);

    const run = {
      properties: {
        ...strategy.properties,
        managedClusterUpdate: { upgrade: { type: "Full", kubernetesVersion: "1.30.5" } },
      },
    };
    const put = await call(`${FLEET}/updateRuns/run1`, FLEET_V, { method: "PUT", body: JSON.stringify(run) });
    expect(put.status).toBe(201);
    const op = put.headers.get("azure-asyncoperation") ?? "";
    expect(op).toMatch(
      /^https:\/\/management\.simulator\.local\/subscriptions\/.*\/providers\/Microsoft\.ContainerService\/locations\/[^/]+\/operations\/[^/?]+\?api-version=2025-03-01$/,
    );
    const status = await fetch(op.replace("https://management.simulator.local", h.sim.url), {
      headers: auth,
    });
    expect(((await status.json()) as { status: string }).status).toBe("Succeeded");
    const rePut = await call(`${FLEET}/updateRuns/run1`, FLEET_V, {
      method: "PUT",
      body: JSON.stringify(run),
    });
    expect(rePut.status).toBe(200);
  });

  it("Fleet: a stage's afterStageWaitStatus is there before its wait begins, NotStarted", async () => {
    h = await startSimulator(FLEET_YAML);
    const body = {
      properties: {
        strategy: { stages: [{ name: "stage1", groups: [{ name: "dev" }], afterStageWaitInSeconds: 3600 }] },
        managedClusterUpdate: { upgrade: { type: "Full", kubernetesVersion: "1.30.5" } },
      },
    };
    const put = await call(`${FLEET}/updateRuns/run1`, FLEET_V, {
      method: "PUT",
      body: JSON.stringify(body),
    });
    const run = (await put.json()) as {
      properties: { status: { stages: { afterStageWaitStatus?: unknown }[] } };
    };
    expect(run.properties.status.stages[0]!.afterStageWaitStatus).toEqual({
      status: { state: "NotStarted" },
      waitDurationInSeconds: 3600,
    });
  });
});
