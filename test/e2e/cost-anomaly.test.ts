import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStack, type Stack } from "../helpers/stack.js";
import { fleetYaml, policyYaml } from "./fixtures.js";

/**
 * Ringmaster's own cost-anomaly alerts, through the local host and the simulator on the discrete clock.
 * 1.30.5 rolls out on 2026-11-23 (a Monday); dev-1 is upgraded in dev's 02:00–08:00 window that day and its
 * `apps` scale set costs three times its usual that day (the surge nodes stayed). The day's usage lands 8 h
 * after the day ends (simulator default); the daily check runs at 10:00 UTC (settings default). Exactly one
 * email names dev-1, the expected range and the upgrade that preceded the spike. A week with the same
 * noise, weekend dip and upgrades but no spike sends no anomaly email at all.
 */
const DAY_MS = 86_400_000;
const SPEND_DAY_END = Date.parse("2026-11-24T00:00:00Z");
const costModel = (spikes: string, latency = 8) => `costs:
  dataLatencyHours: ${latency}
  noise: 0.05
  weekday: [1, 1, 1, 1, 1, 0.7, 0.7]
  spikes: ${spikes}`;

const anomalyMails = (stack: Stack) => stack.emails().filter((e) => /Cost anomal/.test(e.subject + e.text));

async function runUntil(stack: Stack, iso: string): Promise<void> {
  const end = Date.parse(iso);
  await stack.until(
    `the clock to reach ${iso}`,
    () => (stack.clock.now() >= end ? true : undefined),
    180_000,
  );
}

describe("e2e: a cost spike after an upgrade is one anomaly email", () => {
  let stack: Stack;
  let mailAt = 0;

  beforeAll(async () => {
    stack = await startStack({
      speed: 8000,
      fleetYaml: fleetYaml({
        speed: 8000,
        extra: costModel(`[ { cluster: dev-1, day: "2026-11-23", factor: 3, pools: [apps] } ]`),
      }),
      policyYaml: policyYaml(),
    });
    await stack.until(
      "the cost-anomaly email",
      () => (anomalyMails(stack).length > 0 ? true : undefined),
      180_000,
    );
    mailAt = stack.clock.now();
    // Two more daily checks: the spike day is in their history now, and nothing else is anomalous.
    await runUntil(stack, "2026-11-26T12:00:00Z");
  }, 400_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it("sends exactly one anomaly email, naming the cluster, the expected range and the upgrade", () => {
    const mails = anomalyMails(stack);
    expect(mails).toHaveLength(1);
    const mail = mails[0]!;
    expect(mail.subject).toMatch(
      /Cost anomaly: dev-1 cost [\d.,]+ USD on 2026-11-23 after an upgrade to 1\.30\.5/,
    );
    expect(mail.text).toMatch(/expected range [\d.,]+ USD – [\d.,]+ USD/);
    expect(mail.text).toMatch(
      /Ringmaster upgrade to Kubernetes 1\.30\.5 \(rollout rollout:e2e:kubernetes:1\.30\.5, ring dev\) from 2026-11-23 0\d:\d\d to 2026-11-23 \d\d:\d\d UTC: succeeded\./,
    );
    expect(mail.text).toMatch(/virtualMachineScaleSets\/aks-apps-vmss/i);
    expect(mail.text).not.toMatch(/aks-system-vmss/);
    expect(mail.html).toContain("aks-apps-vmss");
  });

  it("arrives hours after the spend day, not Azure's 36–60 h", () => {
    const hours = (mailAt - SPEND_DAY_END) / 3_600_000;
    // The check at 10:00 the next day (data landed at 08:00), then the urgent digest's minute.
    expect(hours).toBeGreaterThanOrEqual(10);
    expect(hours).toBeLessThan(11);
    console.info(`cost anomaly email ${hours.toFixed(2)} simulated hours after the end of the spend day`);
  });
});

describe("e2e: a normal week sends no anomaly email", () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({
      speed: 8000,
      fleetYaml: fleetYaml({ speed: 8000, extra: costModel("[]") }),
      policyYaml: policyYaml(),
    });
    await runUntil(
      stack,
      new Date(Date.parse("2026-11-23T00:00:00Z") + 7 * DAY_MS + 12 * 3_600_000).toISOString(),
    );
  }, 400_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it("checks every day of the week and finds nothing", () => {
    expect(stack.emails().length).toBeGreaterThan(0); // the rollout's own emails went out
    expect(anomalyMails(stack)).toEqual([]);
    expect(stack.sim.world.records.counters.get("api:costManagement.query") ?? 0).toBeGreaterThanOrEqual(7);
  });
});

describe("e2e: usage that lands after the check hour is asked for again, hourly", () => {
  let stack: Stack;

  beforeAll(async () => {
    // Rows land 14 h after the day ends: the 10:00 check finds none for the day and asks again each hour.
    stack = await startStack({
      speed: 8000,
      fleetYaml: fleetYaml({
        speed: 8000,
        extra: costModel(`[ { cluster: dev-1, day: "2026-11-23", factor: 3, pools: [apps] } ]`, 14),
      }),
      policyYaml: policyYaml(),
    });
    await stack.until(
      "the cost-anomaly email",
      () => (anomalyMails(stack).length > 0 ? true : undefined),
      180_000,
    );
    await runUntil(stack, "2026-11-25T00:00:00Z");
  }, 400_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it("emails once, in the hour after the rows land", () => {
    const mails = anomalyMails(stack);
    expect(mails).toHaveLength(1);
    const hours = (Date.parse(mails[0]!.time) - SPEND_DAY_END) / 3_600_000;
    expect(hours).toBeGreaterThanOrEqual(14);
    expect(hours).toBeLessThan(15.1);
    console.info(`with 14 h data latency: email ${hours.toFixed(2)} simulated hours after the spend day`);
  });
});
