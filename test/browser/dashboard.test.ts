import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DateTime } from "luxon";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  chromiumMissing,
  launchChromium,
  screenshot,
  seriousViolations,
  type AxeViolation,
  type Browser,
} from "../helpers/browser.js";
import type { Hold } from "../../src/clock/clock.js";
import { REPO, rolloutReaches, startStack, STACK_KEYS, type Stack } from "../helpers/stack.js";

/**
 * The dashboard and the one-click approval in a real browser (Debian's Chromium through playwright-core),
 * against the stack of the example run (examples/fleet.yaml and policy.yaml, discrete clock, function
 * keys on every door as in Azure): on-call opens the dashboard, finds prod waiting for approval, opens the
 * approval link from the simulator's ACS outbox, confirms, and prod starts in its window. The expired link
 * is the minor's (1.31.2) rollout approval, asked on 23 November with a 7-day deadline; the reused one is
 * prod's, again after the host was killed and restarted. Every page passes axe-core with no serious or
 * critical violation; screenshots are kept under test-results/browser/.
 */
const PATCH = "rollout:contoso-platform:kubernetes:1.30.5";
const KEY = STACK_KEYS.functionKeys.default;
const PROD_APPROVAL = /Approval needed: Kubernetes 1\.30\.5 for ring prod/;
const example = (f: string) => readFileSync(join(REPO, "examples", f), "utf8");

/**
 * The one-click link to `action` in the message titled `title`, from the simulated ACS outbox. A digest
 * holds several messages (the node-image rollout's prod approval may share prod's slot), so the link is
 * read from that message's own part of the email.
 */
function linkIn(stack: Stack, title: RegExp, action: "Approve" | "Reject"): string {
  const parts = stack.emails().flatMap((e) => e.text.split("\n\n---\n\n"));
  const part = parts.find((p) => title.test(p.split("\n")[0] ?? ""));
  if (!part)
    throw new Error(
      `no message titled ${title}: ${stack
        .emails()
        .map((e) => e.subject)
        .join(" | ")}`,
    );
  const m = new RegExp(`^${action}: (http://\\S+/api/act\\?link=[A-Za-z0-9_.-]+)`, "m").exec(part);
  if (!m) throw new Error(`no ${action} link in: ${part}`);
  return m[1]!;
}

