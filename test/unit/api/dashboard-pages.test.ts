import { HttpRequest } from "@azure/functions";
import { describe, expect, it } from "vitest";
import { clustersPage } from "../../../src/api/dashboard/clusters-page.js";
import type { ApiDeps } from "../../../src/api/deps.js";
import type { InstanceQuery } from "../../../src/api/instance-query.js";
import { loadPolicyFile } from "../../../src/config/policy.js";
import { laneInstanceId, LANE_SIZE, type LaneInput, type LaneStatus } from "../../../src/contracts/lanes.js";
import type { PreparedRollout } from "../../../src/contracts/prepared-rollout.js";
import { clusterRef } from "../../../src/domain/cluster-ref.js";
import { generateFleet } from "../../../src/simulator/fleet-generator.js";
import { enter, initialStatus } from "../../../src/workflows/rollout-status.js";
import { fixtureArm } from "../../helpers/fake-arm.js";
import { FakeDurable } from "../../helpers/fake-durable.js";

/**
 * The dashboard's clusters page over a 5,000-cluster generated fleet (`ringmaster simulate generate`'s
 * generator): every cluster is reachable page by page, each request reads one page of lanes (≤ 100
 * clusters) and never the fleet, and every value on the page is escaped.
 */
const ID = "rollout:contoso-platform:kubernetes:1.30.5";
const RINGS = ["dev", "staging", "prod"];

function seedGenerated(count: number): { durable: FakeDurable; names: string[] } {
  const fleet = generateFleet({
    clusters: count,
    subscriptions: 20,
    regions: "westeurope,northeurope,eastus",
    rings: "dev,staging,prod",
    seed: 7,
  });
  const durable = new FakeDurable();
  const names: string[] = [];
  // Lanes as the rollout's preparation makes them: per ring, per subscription-region, LANE_SIZE each.
  const lanes = new Map<
    string,
    { ring: number; bucket: string; clusters: { id: string; name: string }[] }[]
  >();
  for (const sub of fleet.subscriptions)
    for (const c of sub.clusters) {
      const ring = RINGS.indexOf(c.tags!.env!);
      const bucket = `${sub.id}|${c.location}`;
      const key = `${ring}`;
      const list = lanes.get(key) ?? [];
      let lane = list.find((l) => l.bucket === bucket && l.clusters.length < LANE_SIZE);
      if (!lane) list.push((lane = { ring, bucket, clusters: [] }));
      lane.clusters.push({ id: clusterRef(sub.id, c.resourceGroup, c.name).id, name: c.name });
      lanes.set(key, list);
      names.push(c.name);
    }
  const prepared = {
    plan: {
      rings: RINGS.map((_, i) => {
        const ls = lanes.get(`${i}`) ?? [];
        const n = ls.reduce((k, l) => k + l.clusters.length, 0);
        return { name: RINGS[i], clusters: n, scheduled: n, lanes: ls.length, buckets: [ls.length] };
      }),
    },
  } as unknown as PreparedRollout;
  const status = initialStatus(
    ID,
    { policy: "contoso-platform", kind: "kubernetes", target: "1.30.5", requiresApproval: false },
    prepared,
  );
  enter(status, "running", "ring dev", "dev");
  durable.seed(ID, "rollout", "Running", { customStatus: JSON.parse(JSON.stringify(status)) });
  for (const [ring, ls] of lanes)
    ls.forEach((l, n) => {
      const input: LaneInput = {
        rolloutId: ID,
        runId: "r",
        ring: RINGS[Number(ring)]!,
        ringIndex: Number(ring),
        lane: n,
        bucket: l.bucket,
        kind: "kubernetes",
        target: "1.30.5",
        cap: 3,
        notify: [],
        blocked: [],
        notBefore: 0,
        horizonEnd: 1,
        retries: { attempts: 1, delayMs: 1 },
        slowPollMs: 1,
        clusters: l.clusters.map((c) => ({ clusterId: c.id, name: c.name, durationMs: 1, window: null })),
        skipped: [],
      };
      const laneStatus: LaneStatus = {
        rollout: ID,
        ring: input.ring,
        lane: n,
        bucket: l.bucket,
        state: "waiting-for-ring",
        clusters: Object.fromEntries(l.clusters.map((c) => [c.name, { status: "scheduled" as const }])),
      };
      durable.seed(laneInstanceId(ID, Number(ring), n), "rolloutLane", "Running", {
        input,
        customStatus: laneStatus,
      });
    });
  return { durable, names };
}

