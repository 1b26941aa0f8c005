import { afterEach, describe, expect, it } from "vitest";
import { EmailAdapter } from "../../src/azure/email.js";
import { clusterIdOf, startSimulator, SUB, testFleetYaml, type SimHarness } from "../helpers/simulator.js";

const FLEET_EXTRA = `fleets:
  - { subscription: ${SUB}, resourceGroup: rg-fleet, name: hub, members: [ { cluster: alpha, group: dev }, { cluster: beta, group: prod } ] }
alerts:
  - { cluster: alpha, rule: node-cpu-high, severity: Sev1, at: "2026-11-22T23:30:00Z", minutes: 600 }
costs:
  perNodeHour: 0.5
  spikes: [ { cluster: alpha, day: "2026-11-21", factor: 3 } ]
`;

describe("Contract: adapters built by the composition root, against the simulator", () => {
  let h: SimHarness;
  afterEach(async () => h?.stop());

  it("Resource Graph lists managed clusters of the given subscriptions", async () => {
    h = await startSimulator();
    const rows = await h.adapters().graph.managedClusters([SUB]);
    expect(rows.map((r) => r.name).sort()).toEqual(["alpha", "beta"]);
    expect(rows[0]).toMatchObject({ subscriptionId: SUB, location: "westeurope" });
  });

  it("Azure Monitor returns the alerts fired on a cluster", async () => {
    h = await startSimulator(testFleetYaml(FLEET_EXTRA));
    const alerts = await h.adapters().alerts.firedAlerts(clusterIdOf("rg", "alpha"), 2);
    expect(alerts).toEqual([
      expect.objectContaining({ rule: "node-cpu-high", severity: "Sev1", condition: "Fired" }),
    ]);
    expect(await h.adapters().alerts.firedAlerts(clusterIdOf("rg", "beta"), 2)).toEqual([]);
  });

  it("Azure Monitor's timeRange is honoured as the API defines it (1h, 1d, 7d, 30d)", async () => {
    // Fired 18:00–19:00 the day before the clock's start: five hours before "now".
    h = await startSimulator(
      testFleetYaml(`alerts:
  - { cluster: beta, rule: disk-pressure, severity: Sev3, at: "2026-11-22T18:00:00Z", minutes: 60 }
`),
    );
    const beta = clusterIdOf("rg", "beta");
    expect(await h.adapters().alerts.firedAlerts(beta, 1)).toEqual([]);
    expect(await h.adapters().alerts.firedAlerts(beta, 24)).toEqual([
      expect.objectContaining({ rule: "disk-pressure", severity: "Sev3" }),
    ]);
    const bad = await fetch(
      `${h.sim.url}/subscriptions/${SUB}/providers/Microsoft.AlertsManagement/alerts?api-version=2019-05-05-preview&timeRange=2h`,
      { headers: { authorization: "Bearer test" } },
    );
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe("InvalidParameter");
  });

  it("Microsoft.Maintenance assignments over REST, and public configurations", async () => {
    h = await startSimulator();
    const m = h.adapters().maintenance;
    const id = clusterIdOf("rg", "alpha");
    const publicConfigs = await m.listPublicConfigurations(SUB);
    expect(publicConfigs.map((p) => p.name)).toContain("aks-mrp-cfg-weekday_utc");
    const assigned = await m.assign(id, "weekday", "westeurope", publicConfigs[0]!.id);
    expect(assigned.properties.maintenanceConfigurationId).toBe(publicConfigs[0]!.id);
    expect((await m.listAssignments(id)).map((a) => a.name)).toEqual(["weekday"]);
    await m.unassign(id, "weekday");
    expect(await m.listAssignments(id)).toEqual([]);
    await expect(m.assign(id, "bad", "westeurope", "not-an-id")).rejects.toMatchObject({
      statusCode: 400,
      message: expect.stringContaining("maintenanceConfigurationId"),
    });
  });

  it("Fleet: an update run with an approval gate waits for the gate, then upgrades members stage by stage", async () => {
    h = await startSimulator(testFleetYaml(FLEET_EXTRA));
    const fleet = h.adapters().fleet;
    const ref = { subscriptionId: SUB, resourceGroup: "rg-fleet", name: "hub" };
    expect((await fleet.members(ref)).map((m) => [m.name, m.group])).toEqual([
      ["alpha", "dev"],
      ["beta", "prod"],
    ]);
    await fleet.createRun(ref, "patch-1", { type: "Full", kubernetesVersion: "1.30.5" }, [
      { name: "dev", groups: ["dev"] },
      { name: "prod", groups: ["prod"], approvalBefore: "prod sign-off" },
    ]);
    await fleet.start(ref, "patch-1");
    const gate = await waitUntil(async () => (await fleet.gates(ref)).find((g) => g.state === "Pending"));
    expect(gate).toMatchObject({ displayName: "prod sign-off", stage: "prod", runName: "patch-1" });
    const beforeApproval = await fleet.run(ref, "patch-1");
    expect(beforeApproval.stages[0]).toMatchObject({ name: "dev", state: "Completed" });
    expect(beforeApproval.stages[1]!.members[0]).toMatchObject({ name: "beta", state: "NotStarted" });
    await fleet.approveGate(gate.id);
    const done = await waitUntil(async () => {
      const r = await fleet.run(ref, "patch-1");
      return r.state === "Completed" || r.state === "Failed" ? r : undefined;
    });
    expect(done.state).toBe("Completed");
    expect((await h.aks.getCluster(clusterIdOf("rg", "beta"))).currentKubernetesVersion).toBe("1.30.5");
  });

  it("Fleet: a run without gates goes through the 2.0 SDK; members can be skipped and runs stopped", async () => {
    h = await startSimulator(testFleetYaml(FLEET_EXTRA).replace("speed: 60000", "speed: 600"));
    const fleet = h.adapters().fleet;
    const ref = { subscriptionId: SUB, resourceGroup: "rg-fleet", name: "hub" };
    await fleet.createRun(ref, "images", { type: "NodeImageOnly" }, [
      { name: "all", groups: ["dev", "prod"] },
    ]);
    await fleet.skipMember(ref, "images", "beta");
    await fleet.start(ref, "images");
    await fleet.stop(ref, "images");
    const stopped = await waitUntil(async () => {
      const r = await fleet.run(ref, "images");
      return r.state === "Stopped" || r.state === "Completed" ? r : undefined;
    });
    expect(stopped.state).toBe("Stopped");
    expect(stopped.stages[0]!.members.find((m) => m.name === "beta")).toMatchObject({ state: "Skipped" });
  });

  it("Email: sends through HMAC-signed requests, records the outbox, and refuses a wrong key", async () => {
    h = await startSimulator();
    const email = h.adapters().email;
    const result = await email.send({
      from: "DoNotReply@notify.contoso.example",
      to: ["oncall@contoso.example"],
      subject: "Rollout forecast",
      text: "plain",
      html: "<p>html</p>",
      operationId: "6a1f2c3e-0000-4000-8000-000000000001",
    });
    expect(result.status).toBe("Succeeded");
    const outbox = (await (await fetch(`${h.sim.url}/_sim/outbox`)).json()) as {
      subject: string;
      to: string[];
    }[];
    expect(outbox).toEqual([
      expect.objectContaining({ subject: "Rollout forecast", to: ["oncall@contoso.example"] }),
    ]);
    const wrongKey = new EmailAdapter(
      {
        connectionString: `endpoint=${h.sim.url}/;accesskey=${Buffer.from("nope").toString("base64")}`,
        allowInsecure: true,
      },
      5,
    );
    await expect(
      wrongKey.send({
        from: "a@b.example",
        to: ["c@d.example"],
        subject: "x",
        text: "x",
        html: "x",
        operationId: "6a1f2c3e-0000-4000-8000-000000000002",
      }),
    ).rejects.toMatchObject({ statusCode: 401 });
  });

  it("Email: the send quota answers 429 with Retry-After, which the SDK honours", async () => {
    // A slower clock (one simulated minute = 100 ms), so three sends land in the same minute.
    h = await startSimulator(
      testFleetYaml("email: { perMinute: 2, perHour: 100 }\n").replace("speed: 60000", "speed: 600"),
    );
    const email = h.adapters().email;
    const send = (i: number) =>
      email.send({
        from: "a@notify.contoso.example",
        to: ["b@contoso.example"],
        subject: `m${i}`,
        text: "t",
        html: "h",
        operationId: `6a1f2c3e-0000-4000-8000-00000000010${i}`,
      });
    await send(1);
    await send(2);
    // The third is refused, waits out Retry-After (sent in simulated seconds and real milliseconds) and succeeds.
    expect((await send(3)).status).toBe("Succeeded");
    const audit = (await (await fetch(`${h.sim.url}/_sim/audit`)).json()) as { what: string }[];
    expect(audit.some((a) => a.what.startsWith("send refused: quota"))).toBe(true);
  });
});

async function waitUntil<T>(probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 20));
  }
}
