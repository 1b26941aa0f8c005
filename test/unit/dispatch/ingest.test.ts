import { describe, expect, it } from "vitest";
import { loadPolicyFile } from "../../../src/config/policy.js";
import { ingest, shouldRetry } from "../../../src/dispatch/ingest.js";
import { normalizeBody } from "../../../src/events/normalize.js";
import { fixtureArm } from "../../helpers/fake-arm.js";
import { FakeDurable, silentLog } from "../../helpers/fake-durable.js";
import { loadEvent, RECEIVED_AT, set } from "../../helpers/fixtures.js";

const policies = [loadPolicyFile("examples/policy.yaml")];
const deps = (port: FakeDurable) => ({
  policies,
  port,
  log: silentLog,
  source: "test",
  receivedAt: RECEIVED_AT,
  verify: fixtureArm().context(),
});
const newVersion = (id: string) =>
  set(loadEvent<Record<string, unknown>[]>("aks", "new-version-eventgrid")[0], "id", id);

describe("Function: ingest", () => {
  it("starts an existing instance id never again, whatever its state", async () => {
    const port = new FakeDurable();
    port.seed("rollout:contoso-platform:kubernetes:1.18.19", "rollout", "Completed");
    const report = await ingest(
      normalizeBody([newVersion("a"), newVersion("b")], { receivedAt: RECEIVED_AT }),
      deps(port),
    );
    expect(report.outcomes.map((o) => o.result)).toEqual(["exists", "started"]);
  });

  it("keeps a failing event as a transient poison record while the rest of the batch is handled", async () => {
    const port = new FakeDurable();
    port.failOn = (op, id) => op === "raise" && id.includes("aks-dev-weu-1");
    const events = normalizeBody(
      [loadEvent("aks", "rolling-failed-eventgrid"), newVersion("x"), { junk: 1 }],
      { receivedAt: RECEIVED_AT },
    );
    const report = await ingest(events, deps(port));
    expect(report).toMatchObject({ total: 3, handled: 1, rejected: 1, failed: 1 });
    expect(report.poison.map((p) => [p.transient, p.reason.slice(0, 30)])).toEqual([
      [true, "durable backend unavailable (r"],
      [false, "event: not an Event Grid event"],
    ]);
    expect(shouldRetry(report)).toBe(false);
    expect(port.started()).toEqual([
      "rollout:contoso-platform:kubernetes:1.18.19",
      "rollout:contoso-platform:kubernetes:1.19.11:minor",
    ]);
  });

  it("refuses for good an event naming an instance id Azure would refuse (no retry, no 503)", async () => {
    const port = new FakeDurable();
    const rolling = loadEvent<Record<string, unknown>>("aks", "rolling-failed-eventgrid");
    const longName = "c".repeat(300);
    const event = set(
      set(rolling, "topic", String(rolling.topic).replace("aks-dev-weu-1", longName)),
      "subject",
      longName,
    );
    const report = await ingest(normalizeBody([event], { receivedAt: RECEIVED_AT }), deps(port));
    expect(report.outcomes.map((o) => o.result)).toEqual(["refused"]);
    expect(report.poison).toEqual([
      expect.objectContaining({ transient: false, reason: expect.stringMatching(/at most 256/) }),
    ]);
    expect(shouldRetry(report)).toBe(false);
  });

  it("asks for a retry only when nothing could be handled", async () => {
    const port = new FakeDurable();
    port.failOn = () => true;
    const report = await ingest(normalizeBody([newVersion("1")], { receivedAt: RECEIVED_AT }), deps(port));
    expect(shouldRetry(report)).toBe(true);
  });

  it("logs a NodePoolRolling event that no running workflow owns, without failing", async () => {
    const report = await ingest(
      normalizeBody(loadEvent("aks", "rolling-failed-eventgrid"), { receivedAt: RECEIVED_AT }),
      deps(new FakeDurable()),
    );
    expect(report.outcomes[0]).toMatchObject({ result: "no-owner" });
    expect(report.failed).toBe(0);
  });
});
