import { armError, ok, armBase, type Route } from "./http-kit.js";
import type { RouteOf } from "./arm-aks-kit.js";
import type { World } from "./world.js";

/** Microsoft.ContainerService long-running operations: the status an LRO poller reads, and the result. */
export function operationRoutes(world: World, route: RouteOf): Route[] {
  return [
    route(
      "GET",
      "/subscriptions/{sub}/providers/Microsoft.ContainerService/locations/{location}/operations/{op}",
      "operations.get",
      "read",
      (req) => {
        const op = world.operations.all.get(req.params.op!);
        // Fleet's LROs report under the same Microsoft.ContainerService operations path.
        const fleetOp = op ? undefined : world.fleetManager.operations.get(req.params.op!);
        if (fleetOp) return ok(fleetOp);
        if (!op) return armError(404, "NotFound", `Operation ${req.params.op} was not found.`);
        world.records.countCluster(op.cluster.name, "polls");
        return ok(world.operations.statusBody(op));
      },
      { bucket: "aksOperationStatus", scope: "subscription" },
    ),
    route(
      "GET",
      "/subscriptions/{sub}/providers/Microsoft.ContainerService/locations/{location}/operationresults/{op}",
      "operations.getResult",
      "read",
      (req) => {
        const op = world.operations.all.get(req.params.op!);
        if (!op) return armError(404, "NotFound", `Operation ${req.params.op} was not found.`);
        world.records.countCluster(op.cluster.name, "polls");
        if (op.status === "InProgress")
          return { status: 202, headers: { Location: `${armBase(req)}${req.path}?${req.query.toString()}` } };
        if (op.status === "Failed" || op.status === "Canceled")
          return armError(
            400,
            op.error?.code ?? "OperationFailed",
            op.error?.message ?? "The operation failed.",
          );
        return ok({});
      },
      { bucket: "aksOperationStatus", scope: "subscription" },
    ),
  ];
}