function depsOf(durable: FakeDurable, reads: number[]): ApiDeps {
  return {
    port: durable,
    instances: async (q: InstanceQuery) => {
      const page = await durable.query(q);
      for (const lane of page.instances)
        reads[reads.length - 1]! += (lane.input as LaneInput).clusters.length;
      return page;
    },
    list: () => Promise.resolve([]),
    facts: () => fixtureArm(),
    policy: loadPolicyFile("examples/policy.yaml"),
    publicBaseUrl: "https://ringmaster.example.net",
  };
}

const request = (query: Record<string, string>, id = ID) =>
  new HttpRequest({
    method: "GET",
    url: `http://127.0.0.1:7071/api/dash/rollouts/x/clusters?${new URLSearchParams(query).toString()}`,
    params: { id },
  });

/** The cluster names of a page's table, and its next page's token. */
function parse(html: string): { names: string[]; next: string | undefined } {
  const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(html)?.[1] ?? "";
  const names = [...body.matchAll(/<tr><td>([^<]+)<\/td>/g)].map((m) => m[1]!).filter((n) => n !== "none");
  const next = /href="[^"]*continuationToken=([^"&]+)[^"]*" rel="next"/.exec(html)?.[1];
  return { names, next: next ? decodeURIComponent(next.replace(/&amp;/g, "&")) : undefined };
}

describe("Dashboard: clusters page over a 5,000-cluster generated fleet", () => {
  const { durable, names } = seedGenerated(5000);

  it("lists every cluster once, a page (≤ 100 clusters, lanes of ≤ 100 clusters read) per request", async () => {
    const reads: number[] = [];
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      reads.push(0);
      const res = await clustersPage(
        request(token ? { continuationToken: token } : {}),
        depsOf(durable, reads),
      );
      expect(res.status).toBe(200);
      const page = parse(res.body as string);
      expect(page.names.length).toBeGreaterThan(0);
      expect(page.names.length).toBeLessThanOrEqual(100);
      seen.push(...page.names);
      token = page.next;
      pages++;
    } while (token && pages < 200);
    expect(names.length).toBe(5000);
    expect(new Set(seen).size).toBe(5000);
    expect(seen.length).toBe(5000);
    expect(pages).toBeGreaterThanOrEqual(50);
    // Each request read lanes holding at most 100 clusters, of the fleet's 5,000.
    expect(Math.max(...reads)).toBeLessThanOrEqual(100);
  });

  it("filters by ring, keeping the filter on the next page's link", async () => {
    const reads = [0];
    const res = await clustersPage(request({ ring: "prod", status: "" }), depsOf(durable, reads));
    const html = res.body as string;
    const page = parse(html);
    expect(page.names.every((n) => n.startsWith("aks-prod-"))).toBe(true);
    expect(html).toMatch(/href="[^"]*ring=prod[^"]*continuationToken=/);
    expect(html).toContain('<option value="prod" selected>');
  });

  it("escapes what clusters and Azure say, and answers a bad filter with the API's reason", async () => {
    const evil = '<script>alert("x")</script>';
    const lane = durable.instances.get(laneInstanceId(ID, 0, 0))!;
    const status = lane.customStatus as LaneStatus;
    const first = Object.keys(status.clusters)[0]!;
    status.clusters[first] = { status: "failed", code: "PodDrainFailure", reason: evil };
    const res = await clustersPage(request({ ring: "dev", status: "failed" }), depsOf(durable, [0]));
    const html = res.body as string;
    expect(html).not.toContain(evil);
    expect(html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
    const bad = await clustersPage(request({ ring: "canary" }), depsOf(durable, [0]));
    expect(bad.status).toBe(400);
    expect(bad.body as string).toContain("this rollout has no ring &quot;canary&quot;");
  });
});
