import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { loadPolicyFile } from "../../../src/config/policy.js";
import { planGeneration } from "../../../src/dispatch/generations.js";
import { ingest } from "../../../src/dispatch/ingest.js";
import { normalizeBody } from "../../../src/events/normalize.js";
import { fixtureArm } from "../../helpers/fake-arm.js";
import { FakeDurable, silentLog } from "../../helpers/fake-durable.js";
import { loadEvent, RECEIVED_AT, set } from "../../helpers/fixtures.js";

/**
 * Issue 9, "targets are used up forever": after a cancel, a rejection, a timed-out approval or a failed
 * preparation the same target can roll out again, as the next generation of its rollout id.
 */
const policies = [loadPolicyFile("examples/policy.yaml")];
const BASE = "rollout:contoso-platform:kubernetes:1.18.19";
const ENDED = "2026-11-20T10:00:00.000Z";
const BEFORE = "2026-11-20T09:00:00.000Z";
const AFTER = "2026-11-20T11:00:00.000Z";

const event = (id: string, time: string) =>
  set(
    set(loadEvent<Record<string, unknown>[]>("aks", "new-version-eventgrid")[0]!, "id", id),
    "eventTime",
    time,
  );
const deliver = (durable: FakeDurable, ...events: Record<string, unknown>[]) =>
  ingest(normalizeBody(events, { receivedAt: RECEIVED_AT }), {
    policies,
    port: durable,
    log: silentLog,
    source: "test",
    receivedAt: RECEIVED_AT,
    verify: fixtureArm().context(),
  });
const rollouts = (durable: FakeDurable) => durable.started().filter((id) => id.startsWith(BASE));

type Ending = { status: string; output?: unknown; customStatus?: unknown };
const FAILED: Ending = { status: "Failed" };
const TIMED_OUT: Ending = {
  status: "Completed",
  output: { outcome: "rejected" },
  customStatus: { approval: { ring: "rollout", result: "timed out: reject" } },
};
const CANCELED: Ending = { status: "Completed", output: { outcome: "canceled" } };
const REJECTED: Ending = {
  status: "Completed",
  output: { outcome: "rejected" },
  customStatus: { approval: { ring: "rollout", result: "rejected by alice" } },
};
const COMPLETED: Ending = { status: "Completed", output: { outcome: "completed" } };

function endedWith(e: Ending, id = BASE): FakeDurable {
  const durable = new FakeDurable();
  durable.seed(id, "rollout", e.status, {
    output: e.output,
    customStatus: e.customStatus,
    lastUpdatedTime: ENDED,
  });
  return durable;
}

describe("Dispatch: rollout generations", () => {
  it.each([
    ["a failed preparation", FAILED],
    ["a timed-out approval", TIMED_OUT],
  ])(
    "after %s, a genuine new event starts the next generation, once however often delivered",
    async (_, e) => {
      const durable = endedWith(e);
      await deliver(durable, event("new", AFTER));
      await deliver(durable, event("new", AFTER), event("new", AFTER));
      expect(rollouts(durable)).toEqual([`${BASE}:g2`]);
      expect(durable.instances.get(`${BASE}:g2`)?.input).toMatchObject({ generation: 2, target: "1.18.19" });
    },
  );

  it("does not start a generation for an event older than the end of the last one (a redelivery)", async () => {
    const durable = endedWith(FAILED);
    const report = await deliver(durable, event("old", BEFORE));
    expect(rollouts(durable)).toEqual([]);
    expect(report.outcomes.filter((o) => o.result === "exists")).toHaveLength(1);
  });

  it.each([
    ["canceled", CANCELED],
    ["rejected by a person", REJECTED],
    ["terminated", { status: "Terminated" }],
    ["completed", COMPLETED],
  ])("never restarts a rollout %s from an event; an explicit API start does", async (_, e) => {
    const durable = endedWith(e);
    await deliver(durable, event("new", AFTER));
    expect(rollouts(durable)).toEqual([]);
    await expect(planGeneration(durable, BASE, { by: "api" })).resolves.toMatchObject({
      start: true,
      id: `${BASE}:g2`,
      generation: 2,
      previous: BASE,
    });
  });

  it("refuses every start, event or API, while a generation runs", async () => {
    const durable = endedWith(FAILED);
    durable.seed(`${BASE}:g2`, "rollout", "Running");
    await expect(planGeneration(durable, BASE, { by: "api" })).resolves.toMatchObject({
      start: false,
      running: true,
      id: `${BASE}:g2`,
    });
    await deliver(durable, event("new", AFTER));
    expect(durable.instances.has(`${BASE}:g3`)).toBe(false);
  });

  it("property: any number of deliveries of one event start at most one generation", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(FAILED, TIMED_OUT, CANCELED, REJECTED, COMPLETED),
        fc.constantFrom(BEFORE, AFTER),
        fc.integer({ min: 1, max: 6 }),
        async (ending, time, times) => {
          const durable = endedWith(ending);
          for (let i = 0; i < times; i++) {
            // A started generation that then fails again: redeliveries of the same event must not retry it.
            await deliver(durable, event("same", time));
            const g2 = durable.instances.get(`${BASE}:g2`);
            if (g2) Object.assign(g2, { status: "Failed", lastUpdatedTime: "2026-11-20T12:00:00.000Z" });
          }
          expect(rollouts(durable).length).toBeLessThanOrEqual(1);
        },
      ),
      { numRuns: 60 },
    );
  });
});
