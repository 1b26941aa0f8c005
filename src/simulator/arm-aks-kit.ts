import type { SimCluster } from "./aks-state.js";
import type { SimOperation } from "./aks-operations.js";
import { armBase, type Reply, type Route, type SimRequest } from "./http-kit.js";

/** What the Microsoft.ContainerService route files share: how a route is declared and a cluster found. */
export type RouteOf = (
  method: string,
  template: string,
  api: string,
  kind: Route["kind"],
  handler: Route["handler"],
  aks?: Route["aks"],
) => Route;
export type WithCluster = (fn: (c: SimCluster, req: SimRequest) => Reply) => (req: SimRequest) => Reply;
export type AsyncHeaders = (c: SimCluster, op: SimOperation, req: SimRequest) => Record<string, string>;

export const apiVersion = (req: SimRequest) => req.query.get("api-version") ?? "2026-06-01";

/** The LRO headers of an AKS write: where to poll the operation's status and its result. */
export const asyncHeaders: AsyncHeaders = (c, op, req) => {
  const base = `${armBase(req)}/subscriptions/${c.subscriptionId}/providers/Microsoft.ContainerService/locations/${c.location}`;
  return {
    "Azure-AsyncOperation": `${base}/operations/${op.id}?api-version=${apiVersion(req)}`,
    Location: `${base}/operationresults/${op.id}?api-version=${apiVersion(req)}`,
  };
};
