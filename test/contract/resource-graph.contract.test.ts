import { afterEach, describe, expect, it } from "vitest";
import { listManagedClusters } from "../../src/azure/cluster-inventory.js";
import { startSimulator, SUB, type SimHarness } from "../helpers/simulator.js";

/**
 * The fleet inventory through Resource Graph, with the real `@azure/arm-resourcegraph` client over HTTP
 * against the simulator: one paged query across the managed subscriptions (1,000 rows a page), Resource
 * Graph's per-user quota answered with 429 and a wait that the client honours, and ARM list per subscription
 * when Resource Graph is not permitted.
 */
const SUBS = [SUB, "22222222-2222-2222-2222-222222222222", "33333333-3333-3333-3333-333333333333"];
const UNMANAGED = "44444444-4444-4444-4444-444444444444";

function fleetYaml(perSubscription: number, o: { speed?: number; extra?: string } = {}): string {
  const sub = (id: string, n: number, prefix: string) =>
    `  - id: ${id}
    name: ${prefix}
    clusters:
${Array.from(
  { length: n },
  (_, i) => `      - name: ${prefix}-${String(i).padStart(4, "0")}
        resourceGroup: rg-${i % 7}
        location: ${["westeurope", "northeurope", "eastus"][i % 3]}
        kubernetesVersion: 1.30.4
        tags: { env: ${i % 2 ? "prod" : "dev"} }
        nodePools:
          - { name: system, mode: System, count: 1, nodeImageVersion: AKSUbuntu-2204gen2containerd-202611.03.0 }`,
).join("\n")}`;
  return `apiVersion: ringmaster/v1
kind: SimulatedAzure
clock: { start: "2026-11-23T00:00:00Z", speed: ${o.speed ?? 60000} }
subscriptions:
${SUBS.map((id, k) => sub(id, perSubscription, `s${k}`)).join("\n")}
${sub(UNMANAGED, 5, "other")}
releases:
  kubernetes:
    - { version: 1.30.5, regions: [westeurope, northeurope, eastus], at: "2026-11-01T00:00:00Z" }
${o.extra ?? ""}`;
}

const requests = (h: SimHarness, api: string) =>
  h.sim.world.records.audit.filter((e) => e.kind === "request" && e.what === `POST ${api}`);
const count = (h: SimHarness, api: string) => h.sim.world.records.counters.get(`api:${api}`) ?? 0;

