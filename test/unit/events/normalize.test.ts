import { describe, expect, it } from "vitest";
import { normalizeBatch, normalizeBody, normalizeText } from "../../../src/events/normalize.js";
import type { DomainEvent } from "../../../src/events/domain-event.js";
import { fixtureText, loadEvent, omit, RECEIVED_AT, set } from "../../helpers/fixtures.js";

const opts = { receivedAt: RECEIVED_AT };
const CLUSTER =
  "/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg-dev/providers/Microsoft.ContainerService/managedClusters/aks-dev-weu-1";
type EG = Record<string, unknown> & { data: Record<string, unknown> };

function one(body: unknown): DomainEvent {
  const events = normalizeBody(body, opts);
  expect(events).toHaveLength(1);
  return events[0]!;
}

function rejectedReason(body: unknown): string {
  const e = one(body);
  expect(e.kind).toBe("Rejected");
  return e.kind === "Rejected" ? e.reason : "";
}

describe("Function: normalizeBody", () => {
  describe("AKS events (Event Grid schema)", () => {
    it("reads NewKubernetesVersionAvailable from a webhook array with every version field", () => {
      const events = normalizeBody(loadEvent("aks", "new-version-eventgrid"), opts);
      expect(events).toEqual([
        {
          kind: "NewKubernetesVersionAvailable",
          key: "NewKubernetesVersionAvailable:1234567890abcdef1234567890abcdef12345678",
          id: "1234567890abcdef1234567890abcdef12345678",
          time: "2021-07-01T04:52:57.000Z",
          clusterId: CLUSTER,
          latestSupportedKubernetesVersion: "1.20.7",
          latestStableKubernetesVersion: "1.19.11",
          lowestMinorKubernetesVersion: "1.18.19",
          latestPreviewKubernetesVersion: "1.21.1",
        },
      ]);
    });

    it("reads ClusterSupportEnding and NodePoolRollingFailed", () => {
      expect(one(loadEvent("aks", "support-ending-eventgrid"))).toMatchObject({
        kind: "ClusterSupportEnding",
        clusterId: CLUSTER,
        kubernetesVersion: "1.24.10",
      });
      expect(one(loadEvent("aks", "rolling-failed-eventgrid"))).toMatchObject({
        kind: "NodePoolRollingFailed",
        clusterId: CLUSTER,
        nodePoolName: "nodepool1",
      });
    });

    it("reads NodePoolRollingStarted/Succeeded, ClusterSupportEnded by their event types", () => {
      const base = loadEvent<EG>("aks", "rolling-failed-eventgrid");
      expect(one({ ...base, eventType: "Microsoft.ContainerService.NodePoolRollingSucceeded" }).kind).toBe(
        "NodePoolRollingSucceeded",
      );
      expect(one({ ...base, eventType: "Microsoft.ContainerService.NodePoolRollingStarted" }).kind).toBe(
        "NodePoolRollingStarted",
      );
      const ending = loadEvent<EG>("aks", "support-ending-eventgrid");
      expect(one({ ...ending, eventType: "Microsoft.ContainerService.ClusterSupportEnded" }).kind).toBe(
        "ClusterSupportEnded",
      );
    });

    it("accepts the documented topic typo without the slash after resourceGroups", () => {
      const e = one(
        set(
          loadEvent("aks", "rolling-failed-eventgrid"),
          "topic",
          "/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroupsrg-dev/providers/Microsoft.ContainerService/managedClusters/aks-dev-weu-1",
        ),
      );
      expect(e).toMatchObject({ kind: "NodePoolRollingFailed", clusterId: CLUSTER });
    });

    it("compares event types case-insensitively", () => {
      const e = one(
        set(
          loadEvent("aks", "rolling-failed-eventgrid"),
          "eventType",
          "microsoft.containerservice.nodepoolrollingfailed",
        ),
      );
      expect(e.kind).toBe("NodePoolRollingFailed");
    });
  });

  describe("AKS events (CloudEvents 1.0)", () => {
    it("reads NodePoolRollingStarted and ClusterSupportEnded", () => {
      expect(one(loadEvent("aks", "rolling-started-cloudevent"))).toMatchObject({
        kind: "NodePoolRollingStarted",
        clusterId: CLUSTER,
        nodePoolName: "nodepool1",
        time: "2023-03-29T18:00:00.000Z",
      });
      expect(one(loadEvent("aks", "support-ended-cloudevent"))).toMatchObject({
        kind: "ClusterSupportEnded",
        kubernetesVersion: "1.23.15",
      });
    });

    it("accepts the camel-case specVersion seen in ARN samples, and a CloudEvents batch", () => {
      const ce = loadEvent<Record<string, unknown>>("aks", "rolling-started-cloudevent");
      const camel = omit({ ...ce, specVersion: "1.0" }, "specversion");
      const events = normalizeBody([ce, { ...camel, id: "other" }], opts);
      expect(events.map((e) => e.kind)).toEqual(["NodePoolRollingStarted", "NodePoolRollingStarted"]);
    });

    it("decodes data_base64", () => {
      const ce = omit(loadEvent<Record<string, unknown>>("aks", "rolling-started-cloudevent"), "data");
      const e = one({
        ...ce,
        data_base64: Buffer.from(JSON.stringify({ nodePoolName: "np9" })).toString("base64"),
      });
      expect(e).toMatchObject({ kind: "NodePoolRollingStarted", nodePoolName: "np9" });
    });

    it("rejects a CloudEvent of another spec version", () => {
      expect(
        rejectedReason(set(loadEvent("aks", "rolling-started-cloudevent"), "specversion", "0.3")),
      ).toMatch(/^specversion: expected "1.0"/);
    });
  });

  describe("ARN notices", () => {
    it("reads an AutoUpgrader scheduled event; unset 0001-01-01 times are absent", () => {
      const e = one(loadEvent("arn", "scheduled-maintenance"));
      expect(e).toMatchObject({
        kind: "ScheduledEvent",
        key: "scheduledevent:bbe82027-0444-4f73-897a-0bbfe3af66f1:started",
        clusterIds: [CLUSTER],
        eventSource: "AutoUprader",
        eventStatus: "Started",
        eventDetails: "Start to upgrade security vhd",
        scheduledTime: "2024-04-16T22:17:12.103Z",
        location: "westus2",
      });
      expect(e).not.toHaveProperty("startTime");
    });

    it("parses end-of-support eventDetails sent as a JSON string, and as an object", () => {
      const asString = one(loadEvent("arn", "scheduled-eol-string-details"));
      expect(asString).toMatchObject({
        kind: "ScheduledEvent",
        eventSource: "EOLNotification",
        eventDetails: { kubernetesVersion: "1.32.3", daysUntilEOL: 5 },
      });
      const obj = set(
        loadEvent("arn", "scheduled-eol-string-details"),
        "data.resourceInfo.properties.eventDetails",
        { kubernetesVersion: "1.33.1" },
      );
      expect(one(obj)).toMatchObject({ eventDetails: { kubernetesVersion: "1.33.1" } });
    });

    it("reads Fleet gate events in both casings (AksResources, AKSResources)", () => {
      expect(one(loadEvent("arn", "fleet-gate-created"))).toMatchObject({
        kind: "FleetGate",
        action: "Created",
        gateName: "1eb18051-fff5-4c09-a15f-9eebd2e3b906",
        fleetId:
          "/subscriptions/xxxxxxxxxx/resourceGroups/sw-ms-demo-01/providers/Microsoft.ContainerService/fleets/flt-mgr-approvals-01",
        state: "Pending",
        updateRunName: "test-01",
        stage: "west-eu-development",
        timing: "Before",
      });
      expect(one(loadEvent("arn", "fleet-gate-updated-cloudevent"))).toMatchObject({
        kind: "FleetGate",
        action: "Updated",
        state: "Completed",
        group: "g1",
      });
      const deleted = set(
        loadEvent<EG[]>("arn", "fleet-gate-created")[0],
        "eventType",
        "MICROSOFT.RESOURCENOTIFICATIONS.AKSRESOURCES.FLEETGATEDELETED",
      );
      expect(one(deleted)).toMatchObject({ kind: "FleetGate", action: "Deleted" });
    });

    it("rejects a gate event whose resource id is not a gate", () => {
      const bad = set(
        loadEvent<EG[]>("arn", "fleet-gate-created")[0],
        "data.resourceInfo.id",
        "/subscriptions/x/resourceGroups/y",
      );
      expect(rejectedReason(bad)).toMatch(/^data\.resourceInfo\.id: .* is not a Fleet gate id/);
    });
  });

  describe("alerts", () => {
    it("reads a budget alert from the common alert schema with amounts as numbers", () => {
      expect(one(loadEvent("alerts", "budget-common-actual"))).toMatchObject({
        kind: "BudgetAlert",
        schema: "CommonAlertSchema",
        budgetName: "Test_actual_cost_budget",
        thresholdType: "Actual",
        currency: "USD",
        spentAmount: 11111,
        budgetAmount: 50,
        notificationThresholdAmount: 25,
        subscriptionId: "11111111-1111-1111-1111-111111111111",
        time: "2022-12-07T21:13:20.645Z",
      });
      expect(one(loadEvent("alerts", "budget-common-forecasted"))).toMatchObject({
        thresholdType: "Forecasted",
        forecastedTotal: 1111.11,
        budgetAmount: 1000,
      });
    });

    it("reads the legacy budget payload; its time is when it was received and its key is stable", () => {
      const first = one(loadEvent("alerts", "budget-legacy"));
      expect(first).toMatchObject({
        kind: "BudgetAlert",
        schema: "LegacyBudget",
        spentAmount: 1111.32,
        budgetAmount: 10000,
        notificationThresholdAmount: 8000,
        time: RECEIVED_AT,
      });
      const again = normalizeBody(loadEvent("alerts", "budget-legacy"), {
        receivedAt: "2026-12-01T00:00:00.000Z",
      })[0]!;
      expect(again.key).toBe(first.key);
    });

    it("passes other common-schema alerts as MonitorAlert with the clusters among their targets", () => {
      expect(one(loadEvent("alerts", "metric-alert-common"))).toMatchObject({
        kind: "MonitorAlert",
        severity: "Sev1",
        monitorCondition: "Fired",
        clusterIds: [CLUSTER],
      });
    });
  });

  it("reads the Event Grid subscription validation event", () => {
    expect(one(loadEvent("eventgrid", "subscription-validation"))).toMatchObject({
      kind: "SubscriptionValidation",
      validationCode: "512d38b6-c7b8-40c8-89fe-f46f9e9622b6",
    });
  });

  it("passes well-formed events of other types as Unrecognized", () => {
    const other = set(
      loadEvent("aks", "rolling-failed-eventgrid"),
      "eventType",
      "Microsoft.Storage.BlobCreated",
    );
    expect(one(other)).toMatchObject({ kind: "Unrecognized", eventType: "Microsoft.Storage.BlobCreated" });
  });

  describe("Event Hub bodies", () => {
    it("accepts a string, a Buffer, a parsed object and a parsed array", () => {
      const text = fixtureText("aks", "rolling-failed-eventgrid");
      const parsed = JSON.parse(text) as unknown;
      for (const body of [text, Buffer.from(text), parsed, [parsed], new TextEncoder().encode(text)]) {
        expect(normalizeBody(body, opts).map((e) => e.kind)).toEqual(["NodePoolRollingFailed"]);
      }
    });

    it("processes each message of a batch on its own; a bad one is Rejected in place", () => {
      const good = loadEvent("aks", "rolling-failed-eventgrid");
      const events = normalizeBatch(
        [good, "{not json", [loadEvent("aks", "rolling-started-cloudevent"), 42], Buffer.from("")],
        opts,
      );
      expect(events.map((e) => [e.kind, e.kind === "Rejected" ? e.at : ""])).toEqual([
        ["NodePoolRollingFailed", ""],
        ["Rejected", "[1]"],
        ["NodePoolRollingStarted", ""],
        ["Rejected", "[2][1]"],
        ["Rejected", "[3]"],
      ]);
    });
  });

  describe("malformed input", () => {
    const base = () => loadEvent<EG>("aks", "rolling-failed-eventgrid");

    it.each([
      ["id", /^id: missing/],
      ["eventType", /^event: not an Event Grid event|^eventType: missing/],
      ["eventTime", /^eventTime: missing; expected an ISO 8601 date-time/],
      ["topic", /^topic: missing; AKS events carry the managed cluster's ARM id/],
      ["data", /^data: expected an object with nodePoolName/],
      ["data.nodePoolName", /^data\.nodePoolName: missing/],
    ])("names the missing field %s", (field, reason) => {
      expect(rejectedReason(omit(base(), field))).toMatch(reason);
    });

    it("names fields of the wrong type and unparseable times", () => {
      expect(rejectedReason(set(base(), "id", 12))).toMatch(/^id: expected the event id string/);
      expect(rejectedReason(set(base(), "eventTime", "yesterday"))).toMatch(
        /^eventTime: "yesterday" is not an ISO 8601 date-time/,
      );
      expect(rejectedReason(set(base(), "data", "pool"))).toMatch(/^data: expected an object/);
      expect(
        rejectedReason(set(loadEvent("aks", "support-ending-eventgrid"), "data.kubernetesVersion", "latest")),
      ).toMatch(/^data\.kubernetesVersion: expected a Kubernetes version/);
      expect(
        rejectedReason(
          set(
            base(),
            "topic",
            "/subscriptions/x/resourceGroups/y/providers/Microsoft.Storage/storageAccounts/z",
          ),
        ),
      ).toMatch(/^topic: .* is not a managed cluster ARM id/);
    });

    it("rejects what is no envelope at all, and non-objects", () => {
      expect(rejectedReason({ hello: "world" })).toMatch(/^event: not an Event Grid event/);
      expect(rejectedReason({ type: "x", source: "y", id: "1" })).toMatch(/^specversion: missing/);
      expect(rejectedReason(7)).toBe("event: expected a JSON object, got number");
      expect(rejectedReason("not json at all")).toMatch(/^body: not JSON/);
      expect(rejectedReason([[[{}]]])).toMatch(/nested more than two deep/);
    });

    it("rejects an event over the 1 MB Event Grid limit and an alert over 256 KB, naming the limit", () => {
      const big = set(base(), "data", { nodePoolName: "p", padding: "x".repeat(1024 * 1024) });
      expect(rejectedReason(big)).toMatch(
        /^event: 1\.00 MB exceeds the 1\.00 MB Event Grid \/ Event Hubs per-event limit/,
      );
      expect(rejectedReason(JSON.stringify(big))).toMatch(/exceeds the 1\.00 MB/);
      const alert = set(loadEvent("alerts", "metric-alert-common"), "data.alertContext", {
        blob: "y".repeat(300 * 1024),
      });
      expect(rejectedReason(alert)).toMatch(/exceeds the 256\.0 KB common alert schema limit/);
    });

    it("keeps the good events of a mixed batch and stamps rejections with where they were", () => {
      const events = normalizeBody(
        [base(), omit(base(), "id"), loadEvent("alerts", "budget-legacy"), null],
        opts,
      );
      expect(events.map((e) => e.kind)).toEqual([
        "NodePoolRollingFailed",
        "Rejected",
        "BudgetAlert",
        "Rejected",
      ]);
      expect(events[1]).toMatchObject({
        at: "[1]",
        eventType: "Microsoft.ContainerService.NodePoolRollingFailed",
      });
    });

    it("gives duplicates the same key and different events different keys", () => {
      const [a, b, c] = normalizeBody([base(), base(), set(base(), "id", "other")], opts);
      expect(a!.key).toBe(b!.key);
      expect(a!.key).not.toBe(c!.key);
    });
  });
});

describe("Function: normalizeText", () => {
  it("reads JSON lines, one body per line, and locates bad lines", () => {
    const lines = [
      fixtureText("aks", "rolling-started-cloudevent").replace(/\n/g, " "),
      "",
      "{oops",
      JSON.stringify(loadEvent("alerts", "budget-legacy")),
    ].join("\n");
    const events = normalizeText(lines, opts);
    expect(events.map((e) => e.kind)).toEqual(["NodePoolRollingStarted", "Rejected", "BudgetAlert"]);
    expect(events[1]).toMatchObject({ at: "line 3" });
  });

  it("turns text that is not JSON at all into exactly one Rejected", () => {
    const events = normalizeText("Subject: hello\nthis is an email, not JSON\n", opts);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ kind: "Rejected", at: "input" });
  });

  it("reads a pretty-printed multi-line document as one document", () => {
    expect(normalizeText(fixtureText("arn", "fleet-gate-created"), opts).map((e) => e.kind)).toEqual([
      "FleetGate",
    ]);
  });

  it("returns nothing for an empty array and one Rejected for empty input", () => {
    expect(normalizeText("[]", opts)).toEqual([]);
    expect(normalizeText("   ", opts)[0]).toMatchObject({ kind: "Rejected" });
  });
});
