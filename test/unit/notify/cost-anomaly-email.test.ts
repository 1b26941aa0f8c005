import { describe, expect, it } from "vitest";
import type { CostAnomaly } from "../../../src/contracts/cost-anomalies.js";
import { MessageSchema } from "../../../src/contracts/messages.js";
import { costAnomalyMessage } from "../../../src/notify/cost-anomaly-email.js";
import { renderEmail } from "../../../src/notify/templates.js";

/** The cost-anomaly notice (notify/cost-anomaly-email.ts) as the digest renders it (templates.ts). */
const ID = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/dev-1";
const anomaly: CostAnomaly = {
  clusterId: ID,
  name: "dev-1",
  day: "2026-11-23",
  amount: 1234.5,
  currency: "EUR",
  expected: 600,
  low: 480,
  high: 720,
  historyDays: 28,
  grown: [
    {
      resourceId:
        "/subscriptions/s/resourcegroups/mc_rg_dev-1_westeurope/providers/microsoft.compute/virtualmachinescalesets/aks-<img src=x onerror=alert(1)>-vmss",
      amount: 900,
      usual: 300,
    },
  ],
  operations: [
    {
      kind: "kubernetes",
      target: "1.30.5",
      rollout: "rollout:p:kubernetes:1.30.5",
      ring: "dev",
      status: "succeeded",
      start: "2026-11-23T02:00:00.000Z",
      end: "2026-11-23T02:30:00.000Z",
    },
  ],
};

describe("cost-anomaly email", () => {
  it("names the cluster, amount, expected range, the resource that grew and the upgrade before it", () => {
    const email = renderEmail([MessageSchema.parse(costAnomalyMessage(anomaly, "2026-11-24T10:00:00Z"))]);
    expect(email.subject).toBe(
      "[Ringmaster] Cost anomaly: dev-1 cost 1,234.50 EUR on 2026-11-23 after an upgrade to 1.30.5",
    );
    expect(email.text).toContain("(2.1× expected); expected range 480.00 EUR – 720.00 EUR.");
    expect(email.text).toContain(
      "Ringmaster upgrade to Kubernetes 1.30.5 (rollout rollout:p:kubernetes:1.30.5, ring dev) from 2026-11-23 02:00 to 2026-11-23 02:30 UTC: succeeded.",
    );
    expect(email.text).toMatch(
      /virtualmachinescalesets\/aks-<img src=x onerror=alert\(1\)>-vmss\s+900\.00 EUR\s+300\.00 EUR/,
    );
    // Resource ids come from Cost Management: escaped in HTML like every value.
    expect(email.html).toContain("aks-&lt;img src=x onerror=alert(1)&gt;-vmss");
    expect(email.html).not.toContain("<img");
  });

  it("says so when Ringmaster did nothing on the cluster", () => {
    const m = costAnomalyMessage({ ...anomaly, operations: [], grown: [] }, "2026-11-24T10:00:00Z");
    expect(m.title).toBe("Cost anomaly: dev-1 cost 1,234.50 EUR on 2026-11-23");
    expect(m.lines).toContain(
      "No Ringmaster operation on this cluster in the 48 h before the end of that day.",
    );
    expect(m.table).toBeUndefined();
  });
});