describe("Contract: inventory through Resource Graph, against the simulator", () => {
  let h: SimHarness;
  afterEach(async () => h?.stop());

  it("pages one query over 2,100 clusters of three subscriptions: 3 requests, no ARM list", async () => {
    h = await startSimulator(fleetYaml(700));
    const listing = await listManagedClusters(h.adapters(), SUBS);
    expect(listing.source).toBe("resourceGraph");
    expect(listing.clusters).toHaveLength(2100);
    expect(new Set(listing.clusters.map((c) => c.id.toLowerCase())).size).toBe(2100);
    // Only the managed subscriptions' clusters, each from the subscription its id names.
    expect(listing.clusters.some((c) => c.name.startsWith("other-"))).toBe(false);
    expect(listing.clusters.every((c) => SUBS.includes(c.subscriptionId))).toBe(true);
    expect(count(h, "resourceGraph.resources")).toBe(3);
    expect(count(h, "managedClusters.list")).toBe(0);

    // A row says what an ARM read says (the properties the app reads), as of the query.
    const one = listing.clusters.find((c) => c.name === "s1-0005")!;
    expect(one).toEqual(await h.aks.getCluster(one.id));
    expect(one).toMatchObject({
      location: "eastus",
      tags: { env: "prod" },
      currentKubernetesVersion: "1.30.4",
      provisioningState: "Succeeded",
      powerState: "Running",
      pools: [
        expect.objectContaining({ name: "system", nodeImageVersion: expect.stringMatching(/^AKSUbuntu/) }),
      ],
    });
  });

  it("answers in Resource Graph's shape, with its quota headers, and refuses what it does not understand", async () => {
    h = await startSimulator(fleetYaml(2, { speed: 1 }));
    const post = (body: unknown) =>
      fetch(`${h.sim.url}/providers/Microsoft.ResourceGraph/resources?api-version=2024-04-01`, {
        method: "POST",
        headers: { authorization: "Bearer user-a", "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    const query =
      "resources | where type =~ 'microsoft.containerservice/managedclusters' | project id, name, location | order by id asc";
    const first = await post({
      subscriptions: SUBS,
      query,
      options: { $top: 4, resultFormat: "objectArray" },
    });
    expect(first.status).toBe(200);
    expect(first.headers.get("x-ms-user-quota-remaining")).toBe("14");
    expect(first.headers.get("x-ms-user-quota-resets-after")).toMatch(/^00:00:0[45]$/);
    const page = (await first.json()) as Record<string, unknown>;
    expect(page).toMatchObject({ totalRecords: 6, count: 4, resultTruncated: "false" });
    expect(Object.keys((page.data as object[])[0]!).sort()).toEqual(["id", "location", "name"]);
    const second = (await (
      await post({ subscriptions: SUBS, query, options: { $top: 4, $skipToken: page.$skipToken } })
    ).json()) as Record<string, unknown>;
    expect(second).toMatchObject({ totalRecords: 6, count: 2 });
    expect(second.$skipToken).toBeUndefined();

    const other = await post({ subscriptions: SUBS, query: "resources | take 5" });
    expect(other.status).toBe(400);
    expect(((await other.json()) as { error: { message: string } }).error.message).toMatch(
      /understands only Ringmaster's inventory query/,
    );
    const tooMany = await post({ subscriptions: SUBS, query, options: { $top: 5000 } });
    expect(tooMany.status).toBe(400);
    expect(((await tooMany.json()) as { error: { message: string } }).error.message).toMatch(
      /options\.\$top: must be between 1 and 1000/,
    );
  });

  it("waits out a 429 (15 queries per 5 s per user) and then gets its answer", async () => {
    // On the wall-coupled clock at two simulated seconds a real second, as in Azure where the SDK's own
    // throttling retry waits real time: 16 quick queries fall in one 5-second quota window even on a loaded
    // machine, and the wait is 2.5 real seconds at most. (On the discrete clock the simulator's
    // `retry-after-ms` is 0, so the SDK's built-in retry would spend its three tries at once.)
    h = await startSimulator(fleetYaml(2, { speed: 2 }), { wallClock: true });
    const adapters = h.adapters();
    for (let i = 0; i < 16; i++) expect(await adapters.graph.managedClusters(SUBS)).toHaveLength(6);
    const seen = requests(h, "resourceGraph.resources");
    const throttled = seen.filter((e) => e.detail?.status === 429);
    // One 429: the client waited the whole Retry-After, so its first retry was answered.
    expect(throttled).toHaveLength(1);
    expect(h.sim.world.records.counters.get("throttled:resourceGraph")).toBe(throttled.length);
    // The retry came only once the window that refused it had reset: at least 5 s after that window opened.
    const firstAt = Date.parse(seen[0]!.time);
    const retried = seen.find(
      (e, i) => i > 0 && seen[i - 1]!.detail?.status === 429 && e.detail?.status === 200,
    )!;
    expect(Date.parse(retried.time) - firstAt).toBeGreaterThanOrEqual(5000);
    expect(seen.filter((e) => e.detail?.status === 200)).toHaveLength(16);
  });

  it("falls back to ARM list per subscription when Resource Graph is not permitted", async () => {
    h = await startSimulator(
      fleetYaml(3, { extra: "faults:\n  - { api: resourceGraph.resources, status: 403, times: 1 }" }),
    );
    const listing = await listManagedClusters(h.adapters(), SUBS);
    expect(listing.source).toBe("armList");
    expect(listing.fallbackReason).toMatch(/HTTP 403/);
    expect(listing.clusters.map((c) => c.name).sort()).toEqual(
      ["s0", "s1", "s2"].flatMap((p) => [0, 1, 2].map((i) => `${p}-000${i}`)),
    );
    expect(count(h, "managedClusters.list")).toBe(3);
    // The next listing tries Resource Graph again (the fault was once): one query, no ARM list.
    const again = await listManagedClusters(h.adapters(), SUBS);
    expect(again.source).toBe("resourceGraph");
    expect(count(h, "managedClusters.list")).toBe(3);
  });
});
