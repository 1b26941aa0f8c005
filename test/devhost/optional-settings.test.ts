import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { json, startHost, waitFor } from "../helpers/host-process.js";
import { REPO } from "../helpers/stack.js";

/**
 * The README calls the schedule settings optional. The app itself (not a test double) must then start on
 * the local Functions host with them unset, and its timers run on the documented defaults.
 */
const ENV = {
  RINGMASTER_MODE: "simulator",
  RINGMASTER_POLICY_FILE: resolve(REPO, "examples/policy.yaml"),
  RINGMASTER_SUBSCRIPTION_IDS: "11111111-1111-1111-1111-111111111111",
  RINGMASTER_ARM_ENDPOINT: "http://127.0.0.1:9",
  RINGMASTER_ACS_CONNECTION_STRING: "endpoint=http://127.0.0.1:9/;accesskey=a2V5",
  RINGMASTER_CLOCK: "real",
  RINGMASTER_NODE_IMAGE_SCHEDULE: "",
  RINGMASTER_RECONCILE_SCHEDULE: "",
  RINGMASTER_EVENTHUB_NAME: "",
};

describe("Ringmaster on the local host without the optional settings", () => {
  it("starts, and its timers run on the README's default schedules", async () => {
    const host = await startHost(REPO, { env: ENV, args: ["--quiet"] });
    try {
      const status = await json<{ functions: string[] }>(`${host.url}/admin/host/status`);
      expect(status.body.functions).toEqual(expect.arrayContaining(["nodeImagePoll", "windowReconcile"]));
      const next = (name: string) =>
        waitFor(`${name} schedule status`, () => {
          try {
            const file = join(host.stateDir, "timers", `${name}.json`);
            return Promise.resolve((JSON.parse(readFileSync(file, "utf8")) as { next: string }).next);
          } catch {
            return Promise.resolve(undefined);
          }
        });
      // 0 0 5 * * Mon: a Monday at 05:00:00Z; 0 15 */6 * * *: minute 15 of an hour divisible by 6.
      const poll = new Date(await next("nodeImagePoll"));
      expect([poll.getUTCDay(), poll.getUTCHours(), poll.getUTCMinutes()]).toEqual([1, 5, 0]);
      const reconcile = new Date(await next("windowReconcile"));
      expect(reconcile.getUTCHours() % 6).toBe(0);
      expect(reconcile.getUTCMinutes()).toBe(15);
    } finally {
      await host.stop();
    }
  }, 60_000);

  it("refuses a bad schedule with a message that names the setting", async () => {
    // The host reports a load failure and keeps running without the app's functions, so read its output
    // rather than wait for an exit.
    const child = spawn(
      process.execPath,
      [join(REPO, "bin", "ringmaster.js"), "host", "start", "--cwd", REPO, "--port", "0", "--quiet"],
      {
        env: { ...process.env, ...ENV, RINGMASTER_RECONCILE_SCHEDULE: "0 15 */6 * * Someday" },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    const failed = await waitFor("the settings error", () =>
      Promise.resolve(
        /RINGMASTER_RECONCILE_SCHEDULE[^\n]*/.exec(output)?.[0] ??
          (child.exitCode !== null ? output : undefined),
      ),
    ).finally(() => child.kill("SIGKILL"));
    expect(failed).toMatch(/RINGMASTER_RECONCILE_SCHEDULE: expected a six-field NCRONTAB/);
  }, 60_000);
});
