import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DateTime } from "luxon";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { REPO } from "../helpers/stack.js";

/**
 * The example files through `ringmaster start --until 2026-12-10T00:00:00Z --summary FILE` (what
 * `npm start -- …` runs), checked against the simulator's summary with its own window arithmetic: the
 * policy's ring windows read straight from examples/policy.yaml, evaluated with luxon here.
 */
interface Summary {
  clusters: {
    name: string;
    kubernetesVersion: string;
    nodePools: { name: string; orchestratorVersion: string; nodeImageVersion: string }[];
  }[];
  operations: {
    cluster: string;
    pool: string | null;
    kind: string;
    target: string;
    start: string;
    end: string | null;
    result: string;
  }[];
  emails: { time: string; to: string[]; subject: string }[];
}
interface PolicyRing {
  name: string;
  selector: { tags: Record<string, string> };
  maintenanceWindow: {
    weekly?: { dayOfWeek: string };
    relativeMonthly?: unknown;
    startTime: string;
    durationHours: number;
    timeZone: string;
  };
}

const WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

describe("e2e: npm start with the example files until 2026-12-10", () => {
  const dir = mkdtempSync(join(tmpdir(), "rm-example-"));
  const out = join(dir, "out.json");
  let exitCode: number | null = null;
  let stdout = "";
  let summary: Summary;
  const fleet = parse(readFileSync(join(REPO, "examples", "fleet.yaml"), "utf8")) as {
    subscriptions: { clusters: { name: string; tags: Record<string, string> }[] }[];
  };
  const policy = parse(readFileSync(join(REPO, "examples", "policy.yaml"), "utf8")) as {
    spec: { rings: PolicyRing[] };
  };
  const tags = new Map(fleet.subscriptions.flatMap((s) => s.clusters).map((c) => [c.name, c.tags]));
  const ringOf = (cluster: string) =>
    policy.spec.rings.find((r) =>
      Object.entries(r.selector.tags).every(([k, v]) => tags.get(cluster)?.[k] === v),
    )!;

  beforeAll(async () => {
    await new Promise<void>((done) => {
      const child = execFile(
        process.execPath,
        ["bin/ringmaster.js", "start", "--port", "0", "--until", "2026-12-10T00:00:00Z", "--summary", out],
        { cwd: REPO, maxBuffer: 16 * 1024 * 1024 },
        (error) => {
          exitCode = error ? ((error as { code?: number }).code ?? 1) : 0;
          done();
        },
      );
      child.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
    });
    summary = JSON.parse(readFileSync(out, "utf8")) as Summary;
  }, 180_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("exits 0, showing progress as rings and clusters move", () => {
    expect(exitCode).toBe(0);
    expect(stdout).toMatch(/rollout kubernetes:1\.30\.5 — Running: ring dev/);
    expect(stdout).toMatch(/staging\/aks-stg-weu-1: succeeded/);
    expect(stdout).toMatch(/Summary written to/);
  });

  it("leaves dev and staging on 1.30.5, except the cluster preflight must refuse, which on-call hears about", () => {
    const version = (name: string) => summary.clusters.find((c) => c.name === name)!;
    for (const name of ["aks-dev-weu-1", "aks-stg-weu-1", "aks-stg-neu-1"]) {
      expect(version(name).kubernetesVersion, name).toBe("1.30.5");
      for (const p of version(name).nodePools)
        expect(p.orchestratorVersion, `${name}/${p.name}`).toBe("1.30.5");
    }
    expect(version("aks-dev-neu-1").kubernetesVersion).toBe("1.30.4");
    expect(summary.operations.some((o) => o.cluster === "aks-dev-neu-1")).toBe(false);
    // Reported by email: a digest leads with its most pressing message, so the conflict notice leads (for
    // whichever release came first) or is counted behind an approval request that shared its slot.
    expect(
      summary.emails.some(
        (e) =>
          /aks-dev-neu-1 will not get Kubernetes 1\.3[01]\.\d+ \(in conflict with AKS auto-upgrade\)/.test(
            e.subject,
          ) || /\(\+\d+ more: .*conflict notice/.test(e.subject),
      ),
      summary.emails.map((e) => e.subject).join("\n"),
    ).toBe(true);
  });

  it("leaves prod untouched, its approval asked for", () => {
    for (const c of summary.clusters.filter((x) => x.name.startsWith("aks-prod-"))) {
      expect(c.kubernetesVersion).toBe("1.30.4");
      expect(summary.operations.some((o) => o.cluster === c.name)).toBe(false);
    }
    expect(
      summary.emails.some((e) => /Approval needed: Kubernetes 1\.30\.5 for ring prod/.test(e.subject)),
    ).toBe(true);
  });

  it("puts nothing on 1.31.x without an approval", () => {
    expect(
      summary.clusters.every(
        (c) =>
          !c.kubernetesVersion.startsWith("1.31") &&
          c.nodePools.every((p) => !p.orchestratorVersion.startsWith("1.31")),
      ),
    ).toBe(true);
    expect(summary.operations.some((o) => o.target.startsWith("1.31"))).toBe(false);
    expect(summary.emails.some((e) => /Approval needed: Kubernetes 1\.31\.2/.test(e.subject))).toBe(true);
  });

  it("runs every operation inside its cluster's window", () => {
    expect(summary.operations.length).toBeGreaterThan(0);
    for (const op of summary.operations) {
      const w = ringOf(op.cluster).maintenanceWindow;
      const start = DateTime.fromISO(op.start, { zone: w.timeZone });
      const [h, m] = w.startTime.split(":").map(Number) as [number, number];
      // The window occurrence this operation falls in (it may have opened the evening before, across midnight).
      const sameDay = start.set({ hour: h, minute: m, second: 0, millisecond: 0 });
      const open = sameDay > start ? sameDay.minus({ days: 1 }) : sameDay;
      const close = open.plus({ hours: w.durationHours });
      const end = DateTime.fromISO(op.end!, { zone: w.timeZone });
      const label = `${op.cluster} ${op.kind} ${op.pool ?? ""} ${op.start}–${op.end}`;
      expect(w.weekly, label).toBeDefined();
      expect(WEEKDAYS[open.weekday - 1], label).toBe(w.weekly!.dayOfWeek);
      expect(start >= open && end <= close, label).toBe(true);
    }
  });

  it("starts staging only after dev's soak", () => {
    const ops = (ring: string) => summary.operations.filter((o) => ringOf(o.cluster).name === ring);
    const devEnd = Math.max(...ops("dev").map((o) => Date.parse(o.end!)));
    const stagingStart = Math.min(...ops("staging").map((o) => Date.parse(o.start)));
    expect(stagingStart).toBeGreaterThanOrEqual(devEnd + 24 * 3_600_000);
  });

  it("retried the staging drain failure inside the window and finished the pool", () => {
    const batch = summary.operations.filter((o) => o.cluster === "aks-stg-neu-1" && o.pool === "batch");
    expect(batch.map((o) => o.result)).toEqual(["Failed", "Succeeded"]);
  });
});
