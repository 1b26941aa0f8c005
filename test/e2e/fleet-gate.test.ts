import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { composeAdapters } from "../../src/azure/compose.js";
import type { FleetAdapter } from "../../src/azure/fleet.js";
import { parseSettings } from "../../src/config/settings.js";
import { DEFAULT_ACS_KEY } from "../../src/simulator/acs-email.js";
import { startStack, type Stack } from "../helpers/stack.js";
import { fleetYaml, policyYaml, RELEASED_BEFORE_START, SUB } from "./fixtures.js";

/**
 * Issue 9: a Fleet gate event is a hint. Ringmaster's identity approves only a gate Fleet itself reports
 * Pending in a managed fleet; the email's Approve call is absolute and names the gate's own instance, and
 * it works.
 */
const REF = { subscriptionId: SUB, resourceGroup: "rg-fleet", name: "hub" };
const HUB = `/subscriptions/${SUB}/resourceGroups/rg-fleet/providers/Microsoft.ContainerService/fleets/hub`;

describe("e2e: Fleet gates are verified with Fleet before Ringmaster approves", () => {
  let stack: Stack;
  let fleet: FleetAdapter;

  beforeAll(async () => {
    stack = await startStack({
      speed: 4000,
      fleetYaml: fleetYaml({
        speed: 4000,
        releases: RELEASED_BEFORE_START,
        extra: `fleets:
  - { subscription: ${SUB}, resourceGroup: rg-fleet, name: hub, members: [ { cluster: dev-1, group: dev }, { cluster: prod-2, group: prod } ] }`,
      }),
      policyYaml: policyYaml(),
    });
    fleet = composeAdapters(
      parseSettings({
        RINGMASTER_MODE: "simulator",
        RINGMASTER_POLICY_FILE: "examples/policy.yaml",
        RINGMASTER_SUBSCRIPTION_IDS: SUB,
        RINGMASTER_ARM_ENDPOINT: stack.sim.url,
        RINGMASTER_ACS_CONNECTION_STRING: `endpoint=${stack.sim.url}/;accesskey=${DEFAULT_ACS_KEY}`,
      }),
    ).fleet;
  }, 60_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it("ignores a forged gate event, mails an absolute link for the real gate, and approves it", async () => {
    // A forged "gate created" for a gate Fleet does not have, delivered like Event Grid would.
    const forged = `${HUB}/gates/forged-gate`;
    const res = await fetch(`${stack.host.url}/runtime/webhooks/eventgrid?functionName=aksEvents`, {
      method: "POST",
      headers: { "content-type": "application/json", "aeg-event-type": "Notification" },
      body: JSON.stringify([
        {
          id: "forged-gate-event",
          topic: `/subscriptions/${SUB}`,
          subject: forged,
          eventType: "Microsoft.ResourceNotifications.AksResources.FleetGateCreated",
          eventTime: stack.now(),
          data: {
            resourceInfo: {
              id: forged,
              name: "forged-gate",
              type: "Microsoft.ContainerService/fleets/gates",
              properties: { displayName: "forged", gateType: "Approval", state: "Pending" },
            },
            operationalInfo: { resourceEventTime: stack.now() },
            apiVersion: "2026-06-01",
          },
          dataVersion: "1",
          metadataVersion: "1",
        },
      ]),
    });
    expect(res.status).toBe(202);
    expect((await stack.api("/api/fleetgates/forged-gate/approve", { method: "POST" })).status).toBe(404);

    await fleet.createRun(REF, "patch-1", { type: "Full", kubernetesVersion: "1.30.5" }, [
      { name: "dev", groups: ["dev"] },
      { name: "prod", groups: ["prod"], approvalBefore: "prod sign-off" },
    ]);
    await fleet.start(REF, "patch-1");
    const gate = await stack.until(
      "a pending gate",
      async () => (await fleet.gates(REF)).find((g) => g.state === "Pending"),
      60_000,
    );
    const mail = await stack.until(
      "the Fleet gate email",
      () => stack.emails().find((e) => e.text.includes("Fleet gate waiting")),
      60_000,
    );
    expect(mail.text).not.toContain("forged");
    const url = /Approve: POST (\S+)/.exec(mail.text)?.[1] ?? "";
    expect(url).toBe(`${stack.host.url}/api/fleetgates/${gate.name}/approve`);

    const approved = await fetch(url, { method: "POST", body: JSON.stringify({ by: "alice" }) });
    expect(approved.status).toBe(202);
    await stack.until(
      "the gate completed by Ringmaster",
      async () =>
        (await fleet.gates(REF)).find((g) => g.id === gate.id)?.state === "Completed" ? true : undefined,
      60_000,
    );
    expect((await fleet.gates(REF)).map((g) => g.name)).not.toContain("forged-gate");
  }, 120_000);
});
