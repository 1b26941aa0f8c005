import { armError, ok, pathPattern, armBase, type Route, type SimRequest } from "./http-kit.js";
import type { SimFleet } from "./fleet-manager.js";
import { strategyProblems } from "./fleet-strategy-checks.js";
import type { StageSpec } from "./fleet-state.js";
import type { World } from "./world.js";

/** Microsoft.ContainerService/fleets: fleets, members, update strategies, update runs and (preview) gates. */
export function fleetRoutes(world: World): Route[] {
  const fm = world.fleetManager;
  const FLEET =
    "/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.ContainerService/fleets/{fleet}";
  const route = (
    method: string,
    template: string,
    api: string,
    kind: Route["kind"],
    handler: (f: SimFleet, req: SimRequest) => ReturnType<Route["handler"]>,
  ): Route => ({
    method,
    pattern: pathPattern(template),
    api,
    kind,
    handler: (req) => {
      const f = fm.get(req.params.sub!, req.params.rg!, req.params.fleet!);
      return f
        ? handler(f, req)
        : armError(404, "ResourceNotFound", `Fleet ${req.params.fleet} was not found.`);
    },
  });
  const memberJson = (f: SimFleet, name: string) => {
    const m = f.members.get(name)!;
    return {
      id: `${fm.fleetId(f)}/members/${name}`,
      name,
      type: "Microsoft.ContainerService/fleets/members",
      properties: {
        clusterResourceId: m.clusterResourceId,
        ...(m.group ? { group: m.group } : {}),
        provisioningState: "Succeeded",
      },
    };
  };
  const runOf = (f: SimFleet, req: SimRequest) => f.runs.get(req.params.run!);
  /** Fleet PUTs are LROs: the status URL goes with the answer, in the version the request used. */
  const lro = (f: SimFleet, req: SimRequest) => {
    const version = req.query.get("api-version") ?? "2025-03-01";
    return {
      "Azure-AsyncOperation": `${armBase(req)}${fm.completedOperation(f)}?api-version=${version}`,
      "Retry-After": "1",
    };
  };
  return [
    route("GET", FLEET, "fleets.get", "read", (f) =>
      ok({
        id: fm.fleetId(f),
        name: f.name,
        type: "Microsoft.ContainerService/fleets",
        location: "westeurope",
        properties: { provisioningState: "Succeeded" },
      }),
    ),
    route("GET", `${FLEET}/members`, "fleetMembers.listByFleet", "read", (f) =>
      ok({ value: [...f.members.keys()].map((n) => memberJson(f, n)) }),
    ),
    route("GET", `${FLEET}/members/{member}`, "fleetMembers.get", "read", (f, req) =>
      f.members.has(req.params.member!)
        ? ok(memberJson(f, req.params.member!))
        : armError(404, "NotFound", `Member ${req.params.member} was not found.`),
    ),
    route("PATCH", `${FLEET}/members/{member}`, "fleetMembers.update", "write", (f, req) => {
      const m = f.members.get(req.params.member!);
      if (!m) return armError(404, "NotFound", `Member ${req.params.member} was not found.`);
      const group = (req.body as { properties?: { group?: unknown } } | undefined)?.properties?.group;
      if (
        group !== undefined &&
        (typeof group !== "string" || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(group) || group.length > 50)
      )
        return armError(
          400,
          "InvalidParameter",
          `properties.group: ${JSON.stringify(group)} must be 1-50 lower-case letters, digits and inner dashes`,
        );
      if (typeof group === "string") m.group = group;
      return ok(memberJson(f, req.params.member!), 200, lro(f, req));
    }),
    route(
      "PUT",
      `${FLEET}/updateStrategies/{strategy}`,
      "fleetUpdateStrategies.createOrUpdate",
      "write",
      (f, req) => {
        const props = (req.body as { properties?: Record<string, unknown> } | undefined)?.properties;
        if (!props?.strategy) return armError(400, "InvalidParameter", "properties.strategy: required");
        const problems = strategyProblems((props.strategy as { stages?: StageSpec[] }).stages);
        if (problems.length) return armError(400, "InvalidParameter", problems.join("; "));
        const existed = f.strategies.has(req.params.strategy!);
        f.strategies.set(req.params.strategy!, props);
        return ok(
          {
            id: `${fm.fleetId(f)}/updateStrategies/${req.params.strategy}`,
            name: req.params.strategy,
            type: "Microsoft.ContainerService/fleets/updateStrategies",
            properties: { ...props, provisioningState: "Succeeded" },
          },
          existed ? 200 : 201,
          lro(f, req),
        );
      },
    ),
    route("GET", `${FLEET}/updateStrategies/{strategy}`, "fleetUpdateStrategies.get", "read", (f, req) => {
      const s = f.strategies.get(req.params.strategy!);
      return s
        ? ok({
            id: `${fm.fleetId(f)}/updateStrategies/${req.params.strategy}`,
            name: req.params.strategy,
            properties: { ...s, provisioningState: "Succeeded" },
          })
        : armError(404, "NotFound", "update strategy not found");
    }),
    route("PUT", `${FLEET}/updateRuns/{run}`, "updateRuns.createOrUpdate", "write", (f, req) => {
      const props = (req.body as { properties?: Record<string, unknown> } | undefined)?.properties as
        Parameters<typeof fm.createRun>[2] | undefined;
      if (!props?.managedClusterUpdate?.upgrade?.type)
        return armError(
          400,
          "InvalidParameter",
          "properties.managedClusterUpdate.upgrade.type: required (Full, ControlPlaneOnly or NodeImageOnly)",
        );
      const { type, kubernetesVersion } = props.managedClusterUpdate.upgrade;
      if (type !== "NodeImageOnly" && !kubernetesVersion)
        return armError(
          400,
          "InvalidParameter",
          `properties.managedClusterUpdate.upgrade.kubernetesVersion: required for ${type}`,
        );
      if (type === "NodeImageOnly" && kubernetesVersion)
        return armError(
          400,
          "InvalidParameter",
          "properties.managedClusterUpdate.upgrade.kubernetesVersion: must not be set for NodeImageOnly",
        );

      if (props.strategy && props.updateStrategyId)
        return armError(400, "InvalidParameter", "properties: give updateStrategyId or strategy, not both");
      if (props.strategy) {
        const problems = strategyProblems(props.strategy.stages);
        if (problems.length) return armError(400, "InvalidParameter", problems.join("; "));
      }
      const selection = props.managedClusterUpdate.nodeImageSelection;
      if (selection && !["Latest", "Consistent", "Custom"].includes(selection.type))
        return armError(
          400,
          "InvalidParameter",
          "properties.managedClusterUpdate.nodeImageSelection.type: expected Latest, Consistent or Custom",
        );
      if (selection?.type === "Custom" && !selection.customNodeImageVersions?.length)
        return armError(
          400,
          "InvalidParameter",
          "properties.managedClusterUpdate.nodeImageSelection.customNodeImageVersions: required for Custom",
        );
      const strategyId = props.updateStrategyId as string | undefined;
      if (strategyId) {
        const stored = f.strategies.get(strategyId.split("/").pop()!);
        if (!stored)
          return armError(
            400,
            "InvalidParameter",
            `properties.updateStrategyId: ${strategyId} was not found`,
          );
        props.strategy = stored.strategy as typeof props.strategy;
      }
      try {
        const existed = f.runs.has(req.params.run!);
        return ok(fm.runJson(f, fm.createRun(f, req.params.run!, props)), existed ? 200 : 201, lro(f, req));
      } catch (error) {
        return armError(
          409,
          "UpdateRunAlreadyStarted",
          error instanceof Error ? error.message : String(error),
        );
      }
    }),
    route("GET", `${FLEET}/updateRuns/{run}`, "updateRuns.get", "read", (f, req) => {
      const run = runOf(f, req);
      return run
        ? ok(fm.runJson(f, run))
        : armError(404, "NotFound", `Update run ${req.params.run} was not found.`);
    }),
    route("GET", `${FLEET}/updateRuns`, "updateRuns.listByFleet", "read", (f) =>
      ok({ value: [...f.runs.values()].map((r) => fm.runJson(f, r)) }),
    ),
    route("POST", `${FLEET}/updateRuns/{run}/start`, "updateRuns.start", "write", (f, req) => {
      const run = runOf(f, req);
      if (!run) return armError(404, "NotFound", `Update run ${req.params.run} was not found.`);
      fm.start(f, run);
      return ok(fm.runJson(f, run));
    }),
    route("POST", `${FLEET}/updateRuns/{run}/stop`, "updateRuns.stop", "write", (f, req) => {
      const run = runOf(f, req);
      if (!run) return armError(404, "NotFound", `Update run ${req.params.run} was not found.`);
      fm.stop(run);
      return ok(fm.runJson(f, run));
    }),
    route("POST", `${FLEET}/updateRuns/{run}/skip`, "updateRuns.skip", "write", (f, req) => {
      const run = runOf(f, req);
      if (!run) return armError(404, "NotFound", `Update run ${req.params.run} was not found.`);
      const targets = (req.body as { targets?: { type: string; name: string }[] } | undefined)?.targets ?? [];
      fm.skip(run, targets);
      return ok(fm.runJson(f, run));
    }),
    route("GET", `${FLEET}/gates`, "gates.listByFleet", "read", (f) =>
      ok({ value: [...f.gates.values()].map((g) => fm.gateJson(g)) }),
    ),
    route("GET", `${FLEET}/gates/{gate}`, "gates.get", "read", (f, req) => {
      const g = f.gates.get(req.params.gate!);
      return g ? ok(fm.gateJson(g)) : armError(404, "NotFound", `Gate ${req.params.gate} was not found.`);
    }),
    route("PATCH", `${FLEET}/gates/{gate}`, "gates.update", "write", (f, req) => {
      const g = f.gates.get(req.params.gate!);
      if (!g) return armError(404, "NotFound", `Gate ${req.params.gate} was not found.`);
      const state = (req.body as { properties?: { state?: string } } | undefined)?.properties?.state;
      if (state !== "Completed" && state !== "Skipped")
        return armError(400, "InvalidParameter", 'properties.state: expected "Completed"');
      fm.approveGate(g, state);
      return ok(fm.gateJson(g));
    }),
  ];
}
