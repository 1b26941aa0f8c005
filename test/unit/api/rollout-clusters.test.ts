import { HttpRequest } from "@azure/functions";
import { describe, expect, it } from "vitest";
import type { ApiDeps } from "../../../src/api/deps.js";
import { listRolloutClusters } from "../../../src/api/rollout-clusters.js";
import { loadPolicyFile } from "../../../src/config/policy.js";
import { clusterRef } from "../../../src/domain/cluster-ref.js";
import { laneInstanceId, type LaneInput, type LaneStatus } from "../../../src/contracts/lanes.js";
import type { RolloutClusterItem } from "../../../src/contracts/rollout-status.js";
import { enter, initialStatus } from "../../../src/workflows/rollout-status.js";
import type { PreparedRollout } from "../../../src/contracts/prepared-rollout.js";
import { fixtureArm } from "../../helpers/fake-arm.js";
import { FakeDurable } from "../../helpers/fake-durable.js";

/**
 * Issue 11: `GET /api/rollouts/{id}/clusters?ring=&status=&continuationToken=` pages a rollout's clusters
 * from its lanes (the durable instance query by id prefix, with a continuation token), however many there
 * are; a bad query parameter is a 400 that names it.
 */
const ID = "rollout:contoso-platform:kubernetes:1.30.5";
const SUB = "11111111-1111-1111-1111-111111111111";
const RINGS = ["dev", "prod"];
const PER_LANE = 20;
const LANES = 12; // per ring: 240 clusters each

const name = (ring: string, lane: number, i: number) =>
  `${ring}-${String(lane).padStart(2, "0")}-${String(i).padStart(2, "0")}`;

function seed(): FakeDurable {
  const durable = new FakeDurable();
  const prepared = {
    plan: {
      rings: RINGS.map((r) => ({
        name: r,
        clusters: LANES * PER_LANE,
        scheduled: LANES * PER_LANE,
        lanes: LANES,
        buckets: [LANES],
      })),
    },
  } as unknown as PreparedRollout;
  const status = initialStatus(
    ID,
    { policy: "contoso-platform", kind: "kubernetes", target: "1.30.5", requiresApproval: false },
    prepared,
  );
  enter(status, "running", "ring dev", "dev");
  durable.seed(ID, "rollout", "Running", { customStatus: JSON.parse(JSON.stringify(status)) });
  for (const [ringIndex, ring] of RINGS.entries())
    for (let lane = 0; lane < LANES; lane++) {
      const names = Array.from({ length: PER_LANE }, (_, i) => name(ring, lane, i));
      const input: LaneInput = {
        rolloutId: ID,
        runId: "2026-11-23T00:30:00.000Z",
        ring,
        ringIndex,
        lane,
        bucket: `${SUB}|westeurope`,
        kind: "kubernetes",
        target: "1.30.5",
        cap: 3,
        notify: [],
        blocked: [],
        notBefore: 0,
        horizonEnd: 1,
        retries: { attempts: 1, delayMs: 1 },
        slowPollMs: 1,
        clusters: names.map((n) => ({
          clusterId: clusterRef(SUB, "rg", n).id,
          name: n,
          durationMs: 1,
          window: null,
        })),
        skipped: [],
      };
      const laneStatus: LaneStatus = {
        rollout: ID,
        ring,
        lane,
        bucket: `${SUB}|westeurope`,
        state: "running",
        // In dev, every seventh cluster failed and lane 3's first is in flight; prod has not started.
        clusters: Object.fromEntries(
          names.map((n, i) => [
            n,
            ring === "prod"
              ? { status: "scheduled" as const }
              : lane === 3 && i === 0
                ? { status: "started" as const }
                : (lane * PER_LANE + i) % 7 === 0
                  ? { status: "failed" as const, code: "PodDrainFailure", reason: "drain did not complete" }
                  : { status: "succeeded" as const },
          ]),
        ),
      };
      durable.seed(laneInstanceId(ID, ringIndex, lane), "rolloutLane", "Running", {
        input,
        customStatus: laneStatus,
      });
    }
  durable.seed(`cluster:${SUB}:rg:dev-03-00`, "clusterUpgrade", "Running", {
    customStatus: { phase: "upgrading", cluster: "dev-03-00", ring: "dev", rollout: ID, pool: "system" },
  });
  // Another generation of the same target: its lanes share the text prefix but never the page.
  durable.seed(laneInstanceId(`${ID}:g2`, 0, 0), "rolloutLane", "Running", { input: {}, customStatus: {} });
  return durable;
}

