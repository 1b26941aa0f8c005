import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { json, waitFor } from "../helpers/host-process.js";
import { fleetYaml, policyYaml } from "./fixtures.js";

/**
 * `ringmaster start --state DIR` (what `npm start` runs, simulator and host in one process) is killed with
 * SIGKILL while dev-1's upgrade is running and started again on the same directory. The simulated world and
 * its clock must continue from where they were: the clock does not go back to the fleet file's start, the
 * operation in flight finishes, dev-1 stays on the new version, and nothing is upgraded twice.
 */
const REPO = resolve(import.meta.dirname, "..", "..");
const BIN = join(REPO, "bin", "ringmaster.js");
const SPEED = 2000;

interface Run {
  readonly child: ChildProcess;
  readonly sim: string;
  readonly api: string;
  readonly output: () => string;
}

interface Summary {
  clusters: { name: string; kubernetesVersion: string; nodePools: { orchestratorVersion: string }[] }[];
  operations: { cluster: string; pool: string | null; kind: string; end: string | null; result: string }[];
}

const dir = mkdtempSync(join(tmpdir(), "rm-start-resume-"));
const files = { fleet: join(dir, "fleet.yaml"), policy: join(dir, "policy.yaml"), state: join(dir, "state") };

async function start(): Promise<Run> {
  const child = spawn(
    process.execPath,
    [BIN, "start", "--fleet", files.fleet, "--policy", files.policy, "--state", files.state, "--port", "0"],
    { cwd: REPO, stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  child.stdout.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr.on("data", (d: Buffer) => (output += d.toString()));
  const urls = await waitFor(
    "ringmaster start to print its URLs",
    () => {
      if (child.exitCode !== null) throw new Error(`ringmaster start exited ${child.exitCode}:\n${output}`);
      const sim = /Simulator:\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
      const api = /API:\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
      return Promise.resolve(sim && api ? { sim, api } : undefined);
    },
    30_000,
  );
  return { child, ...urls, output: () => output };
}

const simNow = async (run: Run) =>
  Date.parse((await json<{ now: string }>(`${run.sim}/_sim/clock`)).body.now);
const summary = async (run: Run) => (await json<Summary>(`${run.sim}/_sim/summary`)).body;
const puts = async (run: Run, cluster: string) =>
  (
    await json<{ kind: string; what: string; detail?: { path?: string; status?: number } }[]>(
      `${run.sim}/_sim/audit`,
    )
  ).body.filter(
    (a) =>
      a.kind === "request" &&
      a.what.startsWith("PUT managedClusters.createOrUpdate") &&
      (a.detail?.status ?? 0) < 300 &&
      (a.detail?.path ?? "").endsWith(`/managedClusters/${cluster}`),
  ).length;

function kill9(run: Run): Promise<void> {
  return new Promise((done) => {
    run.child.once("exit", () => done());
    run.child.kill("SIGKILL");
  });
}

describe("e2e: start --state resumes the simulated world and clock after kill -9", () => {
  let first: Run;
  let second: Run;
  let killedAt = 0;
  let resumedAt = 0;
  let during = "";

  beforeAll(async () => {
    writeFileSync(files.fleet, fleetYaml({ speed: SPEED }));
    writeFileSync(files.policy, policyYaml());
    first = await start();
    const running = await waitFor(
      "an operation on dev-1 in progress",
      async () => (await summary(first)).operations.find((o) => o.cluster === "dev-1" && o.end === null),
      90_000,
    );
    during = `${running.kind}${running.pool ? `/${running.pool}` : ""}`;
    killedAt = await simNow(first);
    // Let the clock file catch up with the instant observed (it is written every 50 ms real).
    await new Promise((r) => setTimeout(r, 200));
    await kill9(first);
    second = await start();
    resumedAt = await simNow(second);
  }, 180_000);

  afterAll(async () => {
    for (const run of [first, second])
      if (run && run.child.exitCode === null && run.child.signalCode === null) await kill9(run);
    rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  it("killed the process while dev-1 was being upgraded", () => {
    expect(during).not.toBe("");
  });

  it("resumes the clock where it was, not at the fleet file's start", () => {
    expect(resumedAt).toBeGreaterThanOrEqual(killedAt);
    expect(resumedAt).toBeGreaterThan(Date.parse("2026-11-23T02:00:00Z"));
    expect(second.output()).toMatch(/Resumed the saved state in .* at 2026-11-23T0\d:/);
  });

  it("finishes the operation in flight: dev-1 ends on 1.30.5, control plane and pools once each, one PUT", async () => {
    const done = await waitFor(
      "dev-1 on 1.30.5 everywhere",
      async () => {
        const s = await summary(second);
        const dev1 = s.clusters.find((c) => c.name === "dev-1")!;
        return dev1.kubernetesVersion === "1.30.5" &&
          dev1.nodePools.every((p) => p.orchestratorVersion === "1.30.5") &&
          s.operations.filter((o) => o.cluster === "dev-1").every((o) => o.end !== null)
          ? s
          : undefined;
      },
      90_000,
    );
    const steps = done.operations
      .filter((o) => o.cluster === "dev-1")
      .map((o) => `${o.kind}:${o.pool ?? ""}:${o.result}`)
      .sort();
    expect(steps).toEqual([
      "controlPlaneUpgrade::Succeeded",
      "poolUpgrade:apps:Succeeded",
      "poolUpgrade:system:Succeeded",
    ]);
    expect(await puts(second, "dev-1")).toBe(1);
  }, 120_000);

  it("keeps the rollout going on the resumed world: the dev ring completes", async () => {
    const view = await waitFor(
      "the dev ring done",
      async () => {
        const r = await json<{ rings?: { name: string; status: string }[] }>(
          `${second.api}/api/rollouts/${encodeURIComponent("rollout:e2e:kubernetes:1.30.5")}`,
        );
        return r.status === 200 && r.body.rings?.find((x) => x.name === "dev")?.status === "succeeded"
          ? r.body
          : undefined;
      },
      90_000,
    );
    expect(view.rings?.find((x) => x.name === "dev")?.status).toBe("succeeded");
    const s = await summary(second);
    expect(s.clusters.find((c) => c.name === "dev-2")?.kubernetesVersion).toBe("1.30.5");
    expect(await puts(second, "dev-2")).toBe(1);
  }, 120_000);
});

describe("e2e: simulate --state resumes the world and clock after kill -9", () => {
  it("starts again at the saved instant with the saved clusters", async () => {
    const own = mkdtempSync(join(tmpdir(), "rm-simulate-resume-"));
    const fleetFile = join(own, "fleet.yaml");
    writeFileSync(fleetFile, fleetYaml({ speed: 60000 }));
    const state = join(own, "state");
    const launch = async () => {
      const child = spawn(
        process.execPath,
        [BIN, "simulate", "--fleet", fleetFile, "--state", state, "--port", "0"],
        { cwd: REPO, stdio: ["ignore", "pipe", "pipe"] },
      );
      let output = "";
      child.stdout.on("data", (d: Buffer) => (output += d.toString()));
      child.stderr.on("data", (d: Buffer) => (output += d.toString()));
      const sim = await waitFor("simulate to print its URL", () => {
        if (child.exitCode !== null) throw new Error(`simulate exited ${child.exitCode}:\n${output}`);
        return Promise.resolve(/Simulated Azure on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1]);
      });
      return { child, sim, api: "", output: () => output } satisfies Run;
    };
    const one = await launch();
    // Tag a cluster through ARM, as Ringmaster would, then let the saved clock pass the fleet's first release.
    const path = `/subscriptions/33333333-3333-3333-3333-333333333333/resourceGroups/rg-dev/providers/Microsoft.ContainerService/managedClusters/dev-1?api-version=2026-06-01`;
    const patched = await json(`${one.sim}${path}`, {
      method: "PATCH",
      headers: { Authorization: "Bearer x", "Content-Type": "application/json" },
      body: JSON.stringify({ tags: { env: "dev", resumed: "yes" } }),
    });
    expect(patched.status).toBeLessThan(300);
    await waitFor("the clock past 01:00", async () =>
      (await simNow(one)) > Date.parse("2026-11-23T01:00:00Z") ? true : undefined,
    );
    const before = await simNow(one);
    // A write is saved within a moment, not before its answer (saves are spaced to ten times the last
    // one's duration), and the clock every 50 ms: the kill comes once the state on disk holds both the tag
    // and an instant past \`before\`, however loaded the machine is.
    const saved = (file: string) =>
      existsSync(join(state, file)) ? readFileSync(join(state, file), "utf8") : "";
    await waitFor("the tag and the clock saved in the state directory", () => {
      const clock = saved("clock.json");
      const now = clock ? ((JSON.parse(clock) as { now?: number }).now ?? 0) : 0;
      return Promise.resolve(saved("world.json").includes('"resumed"') && now >= before ? true : undefined);
    });
    await kill9(one);
    const two = await launch();
    try {
      expect(await simNow(two)).toBeGreaterThanOrEqual(before);
      expect(two.output()).toMatch(/Resumed the saved world at 2026-11-23T/);
      const cluster = await json<{ tags: Record<string, string> }>(`${two.sim}${path}`, {
        headers: { Authorization: "Bearer x" },
      });
      expect(cluster.body.tags.resumed).toBe("yes");
    } finally {
      await kill9(two);
      rmSync(own, { recursive: true, force: true });
    }
  }, 60_000);
});
