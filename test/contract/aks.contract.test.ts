import { afterEach, describe, expect, it } from "vitest";
import { clusterIdOf, startSimulator, SUB, testFleetYaml, type SimHarness } from "../helpers/simulator.js";

describe("Contract: AksAdapter over @azure/arm-containerservice against the simulator", () => {
  let h: SimHarness;
  afterEach(async () => h?.stop());

  it("lists and reads clusters with their pools", async () => {
    h = await startSimulator();
    const clusters = await h.aks.listClusters(SUB);
    expect(clusters.map((c) => c.name).sort()).toEqual(["alpha", "beta"]);
    const alpha = await h.aks.getCluster(clusterIdOf("rg", "alpha"));
    expect(alpha).toMatchObject({
      kubernetesVersion: "1.30.4",
      provisioningState: "Succeeded",
      location: "westeurope",
      tags: { env: "dev" },
    });
    expect(alpha.pools.map((p) => [p.name, p.count, p.currentOrchestratorVersion])).toEqual([
      ["system", 2, "1.30.4"],
      ["apps", 3, "1.30.4"],
    ]);
    expect((await h.aks.getUpgradeProfile(alpha.id)).upgrades).toEqual(["1.30.5", "1.31.2"]);
    expect(await h.aks.latestNodeImage(alpha.id, "apps")).toBe("AKSUbuntu-2204gen2containerd-202611.17.0");
    expect(await h.aks.listKubernetesVersions(SUB, "westeurope")).toEqual(
      expect.arrayContaining(["1.30.4", "1.30.5", "1.31.2"]),
    );
  });

  it("runs a Kubernetes upgrade as a long-running operation to completion; pools follow with the newest image", async () => {
    h = await startSimulator();
    const id = clusterIdOf("rg", "alpha");
    const handle = await h.aks.beginClusterUpgrade(id, "1.30.5");
    expect((await h.aks.checkOperation(handle)).done).toBe(false);
    const done = await h.aks.waitForOperation(handle);
    expect(done).toEqual({ done: true, status: "succeeded" });
    const after = await h.aks.getCluster(id);
    expect(after.currentKubernetesVersion).toBe("1.30.5");
    expect(
      after.pools.every(
        (p) => p.currentOrchestratorVersion === "1.30.5" && p.nodeImageVersion.endsWith("202611.17.0"),
      ),
    ).toBe(true);
  });

  it("refuses a second operation with 409 OperationNotAllowed, a minor skip, and control-plane-only under an auto-upgrade channel", async () => {
    h = await startSimulator();
    const id = clusterIdOf("rg", "alpha");
    await h.aks.beginClusterUpgrade(id, "1.30.5");
    await expect(h.aks.beginNodeImageUpgrade(id, "apps")).rejects.toMatchObject({
      statusCode: 409,
      code: "OperationNotAllowed",
    });
    await expect(h.aks.beginClusterUpgrade(clusterIdOf("rg", "beta"), "1.31.2")).rejects.toMatchObject({
      statusCode: 400,
      code: "NotAllowedUpgradeVersion",
    });
    await expect(
      h.aks.beginClusterUpgrade(clusterIdOf("rg", "beta"), "1.30.5", { controlPlaneOnly: true }),
    ).rejects.toMatchObject({ code: "NotAllAgentPoolOrchestratorVersionSpecifiedAndUnchanged" });
  });

  it("reports a failed drain with AKS's error code, then a re-PUT reconciles the cluster", async () => {
    h = await startSimulator(
      testFleetYaml(
        "faults:\n  - { cluster: alpha, pool: apps, on: upgrade, error: PodDrainFailure, times: 1 }\n",
      ),
    );
    const id = clusterIdOf("rg", "alpha");
    const failed = await h.aks.waitForOperation(await h.aks.beginClusterUpgrade(id, "1.30.5"));
    expect(failed).toMatchObject({
      done: true,
      status: "failed",
      error: { code: "PodDrainFailure", message: expect.stringContaining("disruption budget") },
    });
    expect(await h.aks.getCluster(id)).toMatchObject({
      provisioningState: "Failed",
      provisioningError: { code: "PodDrainFailure" },
    });
    // AKS's documented retry: the same PUT at the target again.
    expect(await h.aks.waitForOperation(await h.aks.beginClusterUpgrade(id, "1.30.5"))).toMatchObject({
      status: "succeeded",
    });
    expect((await h.aks.getCluster(id)).pools.map((p) => p.currentOrchestratorVersion)).toEqual([
      "1.30.5",
      "1.30.5",
    ]);
  });

  it("upgrades the control plane alone, then each pool by itself within the skew rules", async () => {
    h = await startSimulator();
    const id = clusterIdOf("rg", "alpha");
    expect(
      await h.aks.waitForOperation(await h.aks.beginClusterUpgrade(id, "1.31.2", { controlPlaneOnly: true })),
    ).toMatchObject({ status: "succeeded" });
    expect((await h.aks.getCluster(id)).pools.map((p) => p.currentOrchestratorVersion)).toEqual([
      "1.30.4",
      "1.30.4",
    ]);
    expect(await h.aks.waitForOperation(await h.aks.beginPoolUpgrade(id, "apps", "1.31.2"))).toMatchObject({
      status: "succeeded",
    });
    const after = await h.aks.getCluster(id);
    expect(after.pools.map((p) => [p.name, p.currentOrchestratorVersion])).toEqual([
      ["system", "1.30.4"],
      ["apps", "1.31.2"],
    ]);
  });

  it("upgrades a pool's node image alone, and aborts a running operation", async () => {
    h = await startSimulator();
    const id = clusterIdOf("rg", "alpha");
    expect(await h.aks.waitForOperation(await h.aks.beginNodeImageUpgrade(id, "system"))).toMatchObject({
      status: "succeeded",
    });
    expect((await h.aks.getCluster(id)).pools.find((p) => p.name === "system")!.nodeImageVersion).toBe(
      "AKSUbuntu-2204gen2containerd-202611.17.0",
    );
    const handle = await h.aks.beginClusterUpgrade(id, "1.30.5");
    await h.aks.abort(id);
    expect(await h.aks.checkOperation(handle)).toMatchObject({ done: true, status: "canceled" });
  });

  it("honours Retry-After on 429 and backs off from a bare 429", async () => {
    h = await startSimulator(
      testFleetYaml(
        "faults:\n  - { api: managedClusters.get, status: 429, retryAfterSeconds: 5, times: 2 }\n  - { api: agentPools.getUpgradeProfile, status: 429, times: 2 }\n",
      ),
    );
    const id = clusterIdOf("rg", "alpha");
    expect((await h.aks.getCluster(id)).name).toBe("alpha");
    expect(await h.aks.latestNodeImage(id, "apps")).toMatch(/202611\.17\.0$/);
    const counters = (await (await fetch(`${h.sim.url}/_sim/counters`)).json()) as {
      requests: Record<string, number>;
    };
    expect(counters.requests["fault:429"]).toBe(4);
  });

  it("writes, reads and deletes maintenance configurations; invalid ones are refused with the field named", async () => {
    h = await startSimulator();
    const id = clusterIdOf("rg", "alpha");
    const window = {
      schedule: { weekly: { dayOfWeek: "Tuesday" as const, intervalWeeks: 1 } },
      durationHours: 6,
      utcOffset: "+01:00",
      startTime: "09:00",
    };
    await h.aks.putMaintenanceConfiguration(id, "aksManagedAutoUpgradeSchedule", {
      maintenanceWindow: window,
    });
    expect(
      (await h.aks.getMaintenanceConfiguration(id, "aksManagedAutoUpgradeSchedule"))?.maintenanceWindow,
    ).toMatchObject({ startTime: "09:00", utcOffset: "+01:00" });
    expect((await h.aks.listMaintenanceConfigurations(id)).map((m) => m.name)).toEqual([
      "aksManagedAutoUpgradeSchedule",
    ]);
    await expect(
      h.aks.putMaintenanceConfiguration(id, "aksManagedAutoUpgradeSchedule", {
        maintenanceWindow: { ...window, durationHours: 2 },
      }),
    ).rejects.toMatchObject({ statusCode: 400, message: expect.stringContaining("durationHours") });
    await h.aks.deleteMaintenanceConfiguration(id, "aksManagedAutoUpgradeSchedule");
    expect(await h.aks.getMaintenanceConfiguration(id, "aksManagedAutoUpgradeSchedule")).toBeUndefined();
  });
});
