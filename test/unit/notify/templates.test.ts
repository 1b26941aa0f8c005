import { describe, expect, it } from "vitest";
import { MessageSchema, type MessageInput } from "../../../src/contracts/messages.js";
import { renderEmail } from "../../../src/notify/templates.js";

const message = (over: Partial<MessageInput>) =>
  MessageSchema.parse({
    kind: "forecast",
    key: "k",
    title: "Forecast: Kubernetes 1.30.5",
    summary: "3 clusters",
    time: "2026-11-23T07:00:00.000Z",
    ...over,
  });

describe("Notify: email rendering", () => {
  it("escapes every value in the HTML and keeps the text readable", () => {
    const evil = `<script>alert("x")</script> & 'quotes'`;
    const email = renderEmail([
      message({
        title: evil,
        summary: evil,
        lines: [evil],
        table: [
          ["cluster", "note"],
          ["aks-1", evil],
        ],
        actions: [{ label: evil, url: `https://x/?a=${evil}`, method: "GET" }],
      }),
    ]);
    expect(email.html).not.toContain("<script>");
    expect(email.html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quotes&#39;");
    expect(email.text).toContain(evil);
    expect(email.subject).toBe(`[Ringmaster] ${evil}`);
  });

  it("shows a state-changing action as its signed one-click link, never as a command line", () => {
    const approve = {
      label: "Approve",
      url: "http://127.0.0.1:7071/api/rollouts/r/approve?ring=prod",
      method: "POST",
      link: {
        rollout: "rollout:p:kubernetes:1.30.5",
        ring: "prod",
        action: "approve" as const,
        expiresAt: 1,
      },
    };
    const signed = "http://127.0.0.1:7071/api/act?link=abc.def";
    const email = renderEmail([message({ kind: "approvalRequest", actions: [approve] })], (a) =>
      a.link?.action === "approve" ? signed : undefined,
    );
    expect(email.html).toContain(`<a href="${signed}"`);
    expect(email.html).not.toMatch(/<a href="[^"]*\/api\/rollouts\/r\/approve/);
    expect(`${email.html}${email.text}`).not.toMatch(/curl|x-functions-key: \$/);
    expect(email.text).toContain(`Approve: ${signed} (opens a page to confirm`);
  });

  it("without a signing key, points an action to the rollout's dashboard page; a POST without a link is named, not a command", () => {
    const email = renderEmail([
      message({
        kind: "approvalRequest",
        actions: [
          {
            label: "Approve",
            url: "http://127.0.0.1:7071/api/rollouts/r/approve?ring=prod",
            method: "POST",
            link: { rollout: "rollout:p:kubernetes:1.30.5", ring: "prod", action: "approve", expiresAt: 1 },
          },
          { label: "Approve gate", url: "http://127.0.0.1:7071/api/fleetgates/g/approve", method: "POST" },
        ],
      }),
    ]);
    expect(email.html).toContain(
      '<a href="http://127.0.0.1:7071/api/dash/rollouts/rollout%3Ap%3Akubernetes%3A1.30.5"',
    );
    expect(email.html).not.toMatch(/<a href="[^"]*approve/);
    expect(`${email.html}${email.text}`).not.toMatch(/curl/);
    expect(email.text).toContain(
      "Approve gate: POST http://127.0.0.1:7071/api/fleetgates/g/approve with a function key",
    );
  });

  it("leads a digest's subject with its most pressing message and counts the rest", () => {
    const email = renderEmail([
      message({ key: "a", kind: "forecast", title: "Forecast: Kubernetes 1.30.5" }),
      message({ key: "b", kind: "completion", title: "Rollout completed: Kubernetes 1.30.4" }),
      message({
        key: "c",
        kind: "clusterFailure",
        title: "Upgrade failed: aks-1 (pool apps) — PodDrainFailure",
      }),
      message({ key: "d", kind: "forecast", title: "Forecast: node image refresh" }),
    ]);
    expect(email.subject).toBe(
      "[Ringmaster] Upgrade failed: aks-1 (pool apps) — PodDrainFailure (+3 more: 2 forecasts, 1 completion)",
    );
    expect(email.text.indexOf("Upgrade failed")).toBeLessThan(email.text.indexOf("Forecast: Kubernetes"));
  });

  it("renders tables as aligned text columns", () => {
    const email = renderEmail([
      message({
        table: [
          ["cluster", "ring"],
          ["aks-dev-weu-1", "dev"],
          ["b", "staging"],
        ],
      }),
    ]);
    expect(email.text).toContain("cluster        ring   \naks-dev-weu-1  dev    \nb              staging");
  });
});
