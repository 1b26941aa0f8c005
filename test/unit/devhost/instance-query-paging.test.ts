import { describe, expect, it } from "vitest";
import type { DurableEngine } from "../../../src/devhost/durable/engine.js";
import { DURABLE_PREFIX, handleDurableApi } from "../../../src/devhost/durable/http-api.js";
import type { Instance } from "../../../src/devhost/durable/store.js";

/**
 * Issue 11: the local host answers the durable instance query as Azure does — `instanceIdPrefix` filters,
 * `top` limits a page, and an `x-ms-continuation-token` response header (sent back as the same request
 * header) leads to the next page until the last page, which has none.
 */
const ids = [
  ...Array.from(
    { length: 23 },
    (_, i) => `lane:rollout:p:kubernetes:1.30.5@00:${String(i).padStart(4, "0")}`,
  ),
  "lane:rollout:p:kubernetes:1.30.5:g2@00:0000",
  "cluster:sub:rg:one",
];
const engine = {
  list: () =>
    [...ids].reverse().map(
      (instanceId) =>
        ({
          instanceId,
          name: "rolloutLane",
          runtimeStatus: "Running",
          input: { id: instanceId },
          createdTime: "2026-11-23T00:00:00.000Z",
          lastUpdatedTime: "2026-11-23T00:00:00.000Z",
          history: [],
        }) as unknown as Instance,
    ),
} as unknown as DurableEngine;

function query(params: Record<string, string>, token?: string) {
  return handleDurableApi(
    engine,
    {
      method: "GET",
      path: `${DURABLE_PREFIX}instances`,
      query: new URLSearchParams(params),
      headers: token ? { "x-ms-continuation-token": token } : {},
      body: "",
    },
    "http://127.0.0.1:7071",
    "Hub",
  );
}
const idsOf = (r: { json?: unknown }) => (r.json as { instanceId: string }[]).map((i) => i.instanceId);

describe("Devhost: the instance query pages with top and x-ms-continuation-token", () => {
  it("pages by instance id, `top` at a time, until a page without a token", () => {
    const prefix = "lane:rollout:p:kubernetes:1.30.5@";
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const r = query({ instanceIdPrefix: prefix, top: "5" }, token);
      expect(r.status).toBe(200);
      expect(idsOf(r).length).toBeLessThanOrEqual(5);
      seen.push(...idsOf(r));
      token = r.headers?.["x-ms-continuation-token"];
      pages++;
    } while (token);
    expect(pages).toBe(5);
    expect(seen).toEqual(ids.slice(0, 23));
  });

  it("answers everything at once without `top`, as before, and refuses a bad top or token", () => {
    expect(idsOf(query({}))).toHaveLength(ids.length);
    expect(query({}).headers?.["x-ms-continuation-token"]).toBeUndefined();
    expect(query({ top: "0" }).status).toBe(400);
    expect(query({ top: "5" }, "not-a-token").status).toBe(400);
  });
});