describe("browser: dashboard and one-click approval", () => {
  let stack: Stack;
  let browser: Browser;
  let page: Page;
  const violations: Record<string, AxeViolation[]> = {};
  let approveLink = "";
  let prodStart: { cluster: string; start: string; end: string | null } | undefined;
  let betweenTests: Hold | undefined;

  /** Opens a page, keeps its screenshot and its axe-core result. */
  async function visit(name: string, url: string): Promise<number> {
    const response = await page.goto(url);
    violations[name] = await seriousViolations(page);
    await screenshot(page, name);
    return response?.status() ?? 0;
  }
  const dash = (path: string) => `${stack.host.url}/api/${path}${path.includes("?") ? "&" : "?"}code=${KEY}`;
  const onHost = (link: string) => link.replace(/^http:\/\/[^/]+/, stack.host.url);

  beforeAll(async () => {
    if (chromiumMissing) throw new Error(chromiumMissing);
    stack = await startStack({
      fleetYaml: example("fleet.yaml"),
      policyYaml: example("policy.yaml"),
      speed: 3600,
      keys: true,
    });
    // Chromium starts (in its own processes) while the rollout runs to prod's approval.
    const launching = launchChromium();
    try {
      await rolloutReaches(
        stack,
        PATCH,
        (r) => r.state === "waiting-approval" && r.ring === "prod",
        "prod waiting for approval",
        240_000,
      );
    } finally {
      // Kept even when the rollout failed, so afterAll closes it.
      browser = await launching;
    }
    page = await browser.context.newPage();
    // The request goes out with the next urgent digest, a simulated minute later.
    await stack.until("the prod approval email", () =>
      stack.emails().find((e) => PROD_APPROVAL.test(e.subject) || PROD_APPROVAL.test(e.text)),
    );
  }, 300_000);

  afterAll(async () => {
    betweenTests?.release();
    await browser?.close();
    await stack?.stop();
  });

  it("keeps the function key on the dashboard's doors", async () => {
    const bare = await fetch(`${stack.host.url}/api/dash`);
    expect(bare.status).toBe(401);
  });

  it("shows prod waiting for approval, on every page, with no serious accessibility violation", async () => {
    await stack.clock.held("the browser reading the dashboard", async () => {
      expect(await visit("rollouts", dash("dash"))).toBe(200);
      expect(await page.locator("main").innerText()).toContain("waiting for approval");
      await page.getByRole("link", { name: "Kubernetes 1.30.5" }).click();
      await page.waitForLoadState();
      violations.rollout = await seriousViolations(page);
      await screenshot(page, "rollout-waiting");
      await page
        .getByRole("heading", { name: "Waiting for approval: ring prod" })
        .waitFor({ timeout: 15_000 });
      expect(await page.locator("main").innerText()).toContain("Deadline");
      await page.getByRole("link", { name: "Every cluster" }).click();
      await page.waitForLoadState();
      await page.getByLabel("Ring").selectOption("prod");
      await page.getByRole("button", { name: "Show" }).click();
      await page.waitForLoadState();
      violations.clusters = await seriousViolations(page);
      await screenshot(page, "clusters-prod");
      const rows = await page.locator("tbody tr").allInnerTexts();
      expect(rows.length).toBe(3);
      for (const row of rows) expect(row).toMatch(/^aks-prod-\S+\s+prod\s+scheduled/);
      expect(await visit("timeline", dash(`dash/rollouts/${encodeURIComponent(PATCH)}/timeline`))).toBe(200);
      await page.locator("svg[role=img]").waitFor({ timeout: 15_000 });
      expect(await visit("windows", dash("dash/windows"))).toBe(200);
      expect(await page.locator("main").innerText()).toContain("prod");
    });
    for (const [name, found] of Object.entries(violations)) expect(found, name).toEqual([]);
  });

  it("sends no command line in any email, only one-click links", () => {
    const emails = stack.emails();
    expect(emails.length).toBeGreaterThan(0);
    for (const e of emails) expect(`${e.text}\n${e.html}`, e.subject).not.toMatch(/curl|x-functions-key: \$/);
    approveLink = linkIn(stack, PROD_APPROVAL, "Approve");
    expect(approveLink).toMatch(/\/api\/act\?link=/);
  });

  it("confirms before acting: the link's page changes nothing, its button approves", async () => {
    await stack.clock.held("the browser approving prod", async () => {
      expect(await visit("confirm", onHost(approveLink))).toBe(200);
      await page.getByRole("heading", { name: "Approve ring prod?" }).waitFor({ timeout: 15_000 });
      // Opening the link (as a mail scanner would) acted on nothing: prod still waits.
      const still = await stack.api<{ state: string }>(`/api/rollouts/${encodeURIComponent(PATCH)}`);
      expect(still.body.state).toBe("waiting-approval");
      await page.getByLabel("Comment (optional)").fill("go ahead");
      await page.getByRole("button", { name: "Approve ring prod" }).click();
      await page.waitForLoadState();
      const after = await page.locator("body").innerText();
      expect(after, page.url()).toContain("Approved: ring prod");
      violations.approved = await seriousViolations(page);
      await screenshot(page, "approved");
      // Hold time until the next test watches prod: vitest's gap between tests is wall time, in which
      // the discrete clock would otherwise run prod's whole window before anyone looked.
      betweenTests = stack.clock.hold("the browser, between approving prod and watching it");
    });
    expect(violations.confirm).toEqual([]);
    expect(violations.approved).toEqual([]);
  });

  it("starts prod in its window (first Sunday, 01:00–09:00 New York)", async () => {
    const started = stack.until(
      "a prod cluster's upgrade to start",
      // The patch's own operation (a node-image rollout may reach prod first).
      () => stack.operations().find((o) => o.cluster.startsWith("aks-prod-") && o.target === "1.30.5"),
      240_000,
    );
    // Time stood still since prod was approved, so the probe sees the first instant prod runs.
    betweenTests?.release();
    prodStart = await started;
    const start = DateTime.fromISO(prodStart.start, { zone: "America/New_York" });
    expect(start.weekday, prodStart.start).toBe(7);
    expect(start.day, prodStart.start).toBeLessThanOrEqual(7);
    expect(start.hour, prodStart.start).toBeGreaterThanOrEqual(1);
    expect(start.hour, prodStart.start).toBeLessThan(9);
    await stack.clock.held("the browser watching prod", async () => {
      expect(await visit("rollout-prod-running", dash(`dash/rollouts/${encodeURIComponent(PATCH)}`))).toBe(
        200,
      );
      const shown = await page.locator("main").innerText();
      expect(shown, shown).toContain("ring prod");
      expect(shown, shown).toContain("approved by email-link");
    });
    expect(violations["rollout-prod-running"]).toEqual([]);
  });

  it("refuses the same link a second time, saying it was used", async () => {
    expect(await visit("reused", onHost(approveLink))).toBe(409);
    await page.getByRole("heading", { name: "This link was already used" }).waitFor({ timeout: 15_000 });
    expect(await page.locator("main").innerText()).toContain("email-link");
    expect(violations.reused).toEqual([]);
  });

  it("still refuses the used link after the host was killed and restarted (the ledger is durable)", async () => {
    await stack.crashAndRestart();
    expect(await visit("reused-after-restart", onHost(approveLink))).toBe(409);
    await page.getByRole("heading", { name: "This link was already used" }).waitFor({ timeout: 15_000 });
  });

  it("refuses an expired link (the minor's approval, past its 7-day deadline) and a tampered one", async () => {
    const minor = linkIn(stack, /Approval needed: Kubernetes 1\.31\.2/, "Approve");
    expect(await visit("expired", onHost(minor))).toBe(410);
    await page.getByRole("heading", { name: "This link has expired" }).waitFor({ timeout: 15_000 });
    const tampered = onHost(approveLink).replace(
      /link=(.)/,
      (_m, c: string) => `link=${c === "e" ? "f" : "e"}`,
    );
    expect(await visit("tampered", tampered)).toBe(400);
    await page.getByRole("heading", { name: "This link is not valid" }).waitFor({ timeout: 15_000 });
    expect(violations.expired).toEqual([]);
    expect(violations.tampered).toEqual([]);
  });
});
