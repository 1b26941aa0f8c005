import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseTimeSpan, resolveSettingRefs } from "../../../src/devhost/app-config.js";
import { virtualClock } from "../../../src/clock/clock.js";
import { compileRoute } from "../../../src/devhost/routes.js";
import {
  compileSchedule,
  nextOccurrence,
  TimerSchedule,
  type TimerFire,
} from "../../../src/devhost/timers.js";

describe("Module: routes", () => {
  it("matches literals case-insensitively, parameters, optional parameters, constraints and catch-alls", () => {
    expect(compileRoute("api/hello/{name}").match("/API/Hello/bob")).toEqual({ name: "bob" });
    expect(compileRoute("api/o/{name}/{id?}").match("/api/o/main")).toEqual({ name: "main" });
    expect(compileRoute("api/o/{name}/{id?}").match("/api/o/main/x1")).toEqual({ name: "main", id: "x1" });
    expect(compileRoute("api/items/{id:int}").match("/api/items/abc")).toBeUndefined();
    expect(compileRoute("api/files/{*rest}").match("/api/files/a/b/c")).toEqual({ rest: "a/b/c" });
    expect(compileRoute("api/hello/{name}").match("/api/hello/bob/extra")).toBeUndefined();
    expect(compileRoute("api/rollouts/summary").specificity).toBeGreaterThan(
      compileRoute("api/rollouts/{id}").specificity,
    );
  });
});

describe("Module: timers (NCRONTAB)", () => {
  it("requires day-of-month AND day-of-week, as the Functions host does: Friday the 13ths only", () => {
    const cron = compileSchedule("0 0 0 13 * Fri");
    const runs: string[] = [];
    let t = Date.parse("2026-01-01T00:00:00Z");
    for (let i = 0; i < 3; i++) {
      t = nextOccurrence(cron, t)!;
      runs.push(new Date(t).toISOString().slice(0, 10));
    }
    expect(runs).toEqual(["2026-02-13", "2026-03-13", "2026-11-13"]);
  });

  it("has a seconds field, and refuses five-field expressions", () => {
    expect(
      new Date(
        nextOccurrence(compileSchedule("30 */5 * * * *"), Date.parse("2026-11-23T00:00:00Z"))!,
      ).toISOString(),
    ).toBe("2026-11-23T00:00:30.000Z");
    expect(() => compileSchedule("*/5 * * * *")).toThrow(/six NCRONTAB fields/);
  });

  it("fires a missed run once as past due after a restart, then keeps its schedule on the given clock", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rm-timer-"));
    writeFileSync(
      join(dir, "nightly.json"),
      JSON.stringify({
        last: "2026-11-20T05:00:00.000Z",
        next: "2026-11-21T05:00:00.000Z",
        lastUpdated: "2026-11-20T05:00:00.000Z",
      }),
    );
    const clock = virtualClock({ virtualStart: Date.parse("2026-11-22T12:00:00Z"), speed: 3600 * 24 });
    const fires: TimerFire[] = [];
    const timer = new TimerSchedule("nightly", "0 0 5 * * *", clock, dir, (f) => {
      fires.push(f);
      return Promise.resolve();
    });
    timer.start(false);
    // Until the second fire (the next 05:00, 17 simulated hours on: 0.7 s of this clock), not a fixed 1.5 s.
    for (const deadline = Date.now() + 5000; fires.length < 2 && Date.now() < deadline;)
      await new Promise((r) => setTimeout(r, 10));
    timer.stop();
    expect(fires[0]).toMatchObject({ isPastDue: true });
    expect(fires.slice(1).every((f) => !f.isPastDue && f.status.last.endsWith("T05:00:00.000Z"))).toBe(true);
    expect(fires.length).toBeGreaterThanOrEqual(2);
  });
});

describe("Module: app-config", () => {
  it("reads TimeSpans and resolves %SETTING% references", () => {
    expect(parseTimeSpan("00:10:00")).toBe(600_000);
    expect(parseTimeSpan("1.02:00:00")).toBe(26 * 3_600_000);
    expect(parseTimeSpan("-1")).toBeUndefined();
    expect(resolveSettingRefs("%HUB%-x-%MISSING%", { HUB: "ingress" })).toBe("ingress-x-%MISSING%");
  });
});

describe("Guard: durable-functions major version", () => {
  it("fails fast with a clear message when an app has durable-functions 4 installed", async () => {
    const { mkdirSync } = await import("node:fs");
    const { checkDurableFunctionsMajor } = await import("../../../src/devhost/app-config.js");
    const app = mkdtempSync(join(tmpdir(), "rm-df4-"));
    writeFileSync(join(app, "package.json"), JSON.stringify({ name: "x", main: "index.js" }));
    mkdirSync(join(app, "node_modules", "durable-functions"), { recursive: true });
    writeFileSync(
      join(app, "node_modules", "durable-functions", "package.json"),
      JSON.stringify({ name: "durable-functions", version: "4.0.0-alpha.1" }),
    );
    expect(() => checkDurableFunctionsMajor(app)).toThrow(
      /durable-functions 4\.0\.0-alpha\.1 is installed, but this host runs durable-functions 3\.x only/,
    );
    expect(checkDurableFunctionsMajor(process.cwd())).toMatch(/^3\./);
  });
});
