import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { loadPolicyFile } from "../../../src/config/policy.js";
import {
  GateUpdatedEventSchema,
  NodePoolRollingEventSchema,
  ExternalEvent,
} from "../../../src/contracts/events.js";
import {
  EndOfSupportInputSchema,
  FleetGateInputSchema,
  NotifyInputSchema,
  RolloutInputSchema,
} from "../../../src/contracts/workflow-inputs.js";
import { WorkflowName } from "../../../src/contracts/workflow-names.js";
import { decide, type Decision } from "../../../src/dispatch/decide.js";
import { normalizeBody } from "../../../src/events/normalize.js";
import { loadEvent, RECEIVED_AT } from "../../helpers/fixtures.js";

/**
 * Issue 10: what dispatch starts and raises, from real event payloads, is what the receiving workflow's
 * contract accepts (the workflow validates it with the same schema, so a mismatch would fail it).
 */
const policy = loadPolicyFile("examples/policy.yaml");
const decisions = (group: string, name: string): Decision[] =>
  decide(normalizeBody(loadEvent(group, name), { receivedAt: RECEIVED_AT }), [policy]).flatMap(
    (p) => p.decisions,
  );

const START_SCHEMAS: Partial<Record<string, z.ZodType>> = {
  [WorkflowName.rollout]: RolloutInputSchema,
  [WorkflowName.endOfSupport]: EndOfSupportInputSchema,
  [WorkflowName.fleetGate]: FleetGateInputSchema,
  [WorkflowName.notify]: NotifyInputSchema,
};
const RAISE_SCHEMAS: Partial<Record<string, z.ZodType>> = {
  [ExternalEvent.nodePoolRolling]: NodePoolRollingEventSchema,
  [ExternalEvent.gateUpdated]: GateUpdatedEventSchema,
  [ExternalEvent.gateDeleted]: GateUpdatedEventSchema,
};

describe("Dispatch builds what the workflows' contracts accept", () => {
  it.each([
    ["aks", "new-version-eventgrid"],
    ["aks", "rolling-failed-eventgrid"],
    ["aks", "rolling-started-cloudevent"],
    ["aks", "support-ended-cloudevent"],
    ["aks", "support-ending-eventgrid"],
    ["alerts", "budget-common-actual"],
    ["arn", "fleet-gate-created"],
    ["arn", "fleet-gate-updated-cloudevent"],
  ])("%s/%s", (group, name) => {
    const checked: string[] = [];
    for (const d of decisions(group, name)) {
      const schema =
        d.type === "start"
          ? START_SCHEMAS[d.workflow]
          : d.type === "raise"
            ? RAISE_SCHEMAS[d.eventName]
            : undefined;
      if (!schema || (d.type !== "start" && d.type !== "raise")) continue;
      const payload = d.type === "start" ? d.input : d.data;
      expect(schema.safeParse(payload).error?.issues ?? [], `${d.type} ${JSON.stringify(payload)}`).toEqual(
        [],
      );
      checked.push(d.type === "start" ? d.workflow : d.eventName);
    }
    expect(checked.length, "the fixture leads to a start or raise with a contract").toBeGreaterThan(0);
  });
});