function deps(durable: FakeDurable): ApiDeps {
  return {
    port: durable,
    instances: (q) => durable.query(q),
    list: () => Promise.resolve([]),
    facts: () => fixtureArm(),
    policy: loadPolicyFile("examples/policy.yaml"),
    publicBaseUrl: "https://ringmaster.example.net",
  };
}

type Page = { clusters: RolloutClusterItem[]; continuationToken: string | null; error?: string };
async function get(durable: FakeDurable, query: Record<string, string>, id = ID) {
  const res = await listRolloutClusters(
    new HttpRequest({
      method: "GET",
      url: `http://127.0.0.1:7071/api/rollouts/x/clusters?${new URLSearchParams(query).toString()}`,
      params: { id },
    }),
    deps(durable),
  );
  return { status: res.status ?? 200, body: res.jsonBody as Page };
}
async function all(durable: FakeDurable, query: Record<string, string>) {
  const seen: RolloutClusterItem[] = [];
  let token: string | null = null;
  let pages = 0;
  do {
    const r = await get(durable, { ...query, ...(token ? { continuationToken: token } : {}) });
    expect(r.status).toBe(200);
    expect(r.body.clusters.length).toBeLessThanOrEqual(100);
    seen.push(...r.body.clusters);
    token = r.body.continuationToken;
    pages++;
  } while (token);
  return { seen, pages };
}

describe("API: GET /api/rollouts/{id}/clusters", () => {
  it("pages every cluster of the rollout once, in ring and lane order, following the continuation token", async () => {
    const durable = seed();
    const { seen, pages } = await all(durable, {});
    expect(seen).toHaveLength(RINGS.length * LANES * PER_LANE);
    expect(new Set(seen.map((c) => c.name)).size).toBe(seen.length);
    expect(pages).toBeGreaterThan(4);
    expect(seen[0]).toMatchObject({ name: "dev-00-00", ring: "dev", lane: laneInstanceId(ID, 0, 0) });
    expect(seen.at(-1)).toMatchObject({ name: `prod-11-19`, ring: "prod", status: "scheduled" });
  });

  it("filters by ring and status, and shows an in-flight cluster's own workflow status", async () => {
    const durable = seed();
    const failed = (await all(durable, { ring: "dev", status: "failed" })).seen;
    const expected = Array.from({ length: LANES * PER_LANE }, (_, k) => k).filter(
      (k) => k % 7 === 0 && k !== 3 * PER_LANE,
    );
    expect(failed.map((c) => c.name)).toEqual(
      expected.map((k) => name("dev", Math.floor(k / PER_LANE), k % PER_LANE)),
    );
    expect(failed.every((c) => c.code === "PodDrainFailure" && c.ring === "dev")).toBe(true);
    expect((await all(durable, { ring: "prod", status: "failed" })).seen).toEqual([]);
    const started = (await all(durable, { status: "started" })).seen;
    expect(started).toEqual([
      expect.objectContaining({
        name: "dev-03-00",
        workflow: `cluster:${SUB}:rg:dev-03-00`,
        clusterId: clusterRef(SUB, "rg", "dev-03-00").id,
        live: expect.objectContaining({ phase: "upgrading", pool: "system" }),
      }),
    ]);
  });

  it("answers 400 naming the parameter for an unknown ring, status or parameter, and 404 for no rollout", async () => {
    const durable = seed();
    const ring = await get(durable, { ring: "canary" });
    expect(ring.status).toBe(400);
    expect(ring.body.error).toMatch(/^ring: this rollout has no ring "canary"; its rings are dev, prod/);
    const status = await get(durable, { status: "exploded" });
    expect(status.status).toBe(400);
    expect(status.body.error).toMatch(/status/);
    const token = await get(durable, { continuationToken: "two words" });
    expect(token.status).toBe(400);
    expect(token.body.error).toMatch(/continuationToken/);
    const extra = await get(durable, { rings: "dev" });
    expect(extra.status).toBe(400);
    expect(extra.body.error).toMatch(/rings/);
    expect((await get(durable, {}, "rollout:contoso-platform:kubernetes:9.9.9")).status).toBe(404);
    expect((await get(durable, {}, "cluster:x")).status).toBe(400);
  });
});
