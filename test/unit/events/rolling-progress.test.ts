import { describe, expect, it } from "vitest";
import { decide } from "../../../src/dispatch/decide.js";
import { normalizeBody } from "../../../src/events/normalize.js";
import { loadEvent, RECEIVED_AT } from "../../helpers/fixtures.js";

/**
 * `Microsoft.ContainerService.NodePoolRollingProgress`, as the REST spec's examples carry it
 * (`node_pool_rolling_progress.json`, both schemas: `data.rollingProgressState`), is read as the
 * NodePoolRolling* event its state names and relayed to the cluster's workflow like the others.
 */
type EG = Record<string, unknown> & { data: Record<string, unknown> };
const opts = { receivedAt: RECEIVED_AT };

describe("Events: NodePoolRollingProgress (REST spec examples)", () => {
  it("reads the Event Grid and CloudEvents examples as NodePoolRollingStarted", () => {
    for (const name of ["rolling-progress-eventgrid", "rolling-progress-cloudevent"]) {
      const [e] = normalizeBody(loadEvent("aks", name), opts);
      expect(e).toMatchObject({
        kind: "NodePoolRollingStarted",
        nodePoolName: "nodepool1",
        clusterId: expect.stringMatching(/managedClusters\/aks-dev-weu-1$/),
      });
    }
  });

  it("maps Succeeded and Failed states, and relays them to the cluster workflow", () => {
    const base = loadEvent<EG>("aks", "rolling-progress-eventgrid");
    const succeeded = { ...base, data: { ...base.data, rollingProgressState: "Succeeded" } };
    const failed = { ...base, id: "x2", data: { ...base.data, rollingProgressState: "failed" } };
    const events = normalizeBody([succeeded, failed], opts);
    expect(events.map((e) => e.kind)).toEqual(["NodePoolRollingSucceeded", "NodePoolRollingFailed"]);
    const decisions = decide(events, []).flatMap((p) => p.decisions);
    expect(decisions).toEqual([
      expect.objectContaining({
        type: "raise",
        instanceId: "cluster:11111111-1111-1111-1111-111111111111:rg-dev:aks-dev-weu-1",
        eventName: "NodePoolRolling",
        data: expect.objectContaining({ phase: "Succeeded", nodePoolName: "nodepool1" }),
      }),
      expect.objectContaining({ data: expect.objectContaining({ phase: "Failed" }) }),
    ]);
  });

  it("rejects a state it does not know, naming the field", () => {
    const base = loadEvent<EG>("aks", "rolling-progress-eventgrid");
    const [e] = normalizeBody({ ...base, data: { ...base.data, rollingProgressState: "Paused" } }, opts);
    expect(e).toMatchObject({
      kind: "Rejected",
      reason: 'data.rollingProgressState: "Paused" is not Started, Succeeded or Failed',
    });
    const [missing] = normalizeBody({ ...base, data: { nodePoolName: "nodepool1" } }, opts);
    expect(missing).toMatchObject({
      kind: "Rejected",
      reason: expect.stringMatching(/rollingProgressState/),
    });
  });
});
